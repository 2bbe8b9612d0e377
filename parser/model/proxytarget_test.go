package model

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
)

// buildText models a conf.d-style text (server, upstream and map blocks).
func buildText(t *testing.T, src string) *Config {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "site.conf")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	units, err := parser.Load([]string{p}, parser.Options{Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	return Build(units[0], Options{})
}

func TestProxyTarget(t *testing.T) {
	c := buildText(t, `
upstream Backend {
    server 10.0.0.1:80;
    server 10.0.0.2:80 backup;
    server 10.0.0.3:80 down;
    least_conn;
}
server {
    location /a { proxy_pass http://127.0.0.1:9001; }
    location /b { proxy_pass https://api.example.com/v1/; }
    location /c { proxy_pass http://backend; }
    location /d { proxy_pass http://[::1]:8080/ws; }
    location /e { proxy_pass http://unix:/run/app.sock:/ws/; }
    location /f { proxy_pass $scheme://$host; }
    location /g { proxy_pass $upstream; }
    location /h { proxy_pass https://10.1.2.3; }
    location /i { proxy_pass http://backend:8080; }
    location /j { proxy_pass http://app?x=1; }
}
`)
	cases := []struct {
		scheme, host, port, path string
		unix, vars, upstream, ip bool
	}{
		{scheme: "http", host: "127.0.0.1", port: "9001", ip: true},
		{scheme: "https", host: "api.example.com", path: "/v1/"},
		{scheme: "http", host: "backend", upstream: true},
		{scheme: "http", host: "[::1]", port: "8080", path: "/ws", ip: true},
		{scheme: "http", unix: true, path: "/ws/"},
		{scheme: "$scheme", host: "$host", vars: true},
		{vars: true},
		{scheme: "https", host: "10.1.2.3", ip: true},
		{scheme: "http", host: "backend", port: "8080"},
		{scheme: "http", host: "app", path: "?x=1"},
	}
	for i, want := range cases {
		loc := c.Locations[i]
		h, _ := loc.Handler()
		got, ok := c.ProxyTarget(h.D)
		if !ok {
			t.Errorf("%s: not read", loc.Name())
			continue
		}
		if got.Scheme != want.scheme || got.Host != want.host || got.Port != want.port || got.Path != want.path ||
			got.Unix != want.unix || got.Variables != want.vars || (got.Upstream != nil) != want.upstream || got.IPLiteral() != want.ip {
			t.Errorf("%s: got %+v ip=%v", loc.Name(), got, got.IPLiteral())
		}
	}
	up := c.Upstreams["backend"]
	ss := up.Servers()
	if len(ss) != 3 || ss[0].Backup || !ss[1].Backup || !ss[2].Down {
		t.Errorf("servers: %+v", ss)
	}
	if m, ok := up.Balancing(); !ok || m.D.Name != "least_conn" {
		t.Errorf("balancing: %v %v", m, ok)
	}
	if _, ok := c.ProxyTarget(nil); ok {
		t.Errorf("nil directive read as a target")
	}
}
