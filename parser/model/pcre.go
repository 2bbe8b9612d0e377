package model

import (
	"regexp"
	"strings"

	"github.com/dlclark/regexp2"
)

// PCRE syntax checking. nginx compiles the regexes of location, rewrite,
// if, map and server_name with PCRE2 (pcre2_compile) when it reads the
// configuration, so a regex PCRE2 refuses fails nginx -t. Go's regexp is
// RE2 and refuses valid PCRE (lookarounds, backreferences, possessive
// quantifiers); github.com/dlclark/regexp2, a port of .NET's engine, reads
// nearly all of PCRE's syntax. What differs, and what CheckPCRE does
// about it:
//
//   - (?P<name>...), (?P=name): PCRE's Python-style names; rewritten to
//     (?<name>...) and \k<name> before compiling.
//   - Constructs .NET lacks but PCRE2 has: recursion ((?R), (?1), (?&name),
//     (?P>name)), \K, possessive quantifiers (a++), backtracking verbs
//     ((*SKIP)), \Q...\E, branch reset (?|...), \g references, \h \v \R \X
//     \N \o{} \x{...}, the (?U) and (?J) options, and callouts (?C). A regex
//     with any of them is not judged (checked is false).
//   - .NET accepts some syntax PCRE2 refuses (balancing groups
//     (?<a-b>...), character-class subtraction [a-z-[aeiou]], some \p{}
//     names): those are missed, never reported.
//   - Error texts are .NET's, not PCRE2's; the finding says that nginx
//     fails, not PCRE2's exact words.
var pcreOnly = regexp.MustCompile(`\(\?(?:R|[+-]?\d|&|P>|\||C|U\)|J\)|[a-zA-Z]*U)|\\[KQEghvVRXNoH]|\\x\{|[*+?}]\+|\(\*[A-Z]`)

var pyNamed = strings.NewReplacer("(?P<", "(?<")

var pyBackref = regexp.MustCompile(`\(\?P=(\w+)\)`)

// CheckPCRE reports whether PCRE2 would compile re. checked is false when
// the regex uses syntax the checker cannot judge.
func CheckPCRE(re string, caseless bool) (checked bool, err error) {
	if pcreOnly.MatchString(re) {
		return false, nil
	}
	s := pyNamed.Replace(re)
	s = pyBackref.ReplaceAllString(s, `\k<$1>`)
	opt := regexp2.None
	if caseless {
		opt |= regexp2.IgnoreCase
	}
	_, err = regexp2.Compile(s, opt)
	return true, err
}
