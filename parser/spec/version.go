package spec

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

// Versions at which nginx changed behavior that rules depend on. Each is
// the first release with the new behavior (see nginx's CHANGES).
const (
	// GateUpstreamHTTP11: proxy_http_version defaults to 1.1 and the
	// Connection header sent upstream is no longer "close" by default.
	GateUpstreamHTTP11 = "1.29.7"
	// GateHTTP2Directive: the `http2` directive appeared, `listen ... http2`
	// became deprecated and `ssl on` was removed.
	GateHTTP2Directive = "1.25.1"
	GateSSLOnRemoved   = "1.25.1"
	// GateHTTP3: the http3 module and `listen ... quic`.
	GateHTTP3 = "1.25.0"
	// GateRequestPort: the $request_port and $is_request_port variables.
	GateRequestPort = "1.29.3"
	// GateProxyHTTP2: `proxy_http_version 2` (HTTP/2 to upstreams).
	GateProxyHTTP2 = "1.29.4"
	// GateHostLastWins: of several `proxy_set_header Host` lines only the
	// last one is sent.
	GateHostLastWins = "1.31.4"
)

// DefaultHTTP11 reports whether the target sends HTTP/1.1 to upstreams by
// default. An unknown version is treated as older, the safe side for
// WebSocket.
func (v Version) DefaultHTTP11() bool { return v.AtLeast(GateUpstreamHTTP11) }
