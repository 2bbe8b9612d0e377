package websocket

import (
	"sort"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/rules"

	"github.com/ngxlint/ngxlint/parser/nginxtest"
)

// Helpers shared by the rule tests.

// applyFixes applies the fixes of findings in one file to its text.
func applyFixes(t *testing.T, fs []*rules.Finding) string {
	t.Helper()
	if len(fs) == 0 {
		t.Fatal("no findings to fix")
	}
	var edits []rules.Edit
	for _, f := range fs {
		if f.Fix == nil {
			t.Fatalf("%s has no fix: %s", f.Rule.ID, f.NoFix)
		}
		edits = append(edits, f.Fix.Edits...)
	}
	src := fs[0].Span.File.Src
	sort.Slice(edits, func(i, j int) bool { return edits[i].Start > edits[j].Start })
	out := append([]byte(nil), src...)
	for _, e := range edits {
		if e.File != fs[0].Span.File {
			t.Fatalf("a fix edits %s too", e.File.Path)
		}
		out = append(out[:e.Start], append([]byte(e.New), out[e.End:]...)...)
	}
	return string(out)
}

// findingsOf keeps the findings of one rule.
func findingsOf(fs []*rules.Finding, id string) []*rules.Finding {
	var out []*rules.Finding
	for _, f := range fs {
		if f.Rule.ID == id {
			out = append(out, f)
		}
	}
	return out
}

// restart stops n and starts nginx again on the same port with the text of
// a fixed nginx.conf.
func restart(t *testing.T, n *nginxtest.Nginx, conf string) *nginxtest.Nginx {
	t.Helper()
	n.Stop()
	return nginxtest.Start(t, conf)
}

// lintRunning lints the nginx.conf a test nginx runs, exactly as written.
func lintRunning(t *testing.T, n *nginxtest.Nginx, opts *rules.Options) []*rules.Finding {
	t.Helper()
	units, err := parser.Load([]string{n.ConfPath()}, parser.Options{Cwd: n.Dir})
	if err != nil {
		t.Fatal(err)
	}
	if opts == nil {
		opts = &rules.Options{}
	}
	fs, err := rules.Lint(units, opts, rules.RunOptions{Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	return fs
}
