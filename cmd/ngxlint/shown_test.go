package main

import (
	"strings"
	"testing"
)

// shown returns a message as it is when plainASCII says so; the rune by
// rune path must agree on every such message, at each bound, and the
// messages just past a bound must take that path.
func TestShownPlainASCIIAgrees(t *testing.T) {
	word := maxShownWord - 20
	cases := []string{
		"",
		"location /ws/ proxies WebSocket; add proxy_http_version 1.1;",
		strings.Repeat("a", word),
		strings.Repeat("a", word+1),
		strings.Repeat("a", word) + " " + strings.Repeat("b", word),
		strings.Repeat("a b ", (maxShownMessage-1)/4) + "c",
		strings.Repeat("ab ", maxShownMessage/3+1),
		"tab\there",
		"new\nline",
		"escape \x1b[31m",
		"delete \x7f",
		"caf\u00e9",
		"\u202e reversed",
	}
	for _, s := range cases {
		fast := plainASCII(s, word)
		if fast && shownSlow(s, false) != s {
			t.Errorf("%.40q: plainASCII passes it but the rune by rune path changes it", s)
		}
		if got, want := shown(s, false), shownSlow(s, false); got != want {
			t.Errorf("%.40q: shown %.40q, rune by rune %.40q", s, got, want)
		}
	}
	if plainASCII(strings.Repeat("a", word+1), word) || plainASCII(strings.Repeat("a ", maxShownMessage/2), word) ||
		plainASCII("x\x1b", word) || plainASCII("caf\u00e9", word) {
		t.Error("plainASCII passes a message that must be escaped or cut")
	}
}
