package security

import (
	"testing"

	"github.com/ngxlint/ngxlint/rules/ruletest"
)

// TestRules runs the fixtures of every rule of the family
// (fixtures/rules/SEC*/), with their inline expectations and fixes.
func TestRules(t *testing.T) { ruletest.Run(t) }
