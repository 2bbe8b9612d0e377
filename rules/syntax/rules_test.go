package syntax_test

import (
	"testing"

	_ "github.com/ngxlint/ngxlint/rules/all" // the suppressions in the fixtures name WebSocket rules
	"github.com/ngxlint/ngxlint/rules/ruletest"
)

func TestRules(t *testing.T) { ruletest.Run(t) }
