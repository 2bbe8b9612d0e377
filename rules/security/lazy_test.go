package security

import (
	"regexp"
	"testing"

	"github.com/ngxlint/ngxlint/parser/model"
)

// The family's regular expressions are compiled on first use, not when the
// program starts: each must still compile.
func TestLazyRegexpsCompile(t *testing.T) {
	for name, re := range map[string]func() *regexp.Regexp{
		"domainRE": domainRE, "extRE": extRE, "firstSegRE": firstSegRE,
	} {
		first, again := re(), re()
		if first == nil || first != again {
			t.Errorf("%s: not one compiled expression", name)
		}
	}
}

// The fix's message names the directive, the same text for every list
// directive and for any other name.
func TestRepeatMessage(t *testing.T) {
	for _, name := range append(append([]string(nil), model.ListDirectives...), "other_header") {
		if got, want := repeatMessage(name), "repeat the dropped "+name+" lines here"; got != want {
			t.Errorf("repeatMessage(%q) = %q, want %q", name, got, want)
		}
	}
}
