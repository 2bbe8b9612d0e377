package model

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/spec"
)

// TimeArg is one time value in a directive, as nginx reads it.
type TimeArg struct {
	Word    parser.Word // the argument that holds it
	Key     string      // "inactive=" when the time follows a key inside the argument
	Value   string      // the text nginx parses
	Seconds bool        // read in whole seconds (M and y allowed, ms not); else milliseconds
	NonZero bool        // 0 is refused too
	Reader  string      // the C function that reads it (spec.Directive.Setter)
	// Start and End locate Value in the file; Exact is false when the
	// argument is written with escapes, and they then cover the whole word.
	Start, End int
	Exact      bool
}

// TimeArgs returns the arguments of d that nginx reads as times when d is
// written in ctx. When d is not allowed in ctx (nginx would stop there),
// the spec is taken from the only one the name has, if it has one.
func TimeArgs(d *parser.Directive, ctx spec.Ctx) []TimeArg {
	ds, _, ok := spec.In(d.Name, ctx)
	if !ok {
		all := spec.Directives(d.Name)
		if len(all) != 1 {
			return nil
		}
		ds = all[0]
	}
	params := spec.TimeParams(ds.Setter)
	if len(params) == 0 || len(d.Args) == 0 {
		return nil
	}
	var out []TimeArg
	for _, tp := range params {
		if tp.Key == "" {
			i := tp.Index
			if i < 0 {
				i = len(d.Args) - 1
			}
			if i >= len(d.Args) {
				continue
			}
			out = append(out, timeArg(d, d.Args[i], tp, 0, ds.Setter))
			continue
		}
		for _, w := range d.Args {
			if strings.HasPrefix(w.Value, tp.Key) {
				out = append(out, timeArg(d, w, tp, len(tp.Key), ds.Setter))
			}
		}
	}
	return out
}

func timeArg(d *parser.Directive, w parser.Word, tp spec.TimeParam, skip int, reader string) TimeArg {
	ta := TimeArg{Word: w, Key: tp.Key, Value: w.Value[skip:], Seconds: tp.Seconds, NonZero: tp.NonZero,
		Reader: reader, Start: int(w.Start), End: int(w.End)}
	raw := d.File.Raw(w)
	inner := raw
	off := 0
	if d.File.QuoteOf(w) != 0 && len(raw) >= 2 {
		inner, off = raw[1:len(raw)-1], 1
	}
	if inner == w.Value {
		ta.Start, ta.End, ta.Exact = int(w.Start)+off+skip, int(w.Start)+off+len(inner), true
	}
	return ta
}

// CheckTime says why nginx rejects a time value, in the user's terms, or
// returns nil when nginx accepts it.
func CheckTime(s string, seconds, nonZero bool) error {
	v, err := ParseTime(s, seconds)
	if err == nil {
		if nonZero && v == 0 {
			return errors.New("0 is not allowed here")
		}
		return nil
	}
	switch {
	case s == "":
		return errors.New("the value is empty")
	case strings.Contains(s, "$"):
		return errors.New("nginx does not expand variables in time values")
	case strings.HasPrefix(strings.TrimSpace(s), "-"):
		return errors.New("negative times are not allowed")
	case strings.ContainsAny(s, ".,"):
		return errors.New("fractions are not allowed; use a smaller unit (1.5h is 90m)")
	}
	for _, run := range letterRuns(s) {
		switch run {
		case "ms", "s", "m", "h", "d", "w", "M", "y":
			continue
		}
		if l := strings.ToLower(run); l == "ms" || len(l) == 1 && strings.Contains("smhdwy", l) {
			return fmt.Errorf("%q is not a time unit: units are lower case (ms s m h d w; M is a month, y a year)", run)
		}
		return fmt.Errorf("%q is not a time unit: nginx takes ms, s, m, h, d, w (and M for a month, y for a year where whole seconds are taken)", run)
	}
	return err
}

// letterRuns returns the runs of ASCII letters in s.
func letterRuns(s string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		letter := i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z')
		switch {
		case letter && start < 0:
			start = i
		case !letter && start >= 0:
			out = append(out, s[start:i])
			start = -1
		}
	}
	return out
}

// time units in milliseconds
const (
	msSecond = 1000
	msMinute = 60 * msSecond
	msHour   = 60 * msMinute
	msDay    = 24 * msHour
	msWeek   = 7 * msDay
	msMonth  = 30 * msDay
	msYear   = 365 * msDay
)

var unitWords = map[string]int64{
	"ms": 1, "msec": 1, "msecs": 1, "millis": 1, "millisecond": 1, "milliseconds": 1,
	"s": msSecond, "sec": msSecond, "secs": msSecond, "second": msSecond, "seconds": msSecond,
	"min": msMinute, "mins": msMinute, "minute": msMinute, "minutes": msMinute,
	"h": msHour, "hr": msHour, "hrs": msHour, "hour": msHour, "hours": msHour,
	"d": msDay, "day": msDay, "days": msDay,
	"w": msWeek, "wk": msWeek, "wks": msWeek, "week": msWeek, "weeks": msWeek,
	"mon": msMonth, "month": msMonth, "months": msMonth,
	"y": msYear, "yr": msYear, "yrs": msYear, "year": msYear, "years": msYear,
}

// canonical unit letters, largest first
var unitLetters = []struct {
	ms     int64
	letter string
}{{msYear, "y"}, {msMonth, "M"}, {msWeek, "w"}, {msDay, "d"}, {msHour, "h"}, {msMinute, "m"}, {msSecond, "s"}, {1, "ms"}}

// unitOf reads a unit as a person may write it: nginx's letters (where
// "m" is a minute and "M" a month), the same letters in upper case, and
// English words in any case. ok is false for anything else.
func unitOf(u string) (int64, bool) {
	switch u {
	case "":
		return msSecond, true // a bare number is seconds
	case "m":
		return msMinute, true
	case "M":
		return msMonth, true
	}
	ms, ok := unitWords[strings.ToLower(u)]
	return ms, ok
}

// CorrectTime rewrites a time value nginx rejects into the value its
// author evidently meant, and says whether there is one:
//   - units in upper case or spelled out: 1H → 1h, 60sec → 60s, 5min → 5m;
//   - M (month) and y (year) in a millisecond time: 1M → 30d, 1y → 365d,
//     the lengths nginx itself gives them where it accepts them; an M after
//     a smaller unit ("1h30M") may be a minute, and is not guessed;
//   - fractions that come out whole: 1.5h → 90m, 0.5s → 500ms;
//   - units out of order or repeated, which nginx refuses but anyone reads
//     as a sum: "30m 1h" → 90m.
//
// A number with no unit is seconds, as in nginx. It gives up on negative
// values, variables, unknown units, values too large for nginx, and
// fractions of a second where only whole seconds are taken. The result
// passes ParseTime.
func CorrectTime(s string, seconds bool) (string, bool) {
	type comp struct {
		num  *big.Rat
		text string // the digits as written, when whole
		unit int64
	}
	var comps []comp
	i := 0
	for i < len(s) {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i == len(s) {
			break
		}
		j := i
		for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
			j++
		}
		if j == i {
			return "", false
		}
		num, ok := new(big.Rat).SetString(s[i:j])
		if !ok {
			return "", false
		}
		whole := !strings.Contains(s[i:j], ".")
		digits := s[i:j]
		for j < len(s) && s[j] == ' ' {
			j++
		}
		k := j
		for k < len(s) && (s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z') {
			k++
		}
		unit, ok := unitOf(s[j:k])
		if !ok {
			return "", false
		}
		if s[j:k] == "" && k < len(s) {
			return "", false // a bare number must be last
		}
		if s[j:k] == "M" && len(comps) > 0 {
			return "", false // "1h30M": a month after an hour is more likely a minute; no guess
		}
		c := comp{num: num, unit: unit}
		if whole {
			c.text = strings.TrimLeft(digits, "0")
			if c.text == "" {
				c.text = "0"
			}
		}
		comps = append(comps, c)
		i = k
	}
	if len(comps) == 0 {
		return "", false
	}
	// Keep the author's numbers when only the spelling of units is wrong.
	simple := true
	var sb strings.Builder
	last := int64(1) << 62
	for _, c := range comps {
		if c.text == "" || c.unit >= last || (!seconds && c.unit >= msMonth) || (seconds && c.unit < msSecond) {
			simple = false
			break
		}
		last = c.unit
		for _, ul := range unitLetters {
			if ul.ms == c.unit {
				sb.WriteString(c.text + ul.letter)
			}
		}
	}
	if simple {
		if _, err := ParseTime(sb.String(), seconds); err == nil {
			return sb.String(), true
		}
		return "", false
	}
	total := new(big.Rat)
	for _, c := range comps {
		total.Add(total, new(big.Rat).Mul(c.num, new(big.Rat).SetInt64(c.unit)))
	}
	if !total.IsInt() || total.Sign() < 0 {
		return "", false
	}
	ms := total.Num()
	if seconds {
		q, r := new(big.Int).QuoRem(ms, big.NewInt(msSecond), new(big.Int))
		if r.Sign() != 0 {
			return "", false
		}
		ms = new(big.Int).Mul(q, big.NewInt(msSecond))
	}
	if !ms.IsInt64() || ms.Int64() > int64(time.Duration(1<<63-1)/time.Millisecond) {
		return "", false
	}
	out := FormatDuration(time.Duration(ms.Int64()) * time.Millisecond)
	if _, err := ParseTime(out, seconds); err != nil {
		return "", false
	}
	return out, true
}
