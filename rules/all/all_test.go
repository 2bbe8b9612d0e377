package all

import (
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
