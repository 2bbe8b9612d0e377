package parser

import (
	"testing"
)

// FuzzParse: Parse never panics; an error points inside the file; every
// word of a parsed file lies inside the file, re-reads to the same value on
// its own, and words and directives come in order without overlapping.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"http { server { listen 80; location /ws/ { proxy_pass http://b; } } }",
		"map $http_upgrade $c { default upgrade; '' close; }",
		"if ($http_upgrade = \"websocket\") { return 403; }",
		"return 200 \"a;b}c#d\" 'x\\'y' foo}bar ${uri}x;",
		"content_by_lua_block { local t = { a = \"}\" } -- }\n }",
		"\ufeffevents {}\r\nhttp {}\r\n",
		"location ~* \"^/x{2,3}$\" { }",
		"a \"unterminated",
		"}",
		"a b",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := Parse("f.conf", src)
		if err != nil {
			if err.Off < 0 || err.Off > len(src) {
				t.Fatalf("error offset %d outside the file of %d bytes", err.Off, len(src))
			}
			return
		}
		checkCommentAssociation(t, file)
		last := 0
		file.Walk(func(d *Directive) {
			words := append([]Word{d.NameW()}, d.Args...)
			for _, w := range words {
				if int(w.Start) < last || w.End <= w.Start || int(w.End) > len(src) {
					t.Fatalf("word %q at [%d,%d) out of order or bounds (last %d)", w.Value, w.Start, w.End, last)
				}
				last = int(w.End)
				toks, serr := scan(src[w.Start:w.End], 0)
				if serr == nil && len(toks) == 1 && toks[0].kind == tokWord && toks[0].value != w.Value {
					t.Fatalf("word %q re-reads as %q", w.Value, toks[0].value)
				}
			}
			if int(d.End) > len(src) || int(d.End) < last {
				t.Fatalf("directive %q ends at %d", d.Name, d.End)
			}
			if d.Block == nil {
				last = int(d.End)
			}
		})
	})
}
