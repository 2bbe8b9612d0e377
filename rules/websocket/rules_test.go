package websocket

import (
	"testing"

	"github.com/ngxlint/ngxlint/rules/ruletest"
)

func TestRules(t *testing.T) { ruletest.Run(t) }
