package model_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
)

// A directory of fragments without nginx.conf: each fragment's unit sees
// what its siblings define at the http level (and nginx reads before or
// after it), never its own file twice, and the siblings are modeled once
// for the whole directory.
func TestFragmentSiblingsModeledOnce(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"conf.d/00-map.conf": "map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n" +
			"upstream shared { server 127.0.0.1:9; keepalive 4; }\nproxy_set_header X-From map;\n",
		"conf.d/a.conf": "upstream a { server 127.0.0.1:9; }\nproxy_set_header X-From a;\n" +
			"server { listen 80; set $only_in_a 1; location / { proxy_pass http://shared; } }\n",
		"conf.d/b.conf": "server { listen 81; location / { proxy_pass http://a; } }\n",
	}
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	units, err := parser.Load([]string{filepath.Join(dir, "conf.d")}, parser.Options{Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	cfgs := map[string]*model.Config{}
	for _, u := range units {
		cfgs[filepath.Base(u.Root.Path)] = model.Build(u, model.Options{Version: recorded})
	}
	a, b := cfgs["a.conf"], cfgs["b.conf"]
	if a == nil || b == nil {
		t.Fatalf("units %v", cfgs)
	}
	if a.Unit.EnvShared == nil || a.Unit.EnvShared != b.Unit.EnvShared {
		t.Fatal("the fragments of one directory must share their siblings' model")
	}
	// a sibling's map and upstreams are known, in both units
	for name, c := range cfgs {
		if _, ok := c.Map("connection_upgrade"); !ok {
			t.Errorf("%s: the sibling's map is not seen", name)
		}
		if c.Upstream("SHARED") == nil {
			t.Errorf("%s: the sibling's upstream is not seen", name)
		}
		if !c.UpstreamsKeepAlive() {
			t.Errorf("%s: the sibling's upstream keepalive is not seen", name)
		}
	}
	if b.Upstream("a") == nil || b.Upstream("a").Dir.File != a.Unit.Root {
		t.Error("b.conf does not see a.conf's upstream")
	}
	// a server's variables stay in their site
	if _, ok := b.DefinedBy("only_in_a"); ok {
		t.Error("a variable set in a sibling's server is lent")
	}
	if _, ok := a.DefinedBy("only_in_a"); !ok {
		t.Error("a.conf's own variable is not defined")
	}
	// the http level: the siblings' directives first, the unit's own once
	http := func(c *model.Config) *model.Block { return c.Servers[0].Parent }
	got := func(c *model.Config) []string {
		var out []string
		for _, e := range http(c).Own("proxy_set_header") {
			out = append(out, e.D.Arg(1))
		}
		return out
	}
	if g := got(a); len(g) != 2 || g[0] != "map" || g[1] != "a" {
		t.Errorf("a.conf's http level: proxy_set_header %v, want [map a]", g)
	}
	if g := got(b); len(g) != 2 || g[0] != "map" || g[1] != "a" {
		t.Errorf("b.conf's http level: proxy_set_header %v, want [map a]", g)
	}
	if e, ok := http(b).First("proxy_set_header"); !ok || e.D.Arg(1) != "map" {
		t.Error("First does not see the siblings' entries")
	}
	// Walk visits the unit's own directives only
	n := 0
	b.Walk(func(_ *model.Block, e model.Entry) {
		if e.D.File != b.Unit.Root {
			n++
		}
	})
	if n != 0 {
		t.Errorf("Walk visits %d directives of the siblings", n)
	}
}
