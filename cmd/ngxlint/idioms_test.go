package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/nginxtest"
)

// The idiom corpus (fixtures/idioms): working configurations written by us
// the way real stacks lay nginx out. Each must lint without a warning or an
// error, and the info notes must stay at most one per configuration on
// average. fixtures/idioms/README.md describes the layout of an entry.

const idiomsDir = "../../fixtures/idioms"

// idiom is one corpus entry: a single file NAME.conf (with NAME.args), or
// a directory NAME/ (with NAME/.args).
type idiom struct {
	name    string
	dir     string   // the working directory ngxlint runs in
	args    []string // flags, --name=value
	targets []string // the paths linted, relative to dir
}

func loadIdioms(t *testing.T) []idiom {
	t.Helper()
	root, _ := filepath.Abs(idiomsDir)
	ents, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var out []idiom
	for _, e := range ents {
		name := e.Name()
		var id idiom
		var argsFile string
		switch {
		case e.IsDir():
			id = idiom{name: name, dir: filepath.Join(root, name)}
			argsFile = filepath.Join(id.dir, ".args")
		case strings.HasSuffix(name, ".conf"):
			base := strings.TrimSuffix(name, ".conf")
			id = idiom{name: base, dir: root, targets: []string{name}}
			argsFile = filepath.Join(root, base+".args")
		default:
			continue
		}
		if b, err := os.ReadFile(argsFile); err == nil {
			for _, l := range strings.Split(string(b), "\n") {
				l = strings.TrimSpace(l)
				switch {
				case l == "" || strings.HasPrefix(l, "#"):
				case strings.HasPrefix(l, "-"):
					if !strings.Contains(l, "=") {
						t.Fatalf("%s: write flags as --name=value on one line: %q", argsFile, l)
					}
					id.args = append(id.args, l)
				default:
					if !e.IsDir() {
						t.Fatalf("%s: a single-file entry names no target: %q", argsFile, l)
					}
					id.targets = append(id.targets, l)
				}
			}
		}
		if len(id.targets) == 0 {
			if _, err := os.Stat(filepath.Join(id.dir, "nginx.conf")); err != nil {
				t.Fatalf("%s: a directory entry needs an nginx.conf or a target in .args", id.dir)
			}
			id.targets = []string{"nginx.conf"}
		}
		out = append(out, id)
	}
	return out
}

// TestIdiomsNginx runs every corpus entry through a real nginx -t (and a
// start) on loopback: the corpus holds configurations nginx accepts.
// parser/nginxtest rewrites listens to free loopback ports, upstreams to
// an echo backend and drops TLS files; without nginx the test skips,
// except under CI=true.
func TestIdiomsNginx(t *testing.T) {
	nginxtest.Require(t)
	for _, id := range loadIdioms(t) {
		for _, target := range id.targets {
			t.Run(id.name+"/"+target, func(t *testing.T) {
				load := parser.Options{Cwd: id.dir}
				for _, p := range flagValues(id.args, "--prefix") {
					load.Prefix = absIn(id.dir, p)
				}
				for _, pm := range flagValues(id.args, "--path-map") {
					m, err := parser.ParsePathMap(pm)
					if err != nil {
						t.Fatal(err)
					}
					m.To = absIn(id.dir, m.To)
					load.PathMaps = append(load.PathMaps, m)
				}
				site, err := nginxtest.Prepare(t, filepath.Join(id.dir, target), nginxtest.SiteOptions{Load: load})
				if err != nil {
					t.Fatal(err)
				}
				site.Start(t)
				if !site.TestOK {
					t.Fatalf("nginx -t rejects %s/%s:\n%s\n%s", id.name, target, site.TestOutput, site.Describe())
				}
				if site.StartErr != nil {
					t.Fatalf("nginx does not start %s/%s: %v", id.name, target, site.StartErr)
				}
			})
		}
	}
}
