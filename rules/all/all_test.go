package all

import (
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/rules"
	"github.com/ngxlint/ngxlint/rules/ruletest"
)

// TestDocExamples: for every registered rule, of every family, the
// documentation's bad example triggers the rule and the good one does not.
func TestDocExamples(t *testing.T) {
	for _, r := range rules.All() {
		t.Run(r.Meta().ID, func(t *testing.T) { ruletest.CheckDoc(t, r) })
	}
}

// TestDocRefs: a rule's references are what its users can open: web pages
// (nginx.org, the project's README) and RFCs, never files of the
// developers' workspace.
func TestDocRefs(t *testing.T) {
	for _, r := range rules.All() {
		m := r.Meta()
		for _, ref := range m.Doc.Refs {
			if !strings.HasPrefix(ref, "https://") && !strings.HasPrefix(ref, "RFC ") {
				t.Errorf("%s cites %q: a reference is an https:// address or an RFC", m.ID, ref)
			}
		}
		for _, text := range []string{m.Doc.Summary, m.Doc.Why, m.Doc.Fix, m.Doc.SeverityNote} {
			if strings.Contains(text, ".md") {
				t.Errorf("%s's documentation cites a Markdown file users do not have: %q", m.ID, text)
			}
		}
	}
}

// TestEveryRuleHasAFamily: every rule belongs to a family that declares
// the claim its errors make (the end-to-end suite checks it); a family
// without a claim may hold no rule that reports an error by default.
func TestEveryRuleHasAFamily(t *testing.T) {
	for _, r := range rules.All() {
		if f, ok := rules.FamilyOf(r); !ok || f.Claim == rules.NoClaim && r.Meta().Severity == rules.Error {
			t.Errorf("%s belongs to no family with a claim: its package calls rules.RegisterFamily", r.Meta().ID)
		}
	}
}
