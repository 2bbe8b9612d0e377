package model

import (
	"net/netip"
	"strings"
)

// IP address literals and host:port pairs, read the way the standard
// library's net package reads them (net.ParseIP, net.SplitHostPort), with
// net/netip only: importing net links in its cgo resolver, which makes the
// binary dynamically linked and every start of ngxlint load the C library
// (ipaddr_test.go checks these against net on a table and a fuzz corpus).

// ipAddr parses an IPv4 address in dotted decimal or an IPv6 address
// without a zone, as net.ParseIP accepts them.
func ipAddr(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a, true
}

// IsIPAddress reports whether s is an IPv4 or IPv6 address (no brackets,
// no port, no zone): where net.ParseIP(s) != nil.
func IsIPAddress(s string) bool {
	_, ok := ipAddr(s)
	return ok
}

// ipString is net.IP's String of an address ipAddr returned: an IPv4 or
// IPv4-mapped IPv6 address in dotted decimal, any other in IPv6's
// canonical form.
func ipString(a netip.Addr) string {
	if a.Is4In6() {
		a = a.Unmap()
	}
	return a.String()
}

// ipv4String is net.IP's To4().String() of an address ipAddr returned, ""
// when it is neither IPv4 nor IPv4-mapped (where To4 is nil).
func ipv4String(a netip.Addr) string {
	if !a.Is4() && !a.Is4In6() {
		return ""
	}
	return a.Unmap().String()
}

// SplitHostPort splits "host:port", "[host]:port" or "[host%zone]:port"
// into its host (without brackets) and port; ok is false where
// net.SplitHostPort returns an error: no colon, a colon in an unbracketed
// host, a ']' not followed by the last colon, a stray '[' or ']'.
func SplitHostPort(hostport string) (host, port string, ok bool) {
	colon := strings.LastIndexByte(hostport, ':')
	if colon < 0 {
		return "", "", false
	}
	noOpen, noClose := 0, 0 // where a '[' resp. ']' may no longer appear
	if hostport[0] == '[' {
		end := strings.IndexByte(hostport, ']')
		if end < 0 || end+1 != colon {
			// no ']', nothing after it, or it is not followed by the last colon
			return "", "", false
		}
		host = hostport[1:end]
		noOpen, noClose = 1, end+1
	} else {
		host = hostport[:colon]
		if strings.IndexByte(host, ':') >= 0 {
			return "", "", false
		}
	}
	if strings.IndexByte(hostport[noOpen:], '[') >= 0 || strings.IndexByte(hostport[noClose:], ']') >= 0 {
		return "", "", false
	}
	return host, hostport[colon+1:], true
}
