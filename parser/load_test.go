package parser

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func reported(u *Unit) []string {
	var out []string
	for f := range u.Report {
		out = append(out, f.Path)
	}
	sort.Strings(out)
	return out
}

func problems(u *Unit) []string {
	var out []string
	for _, p := range u.Problems {
		pos := p.File.Position(p.Start)
		out = append(out, fmt.Sprintf("%s:%d:%d", p.File.Path, pos.Line, pos.Column))
	}
	return out
}

func TestDetectContext(t *testing.T) {
	cases := map[string]Context{
		"events {}\nhttp {}\n":                            CtxMain,
		"worker_processes 1;\n":                           CtxMain,
		"server { listen 80; }\n":                         CtxHTTP,
		"map $a $b { default 1; }\n":                      CtxHTTP,
		"upstream b { server 127.0.0.1:1; }\n":            CtxHTTP,
		"location / { return 200; }\n":                    CtxServer,
		"listen 80;\nserver_name x;\n":                    CtxServer,
		"proxy_set_header Upgrade $http_upgrade;\n":       CtxLocation,
		"proxy_http_version 1.1;\nproxy_pass http://b;\n": CtxLocation,
		"": CtxLocation,
	}
	for src, want := range cases {
		f, err := Parse("t.conf", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if got := DetectContext(f); got != want {
			t.Errorf("%q: context %v, want %v", src, got, want)
		}
	}
}

func TestFragmentLintedInsideItsNginxConf(t *testing.T) {
	dir := tree(t, map[string]string{
		"nginx.conf":          "events {}\nhttp {\n    include conf.d/*.conf;\n    include sites-enabled/*;\n}\n",
		"conf.d/ws-map.conf":  "map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n",
		"sites-enabled/chat":  "server {\n    listen 80;\n    include snippets/ws.conf;\n}\n",
		"snippets/ws.conf":    "location /ws/ { proxy_pass http://127.0.0.1:9001; }\n",
		"sites-enabled/other": "server { listen 81; }\n",
	})
	units, err := Load([]string{filepath.Join(dir, "sites-enabled/chat")}, Options{Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 1 {
		t.Fatalf("%d units", len(units))
	}
	u := units[0]
	if u.Context != CtxMain || u.Root.Path != "nginx.conf" {
		t.Errorf("fragment not linted inside nginx.conf: root %s context %v", u.Root.Path, u.Context)
	}
	if got := strings.Join(reported(u), ","); got != "sites-enabled/chat,snippets/ws.conf" {
		t.Errorf("reported files %s; want the fragment and what it includes only", got)
	}
	if len(u.Problems) != 0 {
		t.Errorf("problems: %v", problems(u))
	}
}

func TestMainAndItsFragmentsFormOneUnit(t *testing.T) {
	dir := tree(t, map[string]string{
		"nginx.conf":          "events {}\nhttp {\n    include conf.d/*.conf;\n}\n",
		"conf.d/a.conf":       "server { listen 80; }\n",
		"conf.d/b.conf":       "server { listen 81; }\n",
		"conf.d/.hidden.conf": "server { listen 82; }\n",
	})
	units, err := Load([]string{dir}, Options{Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 1 {
		t.Fatalf("a directory with nginx.conf and its includes should be one unit, got %d", len(units))
	}
	if got := strings.Join(reported(units[0]), ","); got != "conf.d/a.conf,conf.d/b.conf,nginx.conf" {
		t.Errorf("reported %s", got)
	}
}

func TestLoneConfDFragmentSeesSiblingMaps(t *testing.T) {
	dir := tree(t, map[string]string{
		"conf.d/00-map.conf": "map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n",
		"conf.d/app.conf":    "server { listen 80; location /ws/ { proxy_set_header Connection $connection_upgrade; } }\n",
	})
	units, err := Load([]string{filepath.Join(dir, "conf.d/app.conf")}, Options{Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	u := units[0]
	// the list of files beside the fragment is shared: it holds the fragment too
	if u.Context != CtxHTTP || len(u.Env) != 2 || u.Env[0].Path != "conf.d/00-map.conf" || u.Env[1] != u.Root {
		t.Fatalf("context %v env %d", u.Context, len(u.Env))
	}
	if got := strings.Join(reported(u), ","); got != "conf.d/app.conf" {
		t.Errorf("siblings must not be reported: %s", got)
	}
}

func TestPrefixAndPathMap(t *testing.T) {
	dir := tree(t, map[string]string{
		"deploy/nginx/nginx.conf":           "events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n    include snippets/common.conf;\n}\n",
		"deploy/nginx/conf.d/app.conf":      "server { listen 80; }\n",
		"deploy/nginx/snippets/common.conf": "proxy_http_version 1.1;\n",
	})
	main := filepath.Join(dir, "deploy/nginx/nginx.conf")
	// Without a path map, the absolute glob lies outside the configuration's
	// roots: it is not read (not even listed) and is reported, so the gate
	// does not pass a configuration whose servers it never saw; the
	// relative include resolves against nginx.conf's directory.
	units, err := Load([]string{main}, Options{Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(units[0].Files()); got != 2 {
		t.Errorf("without --path-map: %d files, want 2 (nginx.conf and the snippet)", got)
	}
	if got := problems(units[0]); len(got) != 1 || got[0] != "deploy/nginx/nginx.conf:3:13" {
		t.Errorf("without --path-map: problems %v, want the glob outside the roots", got)
	}
	units, err = Load([]string{main}, Options{Cwd: dir, PathMaps: []PathMap{{From: "/etc/nginx", To: filepath.Join(dir, "deploy/nginx")}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(units[0].Files()); got != 3 {
		t.Errorf("with --path-map: %d files, want 3", got)
	}
	// --prefix elsewhere: the relative include is now missing.
	units, err = Load([]string{main}, Options{Cwd: dir, Prefix: dir})
	if err != nil {
		t.Fatal(err)
	}
	if got := problems(units[0]); len(got) != 2 || got[1] != "deploy/nginx/nginx.conf:4:13" {
		t.Errorf("with --prefix: problems %v", got)
	}
}

func TestSitesEnabledSymlinksAreReadOnce(t *testing.T) {
	dir := tree(t, map[string]string{
		"sites-available/app":    "server { listen 80; }\n",
		"sites-available/old":    "server { listen 81; }\n",
		"conf.d/x.conf~":         "server {\n",
		"conf.d/y.conf.dpkg-old": "server {\n",
	})
	if err := os.MkdirAll(filepath.Join(dir, "sites-enabled"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../sites-available/app", filepath.Join(dir, "sites-enabled/app")); err != nil {
		t.Fatal(err)
	}
	found, err := walkConfigDir(newResolver(), dir, 100)
	if err != nil {
		t.Fatal(err)
	}
	for i := range found {
		found[i], _ = filepath.Rel(dir, found[i])
	}
	if got := strings.Join(found, ","); got != "sites-available/app,sites-available/old" {
		t.Errorf("walked %s", got)
	}
}

func TestBuiltinProxyParams(t *testing.T) {
	dir := tree(t, map[string]string{
		"site.conf": "server {\n    location / {\n        include proxy_params;\n        include /etc/nginx/mime.types;\n    }\n}\n",
	})
	units, err := Load([]string{filepath.Join(dir, "site.conf")}, Options{Cwd: dir, Prefix: filepath.Join(dir, "no-such-prefix")})
	if err != nil {
		t.Fatal(err)
	}
	u := units[0]
	if len(u.Problems) != 0 {
		t.Fatalf("distribution files must not be missing includes: %v", problems(u))
	}
	var inc *Directive
	u.Root.Walk(func(d *Directive) {
		if d.Name == "include" && d.Arg(0) == "proxy_params" {
			inc = d
		}
	})
	if inc == nil || len(inc.Included()) != 1 || len(inc.Included()[0].Top) != 4 || inc.Included()[0].Top[0].Arg(0) != "Host" {
		t.Fatalf("proxy_params should read as Debian's four proxy_set_header lines")
	}
}

func TestGlobIncludesAreSorted(t *testing.T) {
	dir := tree(t, map[string]string{
		"nginx.conf":    "events {}\nhttp { include conf.d/*.conf; }\n",
		"conf.d/b.conf": "server { listen 2; }\n",
		"conf.d/a.conf": "server { listen 1; }\n",
		"conf.d/c.conf": "server { listen 3; }\n",
	})
	units, err := Load([]string{filepath.Join(dir, "nginx.conf")}, Options{Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, f := range units[0].Files()[1:] {
		order = append(order, f.Path)
	}
	if got := strings.Join(order, ","); got != "conf.d/a.conf,conf.d/b.conf,conf.d/c.conf" {
		t.Errorf("include order %s", got)
	}
}

func TestStdin(t *testing.T) {
	units, err := Load([]string{"-"}, Options{Cwd: t.TempDir(), Stdin: strings.NewReader("location / { return 200; }\n")})
	if err != nil {
		t.Fatal(err)
	}
	if units[0].Root.Path != "<stdin>" || units[0].Context != CtxServer {
		t.Errorf("stdin read as %s in %v", units[0].Root.Path, units[0].Context)
	}
}

// A template below nginx.conf that nginx.conf does not include (h5bp's
// conf.d/templates/): its includes resolve against nginx.conf's directory,
// the maps of nginx.conf's http{} are lent to it, and a snippet it includes
// is linted inside it, not alone.
func TestTemplateBelowNginxConf(t *testing.T) {
	dir := tree(t, map[string]string{
		"nginx.conf":                    "events {}\nhttp {\n    map $sent_http_content_type $cors { default \"\"; }\n    include conf.d/*.conf;\n}\n",
		"conf.d/templates/example.conf": "server {\n    listen 80;\n    include h5bp/basic.conf;\n}\n",
		"h5bp/basic.conf":               "include h5bp/cors.conf;\n",
		"h5bp/cors.conf":                "add_header Access-Control-Allow-Origin $cors;\n",
	})
	units, err := Load([]string{dir}, Options{Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	var roots []string
	for _, u := range units {
		roots = append(roots, u.Root.Path)
		if len(u.Problems) != 0 {
			t.Errorf("%s: problems %v", u.Root.Path, problems(u))
		}
	}
	if got := strings.Join(roots, ","); got != "nginx.conf,conf.d/templates/example.conf" {
		t.Fatalf("units %s; the snippets must be linted inside the template", got)
	}
	tmpl := units[1]
	if len(tmpl.EnvHTTP) != 2 || tmpl.EnvHTTP[0].Name != "map" {
		t.Errorf("the template should see nginx.conf's http{} definitions, got %d directives", len(tmpl.EnvHTTP))
	}
	if got := strings.Join(reported(tmpl), ","); got != "conf.d/templates/example.conf,h5bp/basic.conf,h5bp/cors.conf" {
		t.Errorf("reported %s", got)
	}
}

// TestUsageErrorWrapsItsCause: a path that cannot be read gives a
// UsageError whose cause errors.Is finds.
func TestUsageErrorWrapsItsCause(t *testing.T) {
	_, err := Load([]string{filepath.Join(t.TempDir(), "missing.conf")}, Options{})
	var ue *UsageError
	if !errors.As(err, &ue) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load of a missing file: %v (%T), want a UsageError wrapping fs.ErrNotExist", err, err)
	}
}
