package main

import (
	"encoding/json"
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
		fmt.Fprintf(&sb, "| <a id=\"%s\"></a>%s | `%s` | %s | %s | %s |\n", ruleAnchor(m), m.ID, m.Name, m.Severity, fix, strings.ReplaceAll(m.Doc.Summary, "|", `\|`))
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

// TestSARIFRulesMatchRegistry fails when the SARIF rule list drifts from
// the registry: one entry per rule, in id order, with the rule's own
// documentation as help, and a helpUri at its row of the README's rule
// table.
func TestSARIFRulesMatchRegistry(t *testing.T) {
	_, out, _ := runIn(".", "", "lint", "--format", "sarif", "-")
	var log sarifLog
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	got := log.Runs[0].Tool.Driver.Rules
	all := rules.All()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(all) {
		t.Fatalf("SARIF lists %d rules, the registry has %d", len(got), len(all))
	}
	for i, r := range all {
		m, s := r.Meta(), got[i]
		if s.ID != m.ID || s.Name != m.Name || s.ShortDescription.Text != m.Doc.Summary || s.FullDescription.Text != m.Doc.Why {
			t.Errorf("SARIF rule %d is %s %s %q, registry has %s %s %q", i, s.ID, s.Name, s.ShortDescription.Text, m.ID, m.Name, m.Doc.Summary)
		}
		if s.Help.Text != Explain(m) {
			t.Errorf("%s: SARIF help text is not ngxlint explain's", m.ID)
		}
		for _, part := range []string{m.Doc.Bad, m.Doc.Good, m.Doc.Fix, m.Doc.Since} {
			if !strings.Contains(s.Help.Markdown, part) {
				t.Errorf("%s: SARIF help markdown lacks %q", m.ID, part)
			}
		}
		if s.DefaultConfiguration.Level != sarifLevel(m.Severity) || s.Properties.Fixable != m.Fixable {
			t.Errorf("%s: SARIF level %s fixable %v, registry %s %v", m.ID, s.DefaultConfiguration.Level, s.Properties.Fixable, m.Severity, m.Fixable)
		}
		if want := "/README.md#" + ruleAnchor(m); !strings.HasSuffix(s.HelpURI, want) {
			t.Errorf("%s: helpUri %s does not end in %s", m.ID, s.HelpURI, want)
		}
		if !strings.Contains(string(readme), `<a id="`+ruleAnchor(m)+`"></a>`+m.ID+" |") {
			t.Errorf("%s: README.md has no anchor %q for the helpUri", m.ID, ruleAnchor(m))
		}
	}
}

// TestRulesCommandMatchesRegistry: ngxlint rules lists every rule with its
// id, name, severity and summary.
func TestRulesCommandMatchesRegistry(t *testing.T) {
	code, out, _ := runIn(".", "", "rules")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	all := rules.All()
	if len(lines) != len(all)+1 {
		t.Fatalf("ngxlint rules prints %d rules, the registry has %d", len(lines)-1, len(all))
	}
	for i, r := range all {
		m := r.Meta()
		f := strings.Fields(lines[i+1])
		if len(f) < 3 || f[0] != m.ID || f[1] != m.Name || f[2] != m.Severity.String() || !strings.HasSuffix(lines[i+1], m.Doc.Summary) {
			t.Errorf("ngxlint rules line %q does not match %s %s %s %q", lines[i+1], m.ID, m.Name, m.Severity, m.Doc.Summary)
		}
	}
}
