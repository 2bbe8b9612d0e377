package model

import (
	"net"
	"testing"
)

// ipaddrCases are read by both tests below and seed the fuzz target.
var ipaddrCases = []string{
	"", ":", "::", ":::", "[", "]", "[]", "[]:", "[]:80", "[::]", "[::]:", "[::]:80", "[::1]:8080",
	"127.0.0.1", "127.0.0.1:80", "0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.5",
	"01.2.3.4", "1.2.3.04", " 1.2.3.4", "1.2.3.4 ", "1.2.3.4:", ":80", "*:80", "localhost:80",
	"example.com", "example.com:443", "app.internal:8080:9090", "::1", "::ffff:1.2.3.4",
	"::ffff:102:304", "[::ffff:1.2.3.4]:80", "0:0:0:0:0:ffff:1.2.3.4", "2001:db8::1",
	"2001:DB8:0:0:0:0:0:1", "2001:db8::1%eth0", "fe80::1%25eth0", "[fe80::1%eth0]:80",
	"[2001:db8::1]x:80", "[2001:db8::1]:80:90", "[2001:db8::1]]:80", "[[2001:db8::1]:80",
	"host]:80", "ho[st:80", "[host]:80", "unix:/run/app.sock", "unix:/run/app.sock:",
	"::ffff:0.0.0.0", "::0.0.0.1", "64:ff9b::1.2.3.4", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9",
	"[1.2.3.4]:80", "8.8.8.8:53", "[2001:4860:4860::8888]:53", "0x7f.0.0.1", "1.1.1.1%eth0",
}

func TestIPAddressAsNet(t *testing.T) {
	for _, s := range ipaddrCases {
		checkIPAddressAsNet(t, s)
	}
}

func TestSplitHostPortAsNet(t *testing.T) {
	for _, s := range ipaddrCases {
		checkSplitHostPortAsNet(t, s)
	}
}

func FuzzIPAddressAsNet(f *testing.F) {
	for _, s := range ipaddrCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkIPAddressAsNet(t, s)
		checkSplitHostPortAsNet(t, s)
	})
}

func checkIPAddressAsNet(t *testing.T, s string) {
	t.Helper()
	want := net.ParseIP(s)
	a, ok := ipAddr(s)
	if ok != (want != nil) || IsIPAddress(s) != ok {
		t.Fatalf("%q: ipAddr ok=%v IsIPAddress=%v, net.ParseIP=%v", s, ok, IsIPAddress(s), want)
	}
	if !ok {
		return
	}
	if got := ipString(a); got != want.String() {
		t.Errorf("%q: ipString=%q, net=%q", s, got, want.String())
	}
	want4 := ""
	if v4 := want.To4(); v4 != nil {
		want4 = v4.String()
	}
	if got := ipv4String(a); got != want4 {
		t.Errorf("%q: ipv4String=%q, net To4=%q", s, got, want4)
	}
}

func checkSplitHostPortAsNet(t *testing.T, s string) {
	t.Helper()
	wh, wp, err := net.SplitHostPort(s)
	h, p, ok := SplitHostPort(s)
	if ok != (err == nil) || h != wh || p != wp {
		t.Errorf("%q: SplitHostPort=(%q, %q, %v), net=(%q, %q, %v)", s, h, p, ok, wh, wp, err)
	}
}
