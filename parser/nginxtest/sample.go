package nginxtest

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
)

// Sample returns a short string the regular expression matches, such as a
// request path that reaches a regex location ("~ ^/api/v[0-9]+/ws$" gives
// "/api/v0/ws") or a host a regex server_name accepts. It prefers letters
// and digits where the expression allows a choice. ok is false when the
// expression does not compile in Go (nginx uses PCRE) or no sample matches.
func Sample(expr string) (string, bool) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	sample(&b, re.Simplify())
	s := b.String()
	m, err := regexp.Compile(expr)
	if err != nil || !m.MatchString(s) {
		return "", false
	}
	return s, true
}

func sample(b *strings.Builder, re *syntax.Regexp) {
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 {
				r = unicode.ToLower(r)
			}
			b.WriteRune(r)
		}
	case syntax.OpCharClass:
		b.WriteRune(pickRune(re.Rune))
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte('a')
	case syntax.OpCapture:
		sample(b, re.Sub[0])
	case syntax.OpPlus:
		sample(b, re.Sub[0])
	case syntax.OpRepeat:
		for i := 0; i < re.Min; i++ {
			sample(b, re.Sub[0])
		}
	case syntax.OpConcat:
		for _, s := range re.Sub {
			sample(b, s)
		}
	case syntax.OpAlternate:
		sample(b, re.Sub[0])
	}
	// OpStar, OpQuest, OpEmptyMatch and the anchors add nothing.
}

// pickRune chooses a rune of a character class (pairs of ranges), a
// lower-case letter or a digit when the class has one.
func pickRune(ranges []rune) rune {
	for _, want := range []rune{'a', 'x', '0', '-', '/'} {
		for i := 0; i+1 < len(ranges); i += 2 {
			if ranges[i] <= want && want <= ranges[i+1] {
				return want
			}
		}
	}
	for i := 0; i+1 < len(ranges); i += 2 {
		for r := ranges[i]; r <= ranges[i+1] && r < ranges[i]+256; r++ {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return r
			}
		}
	}
	if len(ranges) > 0 {
		return ranges[0]
	}
	return 'a'
}
