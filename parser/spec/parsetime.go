package spec

import (
	"errors"
	"fmt"
	"math"
)

// ParseTime reads a time value the way ngx_parse_time (src/core/ngx_parse.c)
// does. With seconds false it is a millisecond slot (proxy_read_timeout and
// the other *_timeout directives): "ms" is allowed and "M" and "y" are not.
// With seconds true (expires, ssl_session_timeout...) "M" and "y" are
// allowed and "ms" is not. Units go from the largest to the smallest, each
// at most once; spaces may follow a unit; a bare number is seconds.
// The result is in milliseconds or seconds, as nginx stores it.
func ParseTime(s string, seconds bool) (int64, error) {
	const (
		stStart = iota
		stYear
		stMonth
		stWeek
		stDay
		stHour
		stMin
		stSec
		stMsec
		stLast
	)
	const maxInt = math.MaxInt64
	step := stMonth
	if seconds {
		step = stStart
	}
	var value, total int64
	valid := false
	cutoff, cutlim := int64(maxInt/10), int64(maxInt%10)
	bad := func(why string) (int64, error) { return 0, errors.New(why) }
	for p := 0; p < len(s); {
		ch := s[p]
		if ch >= '0' && ch <= '9' {
			if value >= cutoff && (value > cutoff || int64(ch-'0') > cutlim) {
				return bad("the number is too large")
			}
			value = value*10 + int64(ch-'0')
			valid = true
			p++
			continue
		}
		p++
		var scale, max int64
		var next int
		switch ch {
		case 'y':
			if step > stStart {
				return bad(unitErr(ch, seconds))
			}
			next, scale = stYear, 60*60*24*365
		case 'M':
			if step >= stMonth {
				return bad(unitErr(ch, seconds))
			}
			next, scale = stMonth, 60*60*24*30
		case 'w':
			if step >= stWeek {
				return bad(orderErr("w"))
			}
			next, scale = stWeek, 60*60*24*7
		case 'd':
			if step >= stDay {
				return bad(orderErr("d"))
			}
			next, scale = stDay, 60*60*24
		case 'h':
			if step >= stHour {
				return bad(orderErr("h"))
			}
			next, scale = stHour, 60*60
		case 'm':
			if p < len(s) && s[p] == 's' {
				if seconds {
					return bad("\"ms\" is not allowed here: this directive takes whole seconds")
				}
				if step >= stMsec {
					return bad(orderErr("ms"))
				}
				p++
				next, scale = stMsec, 1
				break
			}
			if step >= stMin {
				return bad(orderErr("m"))
			}
			next, scale = stMin, 60
		case 's':
			if step >= stSec {
				return bad(orderErr("s"))
			}
			next, scale = stSec, 1
		case ' ':
			if step >= stSec {
				return bad("a number after seconds or milliseconds")
			}
			next, scale = stLast, 1
		default:
			return bad(fmt.Sprintf("%q is not a time unit (use ms, s, m, h, d, w; M and y only where whole seconds are taken)", string(ch)))
		}
		step = next
		max = maxInt / scale
		if step != stMsec && !seconds {
			scale *= 1000
			max /= 1000
		}
		if value > max {
			return bad("the value is too large")
		}
		value *= scale
		if total > maxInt-value {
			return bad("the value is too large")
		}
		total += value
		value = 0
		for p < len(s) && s[p] == ' ' {
			p++
		}
	}
	if !valid {
		return bad("no number")
	}
	if !seconds {
		if value > maxInt/1000 {
			return bad("the value is too large")
		}
		value *= 1000
	}
	if total > maxInt-value {
		return bad("the value is too large")
	}
	return total + value, nil
}

func unitErr(ch byte, seconds bool) string {
	if !seconds {
		return fmt.Sprintf("%q (%s) is not allowed in a millisecond time such as a timeout; use d or w", string(ch), map[byte]string{'M': "month", 'y': "year"}[ch])
	}
	return orderErr(string(ch))
}

func orderErr(unit string) string {
	return fmt.Sprintf("unit %q is out of order or repeated; units must go from largest to smallest (y M w d h m s ms), each once", unit)
}
