package model_test

import (
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser/model"
)

// locNamed returns the location block whose pattern is pat.
func locNamed(t *testing.T, c *model.Config, pat string) *model.Block {
	t.Helper()
	for _, l := range c.Locations {
		if l.Kind == model.Location && l.Loc != nil && l.Loc.String() == pat {
			return l
		}
	}
	t.Fatalf("no location %s", pat)
	return nil
}

func names(es []model.Entry) string {
	var out []string
	for _, e := range es {
		out = append(out, e.D.Arg(0))
	}
	return strings.Join(out, ",")
}

func TestEffectiveListAndDropped(t *testing.T) {
	c := offlineModel(t, `
add_header Strict-Transport-Security "max-age=63072000" always;
server {
    listen 127.0.0.1:{{PORT}};
    add_header X-Frame-Options DENY;
    location /plain/ { }
    location /own/ { add_header Cache-Control no-store; }
    location /inc/ { include hdr.conf; }
    location /if/ {
        if ($arg_x) { add_header X-If 1; }
    }
}`, map[string]string{"hdr.conf": "add_header X-Inc 1;\n"})
	plain := locNamed(t, c, "/plain/")
	if got := names(plain.EffectiveList("add_header").Entries); got != "X-Frame-Options" {
		t.Errorf("plain: %s", got)
	}
	// the server's own add_header drops the http level's HSTS for every
	// location that has none of its own
	if d, ok := plain.DroppedList("add_header"); !ok || d.By.Kind != model.Server || names(d.Entries) != "Strict-Transport-Security" {
		t.Errorf("plain: %+v %v", d, ok)
	}
	own := locNamed(t, c, "/own/")
	d, ok := own.DroppedList("add_header")
	if !ok || names(d.Entries) != "X-Frame-Options" || d.By != own || d.Outer.Kind != model.Server {
		t.Errorf("own: %+v %v", d, ok)
	}
	inc := locNamed(t, c, "/inc/")
	d, ok = inc.DroppedList("add_header")
	if !ok || names(d.Entries) != "X-Frame-Options" || d.By != inc {
		t.Errorf("include: %+v %v", d, ok)
	}
	var ifb *model.Block
	for _, l := range c.Locations {
		if l.Kind == model.If {
			ifb = l
		}
	}
	d, ok = ifb.DroppedList("add_header")
	if !ok || names(d.Entries) != "X-Frame-Options" || d.By != ifb {
		t.Errorf("if: %+v %v", d, ok)
	}
}

func TestAddHeaderInherit(t *testing.T) {
	c := offlineModel(t, `
add_header X-A 1;
server {
    listen 127.0.0.1:{{PORT}};
    add_header_inherit merge;
    location /m/ { add_header X-B 1; }
    location /off/ { add_header_inherit off; }
    location /on/ { add_header_inherit on; add_header X-C 1; }
}`, nil)
	m := locNamed(t, c, "/m/")
	if got := names(m.EffectiveList("add_header").Entries); got != "X-B,X-A" {
		t.Errorf("merge: %s", got)
	}
	if _, ok := m.DroppedList("add_header"); ok {
		t.Error("merge drops nothing")
	}
	off := locNamed(t, c, "/off/")
	if got := names(off.EffectiveList("add_header").Entries); got != "" {
		t.Errorf("off: %s", got)
	}
	if d, ok := off.DroppedList("add_header"); !ok || !d.Cut || names(d.Entries) != "X-A" {
		t.Errorf("off: %+v %v", d, ok)
	}
	on := locNamed(t, c, "/on/")
	if d, ok := on.DroppedList("add_header"); !ok || d.Cut || names(d.Entries) != "X-A" {
		t.Errorf("on: %+v %v", d, ok)
	}
}

func TestProvenance(t *testing.T) {
	c := offlineModel(t, `
map $uri $mapped { ~^/m/(?<rest>.*)$ $rest; default ""; }
map $http_x_target $target { default $http_x_target; }
server {
    listen 127.0.0.1:{{PORT}};
    location ~ ^/any/(.*)$ { return 302 /x/$1; }
    location ~ ^/word/(\w+)$ { return 302 /x/$1; }
    location ~ ^/cls/([^/]+)$ { return 302 /x/$1; }
    location /set/ { set $p $uri; return 302 $p; }
    location /enc/ { return 302 $request_uri$args; }
    location /map/ { return 302 $mapped; }
    location /hdr/ { proxy_pass http://$target; }
    location /host/ { return 302 https://$host$request_uri; }
    location /rw/ { rewrite ^/rw/(.*)$ /y/$1 redirect; }
    location /ifx/ { if ($http_x ~ (.*)) { return 302 /z/$1; } }
}`, nil)
	s := model.NewSources(c)
	check := func(loc string, dir string, want, notWant model.Source) {
		t.Helper()
		b := locNamed(t, c, loc)
		var found bool
		c.Walk(func(l *model.Block, e model.Entry) {
			if e.D.Name != dir || !isIn(l, b) {
				return
			}
			found = true
			var p model.Provenance
			for _, a := range model.ScriptArgs(e.D) {
				p2 := s.Value(l, e.D, a.Value)
				p.Source |= p2.Source
				p.Via = append(p.Via, p2.Via...)
			}
			if !p.Source.Has(want) || p.Source&notWant != 0 {
				t.Errorf("%s %s: source %b (%s), want %b without %b", loc, dir, p.Source, p, want, notWant)
			}
		})
		if !found {
			t.Fatalf("%s: no %s", loc, dir)
		}
	}
	check("~ ^/any/(.*)$", "return", model.FromRequest, model.CarriesCRLF) // '.' stops at LF
	check("~ ^/word/(\\w+)$", "return", model.FromRequest, model.CarriesCRLF)
	check("~ ^/cls/([^/]+)$", "return", model.FromRequest|model.CarriesCRLF, 0)
	check("/set/", "return", model.FromRequest|model.CarriesCRLF, 0)
	check("/enc/", "return", model.FromRequest, model.CarriesCRLF)
	check("/map/", "return", model.FromRequest, model.CarriesCRLF)
	check("/hdr/", "proxy_pass", model.FromRequest, model.CarriesCRLF)
	check("/host/", "return", model.FromRequest|model.FromHost, model.FromHostHeader)
	check("/rw/", "rewrite", model.FromRequest, model.CarriesCRLF)
	check("/ifx/", "return", model.FromRequest, model.CarriesCRLF)
}

func isIn(l, b *model.Block) bool {
	for x := l; x != nil; x = x.Parent {
		if x == b {
			return true
		}
	}
	return false
}

func TestAccessAt(t *testing.T) {
	c := offlineModel(t, `
server {
    listen 127.0.0.1:{{PORT}};
    allow 10.0.0.0/8;
    deny all;
    location /a/ { }
    location /b/ { allow 192.168.0.0/16; }
    location /c/ { internal; location /c/d/ { } }
    location /e/ { auth_basic "x"; auth_basic_user_file htpasswd; satisfy any; }
    location /f/ { auth_basic off; }
}`, nil)
	if a := locNamed(t, c, "/a/").AccessAt(); !a.DenyAll || len(a.Rules) != 2 || !a.Restricted() {
		t.Errorf("/a/: %+v", a)
	}
	if a := locNamed(t, c, "/b/").AccessAt(); a.DenyAll || len(a.Rules) != 1 || a.Restricted() {
		t.Errorf("/b/: %+v", a)
	}
	if a := locNamed(t, c, "/c/d/").AccessAt(); a.Internal == nil {
		t.Errorf("/c/d/: nested in an internal location: %+v", a)
	}
	if a := locNamed(t, c, "/e/").AccessAt(); a.AuthBasic == nil || !a.SatisfyAny {
		t.Errorf("/e/: %+v", a)
	}
	if a := locNamed(t, c, "/f/").AccessAt(); a.AuthBasic != nil {
		t.Errorf("/f/: %+v", a)
	}
}

func TestHostReach(t *testing.T) {
	c := offlineModel(t, `
server { listen 127.0.0.1:{{PORT}}; server_name first.test; }
server { listen 127.0.0.1:{{PORT}}; server_name named.test; }
server { listen 127.0.0.1:{{PORT}}; server_name ~^(?<sub>.+)\.test$; }
server { listen 127.0.0.1:{{PORT}}; server_name ~.*; }
server { listen 127.0.0.2:{{PORT}} default_server; server_name explicit.test; }
server { listen 127.0.0.2:{{PORT}}; server_name other.test; }`, nil)
	h := model.NewHosts(c)
	want := map[string]bool{"first.test": true, "named.test": false, "~^(?<sub>.+)\\.test$": false, "~.*": true, "explicit.test": true, "other.test": false}
	for _, s := range c.Servers {
		name := s.Own("server_name")[0].D.Arg(0)
		if r := h.Reach(s); r.AnyHost != want[name] || !r.Known {
			t.Errorf("%s: %+v, want AnyHost %v", name, r, want[name])
		}
	}
}

// Gitea's subpath recipe keeps the path encoded: $uri after
// "rewrite ^ $request_uri;" cannot carry a decoded line break.
func TestProvenanceAfterRewrite(t *testing.T) {
	c := offlineModel(t, `
server {
    listen 127.0.0.1:{{PORT}};
    location /git/ {
        rewrite ^ $request_uri;
        rewrite ^/git(/.*) $1 break;
        proxy_pass http://127.0.0.1:3000$uri;
    }
    location /dec/ {
        rewrite ^/dec/([^?]*)$ /x/$1 break;
        proxy_pass http://127.0.0.1:3000$uri;
    }
}`, nil)
	s := model.NewSources(c)
	for loc, want := range map[string]bool{"/git/": false, "/dec/": true} {
		b := locNamed(t, c, loc)
		pp := b.Own("proxy_pass")[0]
		p := s.Value(b, pp.D, pp.D.Arg(0))
		if p.Source.Has(model.CarriesCRLF) != want || !p.Source.Has(model.FromRequest) {
			t.Errorf("%s: %b (%s), CR/LF want %v", loc, p.Source, p, want)
		}
	}
}

// A template's listen ${NGINX_PORT} is keyed by its text: a default_server
// on the same text shields the servers behind it; without one, whether the
// server gets any Host is unknown.
func TestHostReachPlaceholders(t *testing.T) {
	c := offlineModel(t, `
server { listen 127.0.0.1:${A} default_server; server_name shield.test; return 444; }
server { listen 127.0.0.1:${A}; server_name shielded.test; }
server { listen 127.0.0.1:${B}; server_name alone.test; }`, nil)
	h := model.NewHosts(c)
	want := map[string][2]bool{ // AnyHost, Known
		"shield.test": {true, true}, "shielded.test": {false, true}, "alone.test": {false, false},
	}
	for _, s := range c.Servers {
		name := s.Own("server_name")[0].D.Arg(0)
		if r := h.Reach(s); [2]bool{r.AnyHost, r.Known} != want[name] {
			t.Errorf("%s: %+v, want AnyHost, Known = %v", name, r, want[name])
		}
	}
}
