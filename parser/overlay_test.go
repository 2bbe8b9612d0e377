package parser

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// An overlay replaces one file's bytes (an editor's unsaved buffer) while
// its includes, and the nginx.conf that includes it, come from disk.
func TestOverlay(t *testing.T) {
	dir := tree(t, map[string]string{
		"nginx.conf":         "events {}\nhttp {\n    include conf.d/*.conf;\n}\n",
		"conf.d/site.conf":   "server {\n    listen 80;\n}\n",
		"snippets/ws.conf":   "proxy_http_version 1.1;\n",
		"elsewhere/big.conf": "",
	})
	site := filepath.Join(dir, "conf.d", "site.conf")
	buffer := "server {\n    listen 8080;\n    location / { include snippets/ws.conf; }\n}\n"
	units, err := Load([]string{site}, Options{Cwd: dir, Overlay: map[string][]byte{site: []byte(buffer)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 1 || units[0].Context != CtxMain {
		t.Fatalf("want the fragment linted inside nginx.conf, got %d units", len(units))
	}
	var got *File
	for _, f := range units[0].Files() {
		if f.Abs == site {
			got = f
		}
	}
	if got == nil || string(got.Src) != buffer {
		t.Fatalf("the overlay was not read for %s: %v", site, got)
	}
	if !units[0].Report[got] {
		t.Error("the overlaid fragment's findings are not reported")
	}
	included := false
	got.Walk(func(d *Directive) {
		for _, inc := range d.Included() {
			included = included || strings.HasSuffix(inc.Path, "ws.conf")
		}
	})
	if !included {
		t.Errorf("the buffer's include was not resolved from disk; problems: %v", problems(units[0]))
	}
}

// A buffer not yet saved is linted from the overlay alone.
func TestOverlayNewFile(t *testing.T) {
	dir := tree(t, map[string]string{"keep": ""})
	p := filepath.Join(dir, "new.conf")
	units, err := Load([]string{p}, Options{Cwd: dir, Overlay: map[string][]byte{p: []byte("server { listen 80; }\n")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 1 || units[0].Root.Abs != p || len(units[0].Problems) != 0 {
		t.Fatalf("got %+v", units)
	}
}

// The overlay is bounded like a file on disk.
func TestOverlayLimits(t *testing.T) {
	dir := tree(t, map[string]string{"keep": ""})
	p := filepath.Join(dir, "big.conf")
	_, err := Load([]string{p}, Options{Cwd: dir, Limits: Limits{MaxFileSize: 10}, Overlay: map[string][]byte{p: []byte("server { listen 80; }\n")}})
	var re *ReadError
	if !errors.As(err, &re) || re.Kind != ReadTooLarge {
		t.Fatalf("want a too-large error, got %v", err)
	}
}
