package model

import "strings"

// plainRegex reports whether re is plainly valid: built only of what
// every regex engine here reads the same way and compiles, so that
// CheckPCRE's answer for it is (true, nil) without compiling it (the
// compile and the regexps CheckPCRE first tries are most of what a small
// configuration's regexes cost a new process). A false answer says
// nothing: CheckPCRE then judges as before. TestPlainRegexCompiles and
// FuzzPlainRegex check that every regex it accepts passes CheckPCRE's
// every step.
//
// The grammar, on bytes (anything else, "(?" and non-ASCII included,
// is not plain):
//
//	^ and $ anywhere, never quantified
//	literal: a letter, a digit, or one of _/-~%=,;:@!&'"<>#space
//	escape: \ then \d \w \s \D \W \S or one of .?*+()[]{}|^$/-~%=,;:@!&#
//	(not \\, after which a letter would look like \K or \Q to the screen)
//	. and groups ( ... ) with | anywhere, balanced
//	a class [ ... ] or [^ ... ] of literals (no ' ' or #), '.', escapes and
//	ranges a-z, A-Z, 0-9 in order; '-' last is literal
//	a quantifier *, +, ?, {n}, {n,}, {n,m} (n <= m, at most 3 digits)
//	after a literal, an escape, '.', a class or ')', then at most '?'
//	and none of "(?", "(*", "*+", "++", "?+", "}+" anywhere (see below)
func plainRegex(re string) bool {
	// what CheckPCRE's screen for PCRE-only syntax would find in a regex
	// of the grammar: "(?" and "(*" (which an escaped paren followed by a
	// quantifier spells) and an escaped quantifier made possessive
	for _, s := range [...]string{"(?", "(*", "*+", "++", "?+", "}+"} {
		if strings.Contains(re, s) {
			return false
		}
	}
	depth := 0
	atom := false // the last item can be quantified
	for i := 0; i < len(re); {
		c := re[i]
		switch {
		case plainLiteral(c):
			atom = true
			i++
		case c == '\\':
			if i+1 >= len(re) || !plainEscape(re[i+1]) {
				return false
			}
			atom = true
			i += 2
		case c == '.':
			atom = true
			i++
		case c == '^' || c == '$' || c == '|':
			atom = false
			i++
		case c == '(':
			if i+1 < len(re) && (re[i+1] == '?' || re[i+1] == '*') {
				return false
			}
			depth++
			atom = false
			i++
		case c == ')':
			if depth == 0 {
				return false
			}
			depth--
			atom = true
			i++
		case c == '[':
			n := plainClass(re[i:])
			if n == 0 {
				return false
			}
			atom = true
			i += n
		case c == '*' || c == '+' || c == '?' || c == '{':
			if !atom {
				return false
			}
			n := plainQuantifier(re[i:])
			if n == 0 {
				return false
			}
			i += n
			if i < len(re) && re[i] == '?' {
				i++
			}
			atom = false
		default:
			return false
		}
	}
	return depth == 0
}

func plainLiteral(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	switch c {
	case '_', '/', '-', '~', '%', '=', ',', ';', ':', '@', '!', '&', '\'', '"', '<', '>', '#', ' ':
		return true
	}
	return false
}

func plainEscape(c byte) bool {
	switch c {
	case 'd', 'w', 's', 'D', 'W', 'S',
		'.', '?', '*', '+', '(', ')', '[', ']', '{', '}', '|', '^', '$', '/', '-', '~', '%', '=', ',', ';', ':', '@', '!', '&', '#':
		return true
	}
	return false
}

// plainClass returns the length of the plain class re starts with, 0
// when it is not one.
func plainClass(re string) int {
	i := 1
	if i < len(re) && re[i] == '^' {
		i++
	}
	items := 0
	for i < len(re) {
		c := re[i]
		switch {
		case c == ']':
			if items == 0 {
				return 0
			}
			return i + 1
		case c == '\\':
			if i+1 >= len(re) || !plainEscape(re[i+1]) {
				return 0
			}
			i += 2
		case c == '-':
			if i+1 >= len(re) || re[i+1] != ']' || items == 0 {
				return 0
			}
			i++
		case c == '.':
			i++
		case plainLiteral(c) && c != ' ' && c != '#':
			if i+2 < len(re) && re[i+1] == '-' && re[i+2] != ']' {
				hi := re[i+2]
				if !sameRange(c, hi) || hi < c {
					return 0
				}
				i += 3
			} else {
				i++
			}
		default:
			return 0
		}
		items++
	}
	return 0
}

// sameRange: lo and hi are both lower-case letters, both upper-case
// letters or both digits.
func sameRange(lo, hi byte) bool {
	in := func(c, a, z byte) bool { return c >= a && c <= z }
	return in(lo, 'a', 'z') && in(hi, 'a', 'z') || in(lo, 'A', 'Z') && in(hi, 'A', 'Z') || in(lo, '0', '9') && in(hi, '0', '9')
}

// plainQuantifier returns the length of the quantifier re starts with
// (*, +, ?, {n}, {n,}, {n,m}), 0 when it is not a plain one.
func plainQuantifier(re string) int {
	if re[0] != '{' {
		return 1
	}
	i := 1
	number := func() (int, bool) {
		n, k := 0, 0
		for i < len(re) && re[i] >= '0' && re[i] <= '9' && k < 4 {
			n = n*10 + int(re[i]-'0')
			i++
			k++
		}
		return n, k > 0 && k <= 3
	}
	lo, ok := number()
	if !ok {
		return 0
	}
	if i < len(re) && re[i] == ',' {
		i++
		if i < len(re) && re[i] != '}' {
			hi, ok := number()
			if !ok || hi < lo {
				return 0
			}
		}
	}
	if i < len(re) && re[i] == '}' {
		return i + 1
	}
	return 0
}
