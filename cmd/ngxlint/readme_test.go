package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/rules"
)

// RuleTable renders the README rule table from the registry.
func RuleTable() string {
	var sb strings.Builder
	sb.WriteString("| ID | name | severity | fix | what it finds |\n| --- | --- | --- | --- | --- |\n")
	for _, r := range rules.All() {
		m := r.Meta()
		fix := ""
		if m.Fixable {
			fix = "yes"
		}
		fmt.Fprintf(&sb, "| %s | `%s` | %s | %s | %s |\n", m.ID, m.Name, m.Severity, fix, strings.ReplaceAll(m.Doc.Summary, "|", `\|`))
	}
	return sb.String()
}

// TestReadmeRuleTable fails when the README's rule table and the registry
// disagree; -update rewrites the table.
func TestReadmeRuleTable(t *testing.T) {
	const path = "../../README.md"
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	begin := strings.Index(text, "<!-- rules:begin")
	end := strings.Index(text, "<!-- rules:end -->")
	if begin < 0 || end < begin {
		t.Fatal("README.md has no <!-- rules:begin ... --> / <!-- rules:end --> markers")
	}
	begin += strings.Index(text[begin:], "-->") + len("-->\n")
	want := RuleTable()
	if *update {
		text = text[:begin] + want + text[end:]
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got := text[begin:end]; got != want {
		t.Errorf("README rule table is out of date (go test ./cmd/ngxlint -run TestReadmeRuleTable -update)\n--- README\n%s--- registry\n%s", got, want)
	}
}

// TestExplainEveryRule checks that every rule's documentation is complete
// enough for ngxlint explain.
func TestExplainEveryRule(t *testing.T) {
	for _, r := range rules.All() {
		m := r.Meta()
		d := m.Doc
		for what, v := range map[string]string{"summary": d.Summary, "why": d.Why, "bad": d.Bad, "good": d.Good, "fix": d.Fix, "since": d.Since} {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s has no %s in its documentation", m.ID, what)
			}
		}
		code, out, errOut := runIn(".", "", "explain", m.ID)
		if code != 0 || errOut != "" || !strings.Contains(out, m.Name) || !strings.Contains(out, d.Summary) {
			t.Errorf("explain %s: exit %d\n%s%s", m.ID, code, out, errOut)
		}
		code, out, _ = runIn(".", "", "explain", m.Name)
		if code != 0 || !strings.HasPrefix(out, m.ID+" ") {
			t.Errorf("explain %s by name: exit %d\n%s", m.Name, code, out)
		}
	}
}
