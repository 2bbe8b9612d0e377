package model

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
)

// varRef is the expression a variable reference is (varRefAt reads it
// without the regexp engine): the tests' oracle.
var varRef = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$(\{[A-Za-z0-9_]+\}|[A-Za-z0-9_]+)`) })

// expandViaRegexp is Config.expand as it was written with varRef.
func (c *Config) expandViaRegexp(value string, r Request, depth int) (string, bool) {
	if strings.IndexByte(value, '$') < 0 {
		return value, true
	}
	known := true
	out := varRef().ReplaceAllStringFunc(value, func(ref string) string {
		name := strings.ToLower(strings.Trim(ref[1:], "{}"))
		if h, ok := strings.CutPrefix(name, "http_"); ok {
			return r.Headers[strings.ReplaceAll(h, "_", "-")]
		}
		if m, ok := c.Map(name); ok && depth < 8 {
			in, k1 := c.expandViaRegexp(m.Source, r, depth+1)
			v, _, k2 := m.Eval(in)
			res, k3 := c.expandViaRegexp(v, r, depth+1)
			known = known && k1 && k2 && k3
			return res
		}
		known = false
		return ref
	})
	return out, known
}

// Expand reads references by hand: the same values, and the same known,
// as the expression, on values built from the bytes that matter and the
// names of headers, maps (one of them reading another) and neither.
func TestExpandAgreesWithVarRef(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "nginx.conf")
	body := "events {}\nhttp {\n" +
		"map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n" +
		"map $connection_upgrade $m2 { upgrade yes; default no; }\n" +
		"map $unknown_var $m3 { default x; }\n" +
		"server { listen 80; }\n}\n"
	if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	units, err := parser.Load([]string{conf}, parser.Options{Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	c := Build(units[0], Options{})
	values := []string{"", "$", "$$", "${", "${}", "${a}", "a$b$c", "$scheme://$host$request_uri", "x$http_upgrade-y", "${Http_Upgrade}x$1",
		"$connection_upgrade", "${connection_upgrade}$m2", "$M2$m3", "$http_x_forwarded_for", "é$m2é", "${m2}}", "{$m2}"}
	words := []string{"$", "{", "}", "http_upgrade", "HTTP_Host", "connection_upgrade", "m2", "m3", "zz", "_", "9", "-", " "}
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		values = append(values, prefix)
		if n == 0 {
			return
		}
		for _, w := range words {
			gen(prefix+w, n-1)
		}
	}
	gen("", 4)
	for _, r := range []Request{ChromeHandshake, FirefoxHandshake, PlainRequest} {
		for _, v := range values {
			got, gotKnown := c.Expand(v, r)
			want, wantKnown := c.expandViaRegexp(v, r, 0)
			if got != want || gotKnown != wantKnown {
				t.Fatalf("Expand(%q) = %q, %v; the expression gives %q, %v", v, got, gotKnown, want, wantKnown)
			}
		}
	}
}
