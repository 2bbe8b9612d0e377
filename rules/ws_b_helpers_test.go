package rules

import (
	"sort"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/parser/nginxtest"
)

// Helpers for the end-to-end tests of WS015-WS020 and WS023: a real nginx
// on loopback, the echo backend, and the rules run on the very nginx.conf
// nginx runs.

// bConf is the skeleton of those configurations: the canonical map, and a
// server whose body the test gives. {{ECHO}} is the echo backend.
const bConf = `
map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}

server {
    listen 127.0.0.1:{{PORT}};
    server_name test.example;
BODY
}
`

// bStart runs nginx with body in the skeleton's server.
func bStart(t *testing.T, echo *nginxtest.Echo, body string) *nginxtest.Nginx {
	t.Helper()
	return nginxtest.Start(t, bText(echo, body))
}

func bText(echo *nginxtest.Echo, body string) string {
	return strings.ReplaceAll(strings.Replace(bConf, "BODY", body, 1), "{{ECHO}}", echo.Addr)
}

// bLint lints the nginx.conf nginx runs and returns the findings of rule id.
func bLint(t *testing.T, n *nginxtest.Nginx, opts *Options, id string) []*Finding {
	t.Helper()
	units, err := parser.Load([]string{n.ConfPath()}, parser.Options{Cwd: n.Dir})
	if err != nil {
		t.Fatal(err)
	}
	if opts == nil {
		opts = &Options{}
	}
	fs, err := Lint(units, opts, RunOptions{Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	var out []*Finding
	for _, f := range fs {
		if f.Rule.ID == id {
			out = append(out, f)
		}
	}
	return out
}

// bFixed applies the fixes of findings, all in one file, to that file.
func bFixed(t *testing.T, fs []*Finding) string {
	t.Helper()
	var edits []Edit
	for _, f := range fs {
		if f.Fix == nil {
			t.Fatalf("%s has no fix: %s (%s)", f.Rule.ID, f.Message, f.NoFix)
		}
		edits = append(edits, f.Fix.Edits...)
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].Start > edits[j].Start })
	src := string(edits[0].File.Src)
	for _, e := range edits {
		if e.File != edits[0].File {
			t.Fatal("the fix edits more than one file")
		}
		src = src[:e.Start] + e.New + src[e.End:]
	}
	return src
}

// bRestart stops n and runs nginx on a fixed nginx.conf.
func bRestart(t *testing.T, n *nginxtest.Nginx, conf string) *nginxtest.Nginx {
	t.Helper()
	n.Stop()
	return nginxtest.Start(t, conf)
}

// replaceExtra puts extra directives where a location template says EXTRA.
func replaceExtra(tmpl, extra string) string { return strings.ReplaceAll(tmpl, "EXTRA", extra) }

// nginxVersion is the version of the nginx the tests run.
func nginxVersion(t *testing.T) model.Version {
	t.Helper()
	v, err := model.ParseVersion(nginxtest.Version(t))
	if err != nil {
		t.Fatal(err)
	}
	return v
}
