package model

import (
	"errors"
	"regexp"
	"strings"
	"sync"

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
//   - .NET repeats an assertion (^*, $+, \b?, \A{2}); PCRE2 refuses it
//     ("quantifier does not follow a repeatable item"), and so does
//     CheckPCRE, before compiling.
//   - Error texts are .NET's, not PCRE2's; the finding says that nginx
//     fails, not PCRE2's exact words.
var pcreOnly = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\(\?(?:R|[+-]?\d|&|P>|\||C|U\)|J\)|[a-zA-Z]*U)|\\[KQEghvVRXNoH]|\\x\{|[*+?}]\+|\(\*[A-Z]`)
})

var extended = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\(\?[a-zA-Z^-]*x`) })

var pyNamed = strings.NewReplacer("(?P<", "(?<")

var pyBackref = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\(\?P=(\w+)\)`) })

// CheckPCRE reports whether PCRE2 would compile re. checked is false when
// the regex uses syntax the checker cannot judge. A plain regex
// (plainRegex) is valid without compiling it.
func CheckPCRE(re string, caseless bool) (checked bool, err error) {
	if plainRegex(re) {
		return true, nil
	}
	return judgePCRE(re, caseless)
}

// judgePCRE is CheckPCRE for a regex that is not plain.
func judgePCRE(re string, caseless bool) (checked bool, err error) {
	if quantifiedAssertion(re) {
		return true, errors.New("quantifier does not follow a repeatable item")
	}
	if pcreOnly().MatchString(re) {
		return false, nil
	}
	s := pyNamed.Replace(re)
	s = pyBackref().ReplaceAllString(s, `\k<$1>`)
	opt := regexp2.None
	if caseless {
		opt |= regexp2.IgnoreCase
	}
	_, err = regexp2.Compile(s, opt)
	return true, err
}

// quantifiedAssertion reports whether re repeats an assertion (^ $ \b \B
// \A \z \Z \G followed by *, +, ? or {n}, {n,}, {n,m}) outside a
// character class and \Q...\E, which PCRE2 refuses. A regex in extended
// mode ((?x), where white space may stand between them) is not judged.
func quantifiedAssertion(re string) bool {
	if extended().MatchString(re) {
		return false
	}
	quantifier := func(i int) bool {
		if i >= len(re) {
			return false
		}
		switch re[i] {
		case '*', '+', '?':
			return true
		case '{':
			j := i + 1
			digits := func() int {
				k := j
				for j < len(re) && re[j] >= '0' && re[j] <= '9' {
					j++
				}
				return j - k
			}
			if digits() == 0 {
				return false
			}
			if j < len(re) && re[j] == ',' {
				j++
				digits()
			}
			return j < len(re) && re[j] == '}'
		}
		return false
	}
	for i := 0; i < len(re); i++ {
		switch c := re[i]; c {
		case '\\':
			if i+1 >= len(re) {
				return false
			}
			switch re[i+1] {
			case 'Q':
				end := strings.Index(re[i+2:], "\\E")
				if end < 0 {
					return false
				}
				i += 2 + end + 1
				continue
			case 'b', 'B', 'A', 'z', 'Z', 'G':
				if quantifier(i + 2) {
					return true
				}
			}
			i++
		case '[':
			// a class: ']' first is literal, escapes and [:name:] inside
			j := i + 1
			if j < len(re) && re[j] == '^' {
				j++
			}
			if j < len(re) && re[j] == ']' {
				j++
			}
			for j < len(re) && re[j] != ']' {
				switch {
				case re[j] == '\\':
					j++
				case re[j] == '[' && j+1 < len(re) && re[j+1] == ':':
					if k := strings.Index(re[j+2:], ":]"); k >= 0 {
						j += 2 + k + 1
					}
				}
				j++
			}
			i = j
		case '^', '$':
			if quantifier(i + 1) {
				return true
			}
		case '(':
			if strings.HasPrefix(re[i:], "(?#") {
				if k := strings.IndexByte(re[i:], ')'); k >= 0 {
					i += k
				}
			}
		}
	}
	return false
}
