package model_test

import (
	"math"
	"testing"

	"github.com/ngxlint/ngxlint/parser/model"
)

const (
	sec  = int64(1000) // milliseconds
	min  = 60 * sec
	hour = 60 * min
	day  = 24 * hour
	week = 7 * day
)

// timeCase is a time value and what nginx 1.22.1 (and 1.31.5, NGINX-WEBSOCKET.md
// §5) makes of it. ok is whether nginx -t accepts it; want is the value nginx
// stores, in milliseconds for a timeout and in seconds for a seconds slot.
// TestParseTimeAgreesWithNginx runs every row through nginx -t.
type timeCase struct {
	value   string
	seconds bool // a seconds slot (open_file_cache_valid), not a timeout
	ok      bool
	want    int64
}

var timeCases = []timeCase{
	// Accepted by proxy_read_timeout (NGINX-WEBSOCKET.md §5).
	{value: "60", ok: true, want: 60 * sec},
	{value: "60s", ok: true, want: 60 * sec},
	{value: "500ms", ok: true, want: 500},
	{value: "1m", ok: true, want: min},
	{value: "1h", ok: true, want: hour},
	{value: "1d", ok: true, want: day},
	{value: "1w", ok: true, want: week},
	{value: "52w", ok: true, want: 52 * week},
	{value: "3650d", ok: true, want: 3650 * day},
	{value: "1h 30m", ok: true, want: 90 * min},
	{value: "1h30m", ok: true, want: 90 * min},
	{value: "1d12h", ok: true, want: 36 * hour},
	{value: "24d", ok: true, want: 24 * day},
	{value: "25d", ok: true, want: 25 * day},
	{value: "0", ok: true, want: 0},
	{value: "9223372036854775807ms", ok: true, want: math.MaxInt64},
	{value: "9223372036854775s", ok: true, want: 9223372036854775 * sec},
	// Rejected (§5).
	{value: "1M"}, {value: "1y"}, {value: "30m 1h"}, {value: "1.5h"}, {value: "1H"},
	{value: "1S"}, {value: "-1"}, {value: "9223372036854775808ms"}, {value: "9223372036854776s"},
	// More edges of ngx_parse_time.
	{value: "1h 30", ok: true, want: hour + 30*sec}, // a bare number after units is seconds
	{value: "1h30", ok: true, want: hour + 30*sec},  // also without the space
	{value: "30 1h"},                         // a space ends the units: nothing may follow but a number
	{value: "1 ms"},                          // the same: "ms" after a space
	{value: "30 ", ok: true, want: 30 * sec}, // a trailing space is fine
	{value: " 30", ok: true, want: 30 * sec}, // and so is a leading one
	{value: "1s500ms", ok: true, want: 1500}, // ms after s
	{value: "1s5", ok: true, want: 6 * sec},  // a bare number even after s
	{value: "500ms 1", ok: true, want: 1500}, // or after ms
	{value: "1h 5 ", ok: true, want: hour + 5*sec},
	{value: "1s 5 "},   // a space after a number is a unit, and none may follow s
	{value: "500ms1s"}, // s after ms: out of order
	{value: "1m1m"},    // repeated unit
	{value: "1s 1s"},   // repeated unit with a space
	{value: "1d1w"},    // out of order
	{value: "1hh"},     // a unit with no number is a repeat
	{value: ""},        // empty
	{value: "ms"},      // a unit alone
	{value: "s"},       // a unit alone
	{value: "+1"},      // no sign
	{value: "1e3"},
	{value: "1h\t30m"},                   // a tab is not a space to ngx_parse_time                       // no exponent
	{value: "01h", ok: true, want: hour}, // leading zeros
	{value: "0ms", ok: true, want: 0},    //
	{value: "1h 30m 15s 250ms", ok: true, want: 90*min + 15*sec + 250},
	{value: "1w1d1h1m1s1ms", ok: true, want: week + day + hour + min + sec + 1},
	{value: "106751991167d", ok: true, want: 106751991167 * day}, // the largest whole number of days
	{value: "106751991168d"},
	{value: "15250284452w", ok: true, want: 15250284452 * week},
	{value: "15250284453w"},
	{value: "2562047788015h", ok: true, want: 2562047788015 * hour},
	{value: "2562047788016h"},
	{value: "9223372036854775", ok: true, want: 9223372036854775 * sec}, // bare seconds at the limit
	{value: "9223372036854776"},
	{value: "9223372036854775s807ms", ok: true, want: math.MaxInt64}, // the sum at the limit
	{value: "9223372036854775s808ms"},                                // the sum overflows

	// A seconds slot: M and y allowed, ms not.
	{value: "60", seconds: true, ok: true, want: 60},
	{value: "1y", seconds: true, ok: true, want: 365 * 86400},
	{value: "1M", seconds: true, ok: true, want: 30 * 86400},
	{value: "1y1M", seconds: true, ok: true, want: 395 * 86400},
	{value: "1y 6M", seconds: true, ok: true, want: (365 + 180) * 86400},
	{value: "1M1y", seconds: true},
	{value: "1m", seconds: true, ok: true, want: 60},
	{value: "1w", seconds: true, ok: true, want: 7 * 86400},
	{value: "1h 30", seconds: true, ok: true, want: 3630},
	{value: "500ms", seconds: true},
	{value: "1s1ms", seconds: true},
	{value: "1Y", seconds: true},
	{value: "1.5", seconds: true},
	{value: "0", seconds: true, ok: true, want: 0},
	{value: "9223372036854775807", seconds: true, ok: true, want: math.MaxInt64},
	{value: "9223372036854775808", seconds: true},
	{value: "292471208677y", seconds: true, ok: true, want: 292471208677 * 365 * 86400},
	{value: "292471208678y", seconds: true},
}

func TestParseTime(t *testing.T) {
	for _, c := range timeCases {
		got, err := model.ParseTime(c.value, c.seconds)
		switch {
		case c.ok && err != nil:
			t.Errorf("ParseTime(%q, %v): %v; nginx accepts it", c.value, c.seconds, err)
		case !c.ok && err == nil:
			t.Errorf("ParseTime(%q, %v) = %d; nginx rejects it", c.value, c.seconds, got)
		case c.ok && got != c.want:
			t.Errorf("ParseTime(%q, %v) = %d, want %d", c.value, c.seconds, got, c.want)
		case !c.ok && err.Error() == "":
			t.Errorf("ParseTime(%q, %v): an empty error message", c.value, c.seconds)
		}
	}
}

func TestFormatDurationRoundTrip(t *testing.T) {
	for _, ms := range []int64{0, 1, 999, sec, 90 * sec, min, 90 * min, hour, day, 36 * hour, week, 3 * week} {
		s := model.FormatDuration(model.Millis(ms))
		got, err := model.ParseTime(s, false)
		if err != nil || got != ms {
			t.Errorf("FormatDuration(%dms) = %q, which reads back as %d, %v", ms, s, got, err)
		}
	}
}
