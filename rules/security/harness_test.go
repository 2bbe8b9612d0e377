package security

// An interim fixture harness (until rules/ruletest lands with issue 11):
// each testdata/<ID>/*.conf carries `# want ID "regex"` on the lines the
// rule must report, and nothing else may be reported by that rule; a
// .fixed.conf beside a fixture is the fixture after the rule's fixes.

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

var update = flag.Bool("update", false, "write .fixed.conf files")

var wantRE = regexp.MustCompile(`want (SEC\d{3}) "((?:[^"\\]|\\.)*)"`)

type want struct {
	line int
	id   string
	re   *regexp.Regexp
}

func lintFixture(t *testing.T, path string, v model.Version) []*rules.Finding {
	t.Helper()
	units, err := parser.Load([]string{path}, parser.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out []*rules.Finding
	for _, u := range units {
		fs, err := rules.LintUnit(u, &rules.Options{Version: v})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fs...)
	}
	return out
}

func fixtureVersion(t *testing.T, src string) model.Version {
	if m := regexp.MustCompile(`(?m)^# nginx-version: (\S+)`).FindStringSubmatch(src); m != nil {
		return model.MustVersion(m[1])
	}
	return model.MustVersion("1.22.1")
}

func TestFixtures(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/SEC*")
	for _, dir := range dirs {
		id := filepath.Base(dir)
		if _, ok := rules.Lookup(id); !ok {
			t.Errorf("%s: no rule %s", dir, id)
			continue
		}
		confs, _ := filepath.Glob(filepath.Join(dir, "*.conf"))
		for _, conf := range confs {
			if strings.HasSuffix(conf, ".fixed.conf") {
				continue
			}
			t.Run(id+"/"+filepath.Base(conf), func(t *testing.T) { checkFixture(t, id, conf) })
		}
	}
}

func checkFixture(t *testing.T, id, conf string) {
	src, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	var wants []want
	for i, line := range strings.Split(string(src), "\n") {
		for _, m := range wantRE.FindAllStringSubmatch(line, -1) {
			wants = append(wants, want{line: i + 1, id: m[1], re: regexp.MustCompile(strings.ReplaceAll(m[2], `\"`, `"`))})
		}
	}
	v := fixtureVersion(t, string(src))
	fs := lintFixture(t, conf, v)
	var mine []*rules.Finding
	for _, f := range fs {
		if f.Rule.ID == id {
			mine = append(mine, f)
		}
	}
	used := make([]bool, len(mine))
	for _, w := range wants {
		ok := false
		for i, f := range mine {
			if !used[i] && f.Pos().Line == w.line && f.Span.File.Abs == mustAbs(conf) && w.re.MatchString(f.Severity.String()+": "+f.Message) {
				used[i], ok = true, true
				break
			}
		}
		if !ok {
			t.Errorf("%s:%d: no %s finding matching %q", conf, w.line, w.id, w.re)
		}
	}
	for i, f := range mine {
		if !used[i] {
			t.Errorf("%s:%d: unexpected %s %s: %s", f.Span.File.Path, f.Pos().Line, f.Rule.ID, f.Severity, f.Message)
		}
	}
	fixed := strings.TrimSuffix(conf, ".conf") + ".fixed.conf"
	var edits []rules.Edit
	for _, f := range mine {
		if f.Fix != nil {
			for _, e := range f.Fix.Edits {
				if e.File.Abs == mustAbs(conf) {
					edits = append(edits, e)
				}
			}
		}
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].Start < edits[j].Start })
	got, ok := rules.ApplyEdits(src, edits)
	if !ok {
		t.Fatalf("overlapping fixes")
	}
	if *update && len(edits) > 0 {
		if err := os.WriteFile(fixed, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	exp, err := os.ReadFile(fixed)
	if err != nil {
		if len(edits) > 0 {
			t.Errorf("%s has fixes: write %s (go test -run TestFixtures -update, then review it)", conf, fixed)
		}
		return
	}
	if string(got) != string(exp) {
		t.Errorf("fixed output differs from %s\n--- got\n%s", fixed, got)
	}
	// The fix must remove its own findings.
	tmp := filepath.Join(t.TempDir(), filepath.Base(conf))
	if err := os.WriteFile(tmp, got, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range lintFixture(t, tmp, v) {
		if f.Rule.ID == id && f.Fix != nil {
			t.Errorf("after the fix, still: %d: %s", f.Pos().Line, f.Message)
		}
	}
}

func mustAbs(p string) string {
	a, _ := filepath.Abs(p)
	return a
}

// TestDocs checks every rule's bad example triggers it and the good one
// does not.
func TestDocs(t *testing.T) {
	for _, r := range rules.All() {
		m := r.Meta()
		if !strings.HasPrefix(m.ID, "SEC") {
			continue
		}
		t.Run(m.ID, func(t *testing.T) {
			for _, c := range []struct {
				conf string
				want bool
			}{{m.Doc.Bad, true}, {m.Doc.Good, false}} {
				dir := t.TempDir()
				p := filepath.Join(dir, "nginx.conf")
				body := c.conf
				if !strings.Contains(body, "http {") {
					body = "events {}\nhttp {\n" + body + "\n}\n"
				}
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
				got := false
				for _, f := range lintFixture(t, p, model.MustVersion("1.22.1")) {
					if f.Rule.ID == m.ID {
						got = true
					}
				}
				if got != c.want {
					t.Errorf("example (want finding %v):\n%s", c.want, c.conf)
				}
			}
		})
	}
}
