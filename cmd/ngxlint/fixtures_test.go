package main

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/rules"
	"github.com/ngxlint/ngxlint/rules/ruletest"
)

// update (-update) rewrites the expected output files of fixtures and CLI
// cases; it is ruletest's flag, which this package's tests share.
var update = ruletest.Update

// runIn runs ngxlint in-process with dir as the working directory.
func runIn(dir string, stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, cwd: dir,
		getenv: func(string) string { return "" }}
	code = e.run(append([]string{"ngxlint"}, args...))
	return code, out.String(), errb.String()
}

// caseArgs reads NAME.args next to a fixture: extra flags, one per line.
func caseArgs(conf string) []string { return ruletest.Args(conf) }

// TestRuleFixtures runs the CLI on the rules' fixtures in
// fixtures/rules/<ID>/ (what each fixture expects of its rule is written in
// it and checked by rules/ruletest in the family's package): a bad*.conf
// with a bad*.out golden must produce exactly that text output (every
// rule's findings) and at least one finding of the rule; each good*.conf
// must get no finding from the rule and no warning or error from any rule
// (info notes of other rules, such as a missing Host header, are allowed:
// a good fixture shows its own rule's silence, not a perfect config).
// -update rewrites the existing goldens.
func TestRuleFixtures(t *testing.T) {
	root, _ := filepath.Abs("../../fixtures/rules")
	for _, r := range rules.All() {
		id := r.Meta().ID
		t.Run(id, func(t *testing.T) {
			dir := filepath.Join(root, id)
			bads, _ := filepath.Glob(filepath.Join(dir, "bad*.conf"))
			goods, _ := filepath.Glob(filepath.Join(dir, "good*.conf"))
			bads = withoutFixed(bads)
			goods = withoutFixed(goods)
			for _, bad := range bads {
				t.Run(filepath.Base(bad), func(t *testing.T) {
					args := append([]string{"lint", "--show", "info"}, caseArgs(bad)...)
					code, out, errOut := runIn(dir, "", append(args, bad)...)
					if errOut != "" {
						t.Errorf("stderr: %s", errOut)
					}
					want := strings.TrimSuffix(bad, ".conf") + ".out"
					if exp, err := os.ReadFile(want); err == nil {
						if *update {
							if err := os.WriteFile(want, []byte(out), 0o644); err != nil {
								t.Fatal(err)
							}
							exp = []byte(out)
						}
						if out != string(exp) {
							t.Errorf("output differs from %s\n--- got\n%s--- want\n%s", want, out, exp)
						}
					}
					if !strings.Contains(out, "["+id+" ") {
						t.Errorf("%s reports nothing from %s", filepath.Base(bad), id)
					}
					if code == 0 && r.Meta().Severity >= rules.Warning && strings.Contains(out, ": error: ") {
						t.Errorf("exit code 0 with errors reported")
					}
				})
			}
			for _, good := range goods {
				t.Run(filepath.Base(good), func(t *testing.T) {
					args := append([]string{"lint", "--show", "info"}, caseArgs(good)...)
					code, out, errOut := runIn(dir, "", append(args, good)...)
					if code != 0 || errOut != "" {
						t.Errorf("good fixture fails: exit %d\n%s%s", code, out, errOut)
					}
					for _, line := range strings.Split(out, "\n") {
						if strings.Contains(line, "["+id+" ") || strings.Contains(line, ": error: ") || strings.Contains(line, ": warning: ") {
							t.Errorf("good fixture is not clean: %s", line)
						}
					}
				})
			}
		})
	}
}

func withoutFixed(paths []string) []string {
	var out []string
	for _, p := range paths {
		if !strings.HasSuffix(p, ".fixed.conf") {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// TestNoStrayFixtureFolders fails when fixtures/rules has a folder for a
// rule that is not registered (a renamed or removed rule).
func TestNoStrayFixtureFolders(t *testing.T) {
	entries, err := os.ReadDir("../../fixtures/rules")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := rules.Lookup(e.Name()); !ok || !e.IsDir() {
			t.Errorf("fixtures/rules/%s matches no registered rule", e.Name())
		}
	}
}
