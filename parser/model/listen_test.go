package model

import (
	"testing"
)

func TestParseListen(t *testing.T) {
	cases := []struct {
		addr     string
		host     string
		port     int
		unix     bool
		variable bool
	}{
		{addr: "80", port: 80},
		{addr: "8080", port: 8080},
		{addr: "127.0.0.1", host: "127.0.0.1", port: 80},
		{addr: "127.0.0.1:8443", host: "127.0.0.1", port: 8443},
		{addr: "*:443", host: "*", port: 443},
		{addr: "localhost:3000", host: "localhost", port: 3000},
		{addr: "example.com", host: "example.com", port: 80},
		{addr: "[::]:443", host: "[::]", port: 443},
		{addr: "[::1]", host: "[::1]", port: 80},
		{addr: "unix:/run/nginx.sock", unix: true},
		{addr: "UNIX:/run/nginx.sock", unix: true},
		{addr: "[::1", variable: true},
		{addr: "127.0.0.1:http", host: "127.0.0.1", variable: true},
		{addr: "70000", variable: true},
		{addr: "$addr", variable: true},
	}
	for _, c := range cases {
		l := parseListen(c.addr)
		if l.Host != c.host || l.Port != c.port || l.Unix != c.unix || l.Variable != c.variable {
			t.Errorf("%s: got host=%q port=%d unix=%v variable=%v", c.addr, l.Host, l.Port, l.Unix, l.Variable)
		}
	}
}

func TestListensAndTLS(t *testing.T) {
	c := buildText(t, `
server {
    listen 80;
    listen [::]:8443 ssl http2;
}
server {
    listen 443 quic reuseport;
}
server {
    ssl on;
    listen 8443;
}
server {
    server_name none;
}
`)
	if len(c.Servers) != 4 {
		t.Fatalf("servers: %d", len(c.Servers))
	}
	ls := c.Servers[0].Listens()
	if len(ls) != 2 || ls[0].Port != 80 || ls[0].SSL || ls[1].Port != 8443 || !ls[1].SSL || !ls[1].HTTP2 {
		t.Errorf("server 1 listens: %+v", ls)
	}
	for i, want := range []bool{true, true, true, false} {
		if got := c.Servers[i].TLS(); got != want {
			t.Errorf("server %d TLS = %v, want %v", i+1, got, want)
		}
	}
	if ls := c.Servers[3].Listens(); len(ls) != 0 {
		t.Errorf("a server without listen has %d listens; callers use DefaultListenPort", len(ls))
	}
}
