package model

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a target nginx version. The zero value is "unknown".
type Version struct {
	Major, Minor, Patch int
	Known               bool
}

// ParseVersion reads "1.22.1", "1.30" or "nginx/1.22.1".
func ParseVersion(s string) (Version, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "nginx/")
	if s == "" || s == "unknown" {
		return Version{}, nil
	}
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return Version{}, fmt.Errorf("nginx version %q must look like 1.22.1 or 1.30", s)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return Version{}, fmt.Errorf("nginx version %q must look like 1.22.1 or 1.30", s)
		}
		n[i] = v
	}
	return Version{Major: n[0], Minor: n[1], Patch: n[2], Known: true}, nil
}

// MustVersion parses a version written in the source.
func MustVersion(s string) Version {
	v, err := ParseVersion(s)
	if err != nil {
		panic(err)
	}
	return v
}

// Less compares two known versions.
func (v Version) Less(o Version) bool {
	if v.Major != o.Major {
		return v.Major < o.Major
	}
	if v.Minor != o.Minor {
		return v.Minor < o.Minor
	}
	return v.Patch < o.Patch
}

// AtLeast reports whether v is known and not older than s.
func (v Version) AtLeast(s string) bool { return v.Known && !v.Less(MustVersion(s)) }

// Before reports whether v is known and older than s.
func (v Version) Before(s string) bool { return v.Known && v.Less(MustVersion(s)) }

func (v Version) String() string {
	if !v.Known {
		return "unknown"
	}
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// DefaultHTTP11 reports whether the target sends HTTP/1.1 to upstreams by
// default: nginx 1.29.7 and later (1.30.0 stable). An unknown version is
// treated as older, the safe side for WebSocket.
func (v Version) DefaultHTTP11() bool { return v.AtLeast("1.29.7") }
