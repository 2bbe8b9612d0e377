package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
//
// An entry with a .env file holds envsubst templates (templates/*.template,
// the official Docker image's layout): the test renders them with the real
// envsubst and the names .env defines, into conf.d/ of a copy of the tree
// as the image's entrypoint does, and runs the copy; a template target is
// checked as its rendered file.
func TestIdiomsNginx(t *testing.T) {
	nginxtest.Require(t)
	for _, id := range loadIdioms(t) {
		if _, err := os.Stat(filepath.Join(id.dir, ".env")); err == nil {
			id.dir = renderTemplates(t, id.dir)
		}
		for _, target := range id.targets {
			t.Run(id.name+"/"+target, func(t *testing.T) {
				if name, ok := strings.CutSuffix(target, ".template"); ok {
					target = filepath.Join("conf.d", filepath.Base(name))
				}
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

// renderTemplates copies the tree at dir and renders its
// templates/*.template into conf.d/ with envsubst, given only the names of
// dir/.env (NAME=value lines), as the official image's entrypoint does.
func renderTemplates(t *testing.T, dir string) string {
	t.Helper()
	envsubst, err := exec.LookPath("envsubst")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("envsubst is needed for this test (.ci/run installs gettext-base)")
		}
		t.Skip("envsubst not installed (apt-get install gettext-base)")
	}
	b, err := os.ReadFile(filepath.Join(dir, ".env"))
	if err != nil {
		t.Fatal(err)
	}
	environ := []string{"PATH=" + os.Getenv("PATH")}
	var names []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		name, _, ok := strings.Cut(l, "=")
		if !ok {
			t.Fatalf("%s/.env: want NAME=value, got %q", dir, l)
		}
		names = append(names, "${"+name+"}")
		environ = append(environ, l)
	}
	out := t.TempDir()
	if err := copyTree(dir, out); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(out, "conf.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	templates, _ := filepath.Glob(filepath.Join(dir, "templates", "*.template"))
	if len(templates) == 0 {
		t.Fatalf("%s has a .env but no templates/*.template", dir)
	}
	for _, tpl := range templates {
		in, err := os.ReadFile(tpl)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(envsubst, strings.Join(names, " "))
		cmd.Env = environ
		cmd.Stdin = strings.NewReader(string(in))
		rendered, err := cmd.Output()
		if err != nil {
			t.Fatalf("envsubst %s: %v", tpl, err)
		}
		if regexp.MustCompile(`\$\{[A-Z]`).Match(rendered) {
			t.Fatalf("%s: a placeholder .env does not define is left:\n%s", tpl, rendered)
		}
		name := strings.TrimSuffix(filepath.Base(tpl), ".template")
		if err := os.WriteFile(filepath.Join(out, "conf.d", name), rendered, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
