package model

import (
	"slices"
	"strings"
	"testing"
)

// TestVariablesAgreesWithVarRef checks the hand-written reader of
// Variables against the varRef regexp on values built from the bytes that
// matter ($, braces, name bytes, others).
func TestVariablesAgreesWithVarRef(t *testing.T) {
	viaRegexp := func(value string) []string {
		if strings.IndexByte(value, '$') < 0 {
			return nil
		}
		var out []string
		for _, m := range varRef().FindAllString(value, -1) {
			out = append(out, strings.ToLower(strings.Trim(m[1:], "{}")))
		}
		return out
	}
	values := []string{"", "$", "$$", "${", "${}", "${a", "${a}", "${a}b", "$a{b}", "$${a}", "$A_1-x", "a$b$c", "${a-b}", "$ {a}",
		"$http_upgrade", "${Http_Upgrade}x$1", "upgrade", "$scheme://$host$request_uri", "$-$_", "é$é", "${a}}", "{$a}"}
	alphabet := []byte{'$', '{', '}', 'a', 'Z', '_', '9', '-', ' ', 0xc3}
	var gen func(prefix []byte, n int)
	gen = func(prefix []byte, n int) {
		values = append(values, string(prefix))
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			gen(append(prefix, c), n-1)
		}
	}
	gen(nil, 5)
	for _, v := range values {
		if got, want := Variables(v), viaRegexp(v); !slices.Equal(got, want) {
			t.Errorf("Variables(%q) = %q, want %q", v, got, want)
		}
	}
}
