package model

import "testing"

// TestQuantifiedAssertion: PCRE2 (nginx 1.22.1 on Debian, checked with
// nginx -t) refuses a quantifier after an assertion; .NET's engine takes it.
func TestQuantifiedAssertion(t *testing.T) {
	refused := []string{`^*a`, `a$*`, `a$+`, `^?a`, `^{2}a`, `a\b*`, `(^*a)`, `a|^*b`, `\A*a`, `a\z+`, `x^*a`, `(?m)^*a`, `^{1,}a`}
	accepted := []string{`[^*]a`, `\^*a`, `(?:^)*a`, `^\*a`, `^a*`, `[$*]`, `\Q^*\E`, `^{,2}a`, `(?x) ^ a`, `(?#^*)a`, `[[:alpha:]^]*`, `a\\*`}
	for _, re := range refused {
		if checked, err := CheckPCRE(re, false); !checked || err == nil {
			t.Errorf("%q: PCRE2 refuses it, CheckPCRE takes it", re)
		}
	}
	for _, re := range accepted {
		if quantifiedAssertion(re) {
			t.Errorf("%q: PCRE2 takes it, reported as a repeated assertion", re)
		}
	}
}
