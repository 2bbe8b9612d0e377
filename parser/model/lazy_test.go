package model

import (
	"regexp"
	"testing"
)

// The package's regular expressions are compiled on first use, not when
// the program starts: each must still compile (MustCompile would panic in
// the middle of a lint).
func TestLazyRegexpsCompile(t *testing.T) {
	for name, re := range map[string]func() *regexp.Regexp{
		"namedCapture": namedCapture, "pcreOnly": pcreOnly, "extended": extended,
		"pyBackref": pyBackref, "envRef": envRef,
	} {
		first, again := re(), re()
		if first == nil || first != again {
			t.Errorf("%s: not one compiled expression", name)
		}
	}
}

// isDigits replaced the expression ^[0-9]+$.
func TestIsDigitsAsRegexp(t *testing.T) {
	re := regexp.MustCompile(`^[0-9]+$`)
	for _, s := range []string{"", "0", "1", "9", "12", "007", "1a", "a1", " 1", "1 ", "1\n", "\n1", "-1", "+1", "١", "1_000", "99999999999999999999"} {
		if got, want := isDigits(s), re.MatchString(s); got != want {
			t.Errorf("isDigits(%q) = %v, the expression says %v", s, got, want)
		}
	}
}

func FuzzIsDigitsAsRegexp(f *testing.F) {
	re := regexp.MustCompile(`^[0-9]+$`)
	for _, s := range []string{"", "1", "12a", "\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isDigits(s), re.MatchString(s); got != want {
			t.Errorf("isDigits(%q) = %v, the expression says %v", s, got, want)
		}
	})
}
