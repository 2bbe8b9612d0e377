package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/rules"
)

// withoutWSPaths returns args without --ws-path flags: the corpus is linted
// both as a user who declared the application's socket paths and as one
// who did not.
func withoutWSPaths(args []string) []string {
	var out []string
	for _, a := range args {
		if !strings.HasPrefix(a, "--ws-path=") {
			out = append(out, a)
		}
	}
	return out
}

type idiomCounts struct {
	bySev  map[string]int
	byRule map[string]int // "SEV RULE"
}

func lintIdiom(t *testing.T, id idiom, args []string) []e2eFinding {
	t.Helper()
	full := append(append([]string{"lint", "--format", "json"}, args...), id.targets...)
	code, out, errOut := runIn(id.dir, "", full...)
	if code == 2 || errOut != "" {
		t.Fatalf("ngxlint %s: exit %d\n%s", strings.Join(full, " "), code, errOut)
	}
	var res struct {
		Findings []e2eFinding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	return res.Findings
}

// TestIdioms lints every corpus entry: no warning and no error, and at
// most one info note per configuration on average. -v prints the counts.
func TestIdioms(t *testing.T) {
	ids := loadIdioms(t)
	if len(ids) < 45 {
		t.Fatalf("the idiom corpus has %d configurations, want at least 45", len(ids))
	}
	// The CLI runs every family (rules/all): loading and syntax, what
	// nginx -t refuses, security traps, WebSocket proxying; each must be
	// silent here.
	byFamily := map[string]int{}
	for _, r := range rules.All() {
		if f, ok := rules.FamilyOf(r); ok {
			byFamily[f.Name]++
		}
	}
	for _, fam := range []string{"syntax", "correctness", "security", "websocket"} {
		if byFamily[fam] == 0 {
			t.Fatalf("the %s family is not registered: the corpus would not be checked by its rules", fam)
		}
	}
	t.Logf("rules by family: %v", byFamily)
	for _, variant := range []struct {
		name string
		args func([]string) []string
	}{
		{"as declared", func(a []string) []string { return a }},
		{"without --ws-path", withoutWSPaths},
	} {
		c := idiomCounts{bySev: map[string]int{}, byRule: map[string]int{}}
		for _, id := range ids {
			for _, f := range lintIdiom(t, id, variant.args(id.args)) {
				c.bySev[f.Severity]++
				c.byRule[f.Severity+" "+f.Rule]++
				if f.Severity != "info" {
					t.Errorf("%s (%s): false %s on a working configuration: %s:%d:%d: %s [%s]",
						id.name, variant.name, f.Severity, f.File, f.Line, f.Column, f.Message, f.Rule)
				}
			}
		}
		var keys []string
		for k := range c.byRule {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var per []string
		for _, k := range keys {
			per = append(per, fmt.Sprintf("%s=%d", k, c.byRule[k]))
		}
		t.Logf("idioms (%s): %d configurations: %d errors, %d warnings, %d info notes [%s]",
			variant.name, len(ids), c.bySev["error"], c.bySev["warning"], c.bySev["info"], strings.Join(per, " "))
		if c.bySev["info"] > len(ids) {
			t.Errorf("idioms (%s): %d info notes on %d configurations: more than one per configuration on average", variant.name, c.bySev["info"], len(ids))
		}
	}
}

// TestIdiomsFileByFile lints each configuration file of every tree entry
// alone, with the entry's flags, as a pre-commit hook passes the files a
// commit changed: a site, a snippet, a template read in its natural context
// must get no warning and no error either.
func TestIdiomsFileByFile(t *testing.T) {
	n, info := 0, 0
	for _, id := range loadIdioms(t) {
		if id.dir == filepath.Clean(mustAbsDir(t, idiomsDir)) {
			continue // a single-file entry
		}
		for _, file := range idiomConfigFiles(t, id.dir) {
			one := id
			one.targets = []string{file}
			n++
			for _, f := range lintIdiom(t, one, id.args) {
				if f.Severity == "info" {
					info++
					continue
				}
				t.Errorf("%s, %s alone: false %s on a working configuration: %s:%d:%d: %s [%s]",
					id.name, file, f.Severity, f.File, f.Line, f.Column, f.Message, f.Rule)
			}
		}
	}
	if n == 0 {
		t.Fatal("no tree entry in the corpus")
	}
	t.Logf("idioms file by file: %d files of tree entries, %d info notes", n, info)
}

func mustAbsDir(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// idiomConfigFiles lists, relative to dir, the configuration files of a
// tree: *.conf, *.template and the files of sites-enabled/ and
// sites-available/ (links included); dotfiles and other files (.env, maps,
// password files) are not configurations of their own.
func idiomConfigFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() && p != dir {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		parent := filepath.Base(filepath.Dir(p))
		if strings.HasSuffix(p, ".conf") || strings.HasSuffix(p, ".template") || parent == "sites-enabled" || parent == "sites-available" {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
