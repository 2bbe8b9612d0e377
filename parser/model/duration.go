package model

import (
	"fmt"
	"time"

	"github.com/ngxlint/ngxlint/parser/spec"
)

// ParseTime reads a time value the way ngx_parse_time does; see
// spec.ParseTime, where nginx's value readers live.
func ParseTime(s string, seconds bool) (int64, error) { return spec.ParseTime(s, seconds) }

// Millis converts the result of ParseTime for a millisecond slot to a duration.
func Millis(ms int64) time.Duration { return time.Duration(ms) * time.Millisecond }

// FormatDuration writes a duration the short way nginx reads it back: 1h, 90s, 1500ms.
func FormatDuration(d time.Duration) string {
	ms := d.Milliseconds()
	switch {
	case ms == 0:
		return "0"
	case ms%(7*24*3600*1000) == 0:
		return fmt.Sprintf("%dw", ms/(7*24*3600*1000))
	case ms%(24*3600*1000) == 0:
		return fmt.Sprintf("%dd", ms/(24*3600*1000))
	case ms%(3600*1000) == 0:
		return fmt.Sprintf("%dh", ms/(3600*1000))
	case ms%(60*1000) == 0:
		return fmt.Sprintf("%dm", ms/(60*1000))
	case ms%1000 == 0:
		return fmt.Sprintf("%ds", ms/1000)
	}
	return fmt.Sprintf("%dms", ms)
}
