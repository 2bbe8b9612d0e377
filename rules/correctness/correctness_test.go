package correctness_test

import (
	"testing"

	_ "github.com/ngxlint/ngxlint/rules/all"
	"github.com/ngxlint/ngxlint/rules/ruletest"
)

func TestRules(t *testing.T) { ruletest.Run(t) }
