package all

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/rules"
)

// TestRulesInParallel: the rules of one unit run at once on several
// workers (rules.RunOptions.Jobs), and give the same findings, in the
// same order, as one after another, on every configuration under
// fixtures/. Each run loads the files anew, so that what the model and
// the families build on first use is built by concurrent rules. Run with
// -race, it checks that what rules share is safe for concurrent use.
func TestRulesInParallel(t *testing.T) {
	var paths []string
	err := filepath.WalkDir("../../fixtures", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".conf") {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 100 {
		t.Fatalf("%d configurations under fixtures/: the walk is broken", len(paths))
	}
	total := 0
	for _, p := range paths {
		one, err := lintEach(p, 1)
		if err != nil {
			continue // refused before linting, or a rule's panic: other tests' business
		}
		many, err := lintEach(p, 4)
		if err != nil {
			t.Errorf("%s: %v with 4 workers, none with 1", p, err)
			continue
		}
		total += strings.Count(one, "\n")
		if one != many {
			t.Errorf("%s: the findings of 4 workers differ from one worker's:\n%s\n---\n%s", p, many, one)
		}
	}
	if total < 300 {
		t.Errorf("%d findings in all: the fixtures are not linted", total)
	}
}

// lintEach loads path and lints each of its units alone with jobs
// workers, and prints every finding.
func lintEach(path string, jobs int) (string, error) {
	units, err := parser.Load([]string{path}, parser.Options{})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, u := range units {
		fs, err := rules.Lint([]*parser.Unit{u}, &rules.Options{}, rules.RunOptions{Jobs: jobs})
		if err != nil {
			return "", err
		}
		for _, f := range fs {
			fmt.Fprintf(&b, "%s:%d-%d %s %s %s", f.Span.File.Path, f.Span.Start, f.Span.End, f.Rule.ID, f.Severity, f.Message)
			if f.Fix != nil {
				fmt.Fprintf(&b, " fix %q", f.Fix.Message)
				for _, e := range f.Fix.Edits {
					fmt.Fprintf(&b, " [%s:%d-%d %q]", e.File.Path, e.Start, e.End, e.New)
				}
			}
			fmt.Fprintf(&b, " nofix %q\n", f.NoFix)
		}
	}
	return b.String(), nil
}
