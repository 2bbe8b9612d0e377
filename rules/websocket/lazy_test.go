package websocket

import (
	"regexp"
	"testing"
)

// The family's regular expressions are compiled on first use, not when the
// program starts: each must still compile.
func TestLazyRegexpsCompile(t *testing.T) {
	for name, re := range map[string]func() *regexp.Regexp{
		"hasLetter": hasLetter, "httpVarRefRE": httpVarRefRE, "strongWSSegmentRE": strongWSSegmentRE,
	} {
		first, again := re(), re()
		if first == nil || first != again {
			t.Errorf("%s: not one compiled expression", name)
		}
	}
}
