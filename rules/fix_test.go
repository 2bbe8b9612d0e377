package rules

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
)

// fixUnitOf parses src as one file linted alone in the context its
// directives call for (no includes resolved).
func fixUnitOf(t testing.TB, src string) (*parser.Unit, bool) {
	f, serr := parser.Parse("t.conf", []byte(src))
	if serr != nil {
		return nil, false
	}
	u := &parser.Unit{Root: f, Context: parser.DetectContext(f), Report: map[*parser.File]bool{f: true}}
	if f.BOM {
		u.Problems = append(u.Problems, parser.Problem{Kind: parser.ProblemBOM, File: f, Start: 0, End: 3, Msg: "byte-order mark"})
	}
	return u, true
}

// fixText fixes src at level and returns the fixed text.
func fixText(t *testing.T, src string, level Severity) string {
	t.Helper()
	u, ok := fixUnitOf(t, src)
	if !ok {
		t.Fatalf("does not parse:\n%s", src)
	}
	res, err := ApplyFixes([]*parser.Unit{u}, level, lintSerial)
	if err != nil {
		t.Fatal(err)
	}
	if b, ok := res.Changed(u.Root); ok {
		return string(b)
	}
	return src
}

// TestInsertedLinesFollowTheirNeighbours checks that inserted lines take the
// indentation and line endings of the lines around them, and that every
// other byte stays: tabs, CRLF, a block on one line, trailing comments, a
// byte-order mark, quoting.
func TestInsertedLinesFollowTheirNeighbours(t *testing.T) {
	cases := []struct {
		name, in, want string
		level          Severity
	}{
		{"tabs",
			"server {\n\tlisten 80;\n\tlocation /ws/ {\n\t\tproxy_pass http://127.0.0.1:9001;\n\t\tproxy_http_version 1.1;\n\t\tproxy_set_header Connection 'upgrade';\n\t}\n}\n",
			"server {\n\tlisten 80;\n\tlocation /ws/ {\n\t\tproxy_pass http://127.0.0.1:9001;\n\t\tproxy_http_version 1.1;\n\t\tproxy_set_header Connection 'upgrade';\n\t\tproxy_set_header Upgrade $http_upgrade;\n\t}\n}\n", Error},
		{"crlf",
			"server {\r\n  listen 80;\r\n  location /ws/ {\r\n    proxy_pass http://127.0.0.1:9001;\r\n    proxy_http_version 1.1;\r\n    proxy_set_header Connection \"upgrade\";\r\n  }\r\n}\r\n",
			"server {\r\n  listen 80;\r\n  location /ws/ {\r\n    proxy_pass http://127.0.0.1:9001;\r\n    proxy_http_version 1.1;\r\n    proxy_set_header Connection \"upgrade\";\r\n    proxy_set_header Upgrade $http_upgrade;\r\n  }\r\n}\r\n", Error},
		{"one line",
			"server { listen 80; location /ws/ { proxy_pass http://127.0.0.1:9001; proxy_http_version 1.1; proxy_set_header Connection upgrade; } }\n",
			"server { listen 80; location /ws/ { proxy_pass http://127.0.0.1:9001; proxy_http_version 1.1; proxy_set_header Connection upgrade; proxy_set_header Upgrade $http_upgrade; } }\n", Error},
		{"trailing comment",
			"server {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001; # the app\n        proxy_http_version 1.1;\n        proxy_set_header Connection upgrade; # keep\n    }\n}\n",
			"server {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001; # the app\n        proxy_http_version 1.1;\n        proxy_set_header Connection upgrade; # keep\n        proxy_set_header Upgrade $http_upgrade;\n    }\n}\n", Error},
		{"opener shares its line",
			"server {\n    listen 80;\n    location /ws/ { proxy_pass http://127.0.0.1:9001;\n        proxy_http_version 1.1; proxy_set_header Connection upgrade;\n    }\n}\n",
			"server {\n    listen 80;\n    location /ws/ { proxy_pass http://127.0.0.1:9001;\n        proxy_http_version 1.1; proxy_set_header Connection upgrade;\n        proxy_set_header Upgrade $http_upgrade;\n    }\n}\n", Error},
		{"map at the top of http, tabs and CRLF",
			"events {}\r\nhttp {\r\n\tinclude mime.types;\r\n\tserver {\r\n\t\tlisten 80;\r\n\t\tlocation /ws/ {\r\n\t\t\tproxy_pass http://127.0.0.1:9001;\r\n\t\t\tproxy_http_version 1.1;\r\n\t\t\tproxy_set_header Upgrade $http_upgrade;\r\n\t\t\tproxy_set_header Connection $connection_upgrade;\r\n\t\t}\r\n\t}\r\n}\r\n",
			"events {}\r\nhttp {\r\n\tmap $http_upgrade $connection_upgrade {\r\n\t\tdefault upgrade;\r\n\t\t'' close;\r\n\t}\r\n\r\n\tinclude mime.types;\r\n\tserver {\r\n\t\tlisten 80;\r\n\t\tlocation /ws/ {\r\n\t\t\tproxy_pass http://127.0.0.1:9001;\r\n\t\t\tproxy_http_version 1.1;\r\n\t\t\tproxy_set_header Upgrade $http_upgrade;\r\n\t\t\tproxy_set_header Connection $connection_upgrade;\r\n\t\t}\r\n\t}\r\n}\r\n", Error},
		{"map above a fragment's first directive and its comment",
			"# site\n\n# the chat backend\nserver {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;\n    }\n}",
			"# site\n\nmap $http_upgrade $connection_upgrade {\n    default upgrade;\n    '' close;\n}\n\n# the chat backend\nserver {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;\n    }\n}", Warning},
		{"byte-order mark removed, the rest kept",
			"\ufeffserver {\n    listen 80;\n}\n",
			"server {\n    listen 80;\n}\n", Error},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			level := c.level
			if level == Off {
				level = Error
			}
			if got := fixText(t, c.in, level); got != c.want {
				t.Errorf("got\n%q\nwant\n%q", got, c.want)
			}
		})
	}
}

func TestDeleteDirective(t *testing.T) {
	src := "server {\n    listen 80;\n    proxy_hide_header Upgrade; # why not\n    a b; c d;\n}\n"
	f, serr := parser.Parse("t.conf", []byte(src))
	if serr != nil {
		t.Fatal(serr)
	}
	srv := f.Top[0]
	for i, want := range []string{
		"server {\n    listen 80;\n    a b; c d;\n}\n",
		"server {\n    listen 80;\n    proxy_hide_header Upgrade; # why not\n    c d;\n}\n",
		"server {\n    listen 80;\n    proxy_hide_header Upgrade; # why not\n    a b;\n}\n",
	} {
		e := DeleteDirective(srv.Block.Directives[i+1])
		got, ok := applyEdits(f.Src, []Edit{e})
		if !ok || string(got) != want {
			t.Errorf("delete %s: got\n%q\nwant\n%q", srv.Block.Directives[i+1].Name, got, want)
		}
	}
}

func TestEditsConflict(t *testing.T) {
	f := &parser.File{Src: []byte("0123456789")}
	e := func(s, end int, text string) Edit { return Edit{File: f, Start: s, End: end, New: text} }
	cases := []struct {
		a, b Edit
		want bool
	}{
		{e(2, 4, "x"), e(2, 4, "x"), false}, // duplicate
		{e(2, 4, "x"), e(2, 4, "y"), true},
		{e(2, 4, "x"), e(4, 6, "y"), false}, // touching
		{e(2, 4, "x"), e(3, 6, "y"), true},
		{e(3, 3, "x"), e(3, 3, "y"), false}, // two insertions at one point
		{e(3, 3, "x"), e(2, 4, "y"), true},  // insertion inside a replacement
		{e(2, 2, "x"), e(2, 4, "y"), false}, // insertion at its start
		{e(4, 4, "x"), e(2, 4, "y"), false}, // and at its end
	}
	for _, c := range cases {
		if got := editsConflict(c.a, c.b); got != c.want {
			t.Errorf("conflict(%v, %v) = %v", c.a, c.b, got)
		}
		if got := editsConflict(c.b, c.a); got != c.want {
			t.Errorf("conflict(%v, %v) = %v", c.b, c.a, got)
		}
	}
	got, ok := applyEdits(f.Src, []Edit{e(8, 10, "X"), e(0, 0, "<"), e(0, 0, "<"), e(3, 3, "+"), e(3, 5, "")})
	if !ok || string(got) != "<012+567X" {
		t.Errorf("ApplyEdits: %q %v", got, ok)
	}
	if _, ok := applyEdits(f.Src, []Edit{e(1, 5, "a"), e(4, 6, "b")}); ok {
		t.Errorf("overlapping edits applied")
	}
}

func TestMapOffsets(t *testing.T) {
	f := &parser.File{Src: []byte("0123456789")}
	es := []Edit{{File: f, Start: 2, End: 2, New: "ab"}, {File: f, Start: 4, End: 6, New: "X"}}
	// "01ab23X6789"
	for in, out := range map[int]int{0: 0, 2: 4, 3: 5, 4: 6, 5: 6, 6: 7, 9: 10} {
		if got := fixMapOffset(es, in); got != out {
			t.Errorf("map %d = %d, want %d", in, got, out)
		}
	}
	for out, in := range map[int]int{0: 0, 2: 2, 3: 2, 4: 2, 5: 3, 6: 4, 7: 6, 10: 9} {
		if got := fixUnmapOffset(es, out); got != in {
			t.Errorf("unmap %d = %d, want %d", out, got, in)
		}
	}
}

// TestFixRefusesABrokenFix checks the safety net: a fix that does not
// remove its finding is not applied, and the caller learns why.
func TestFixRefusesABrokenFix(t *testing.T) {
	src := "server {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_http_version 1.1;\n        proxy_set_header Connection upgrade;\n    }\n}\n"
	u, _ := fixUnitOf(t, src)
	lint := func(units []*parser.Unit) ([]*Finding, error) {
		fs, err := lintSerial(units)
		for _, f := range fs {
			if f.Rule.ID == "WS001" && f.Fix != nil {
				// a fix that writes a comment instead of the header
				e := f.Fix.Edits[0]
				f.Fix = &Fix{Message: "broken", Edits: []Edit{{File: e.File, Start: e.Start, End: e.End, New: " # nothing"}}}
			}
		}
		return fs, err
	}
	_, err := ApplyFixes([]*parser.Unit{u}, Error, lint)
	var fe *FixError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "does not remove its finding") {
		t.Fatalf("want a FixError, got %v", err)
	}
	// one that breaks parsing
	lint = func(units []*parser.Unit) ([]*Finding, error) {
		fs, err := lintSerial(units)
		for _, f := range fs {
			if f.Rule.ID == "WS001" && f.Fix != nil {
				e := f.Fix.Edits[0]
				f.Fix = &Fix{Message: "broken", Edits: []Edit{{File: e.File, Start: e.Start, End: e.End, New: " {"}}}
			}
		}
		return fs, err
	}
	_, err = ApplyFixes([]*parser.Unit{u}, Error, lint)
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "no longer parses") {
		t.Fatalf("want a FixError for a parse error, got %v", err)
	}
}

// TestFixRefusesANewFinding: a finding the input did not have, standing on
// text a fix wrote, stops the fix; one on the user's own text does not.
func TestFixRefusesANewFinding(t *testing.T) {
	src := "server {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_http_version 1.1;\n        proxy_set_header Connection upgrade;\n    }\n}\n"
	dup, _ := Lookup("WS020")
	for _, onInserted := range []bool{true, false} {
		u, _ := fixUnitOf(t, src)
		lint := func(units []*parser.Unit) ([]*Finding, error) {
			fs, err := lintSerial(units)
			f := units[0].Root
			if i := strings.Index(string(f.Src), "proxy_set_header Upgrade"); i >= 0 {
				at := i
				if !onInserted {
					at = strings.Index(string(f.Src), "proxy_pass")
				}
				fs = append(fs, &Finding{Rule: dup.Meta(), Severity: Error, Span: Span{File: f, Start: at, End: at + 5}, Message: "injected"})
			}
			return fs, err
		}
		_, err := ApplyFixes([]*parser.Unit{u}, Error, lint)
		if got := err != nil && strings.Contains(err.Error(), "would add WS020"); got != onInserted {
			t.Errorf("finding on inserted text %v: err %v", onInserted, err)
		}
	}
}

// FuzzFix: for any input that parses, the fixer either refuses (writes
// nothing) or returns files that parse, and fixing those changes nothing.
func FuzzFix(f *testing.F) {
	seeds, _ := filepath.Glob("../fixtures/rules/*/*.conf")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("location /ws/ { proxy_pass http://x; }"))
	f.Add([]byte("server { location /ws { proxy_pass http://x; proxy_set_header Connection $connection_upgrade; } }"))
	f.Fuzz(func(t *testing.T, src []byte) {
		u, ok := fixUnitOf(t, string(src))
		if !ok {
			return
		}
		res, err := ApplyFixes([]*parser.Unit{u}, Info, lintSerial)
		var ie *InternalError
		if errors.As(err, &ie) {
			return // a rule's bug, not the fixer's
		}
		var fe *FixError
		if errors.As(err, &fe) {
			return // refused: nothing is written
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, ff := range res.Files {
			if _, serr := parser.Parse("fixed.conf", ff.New); serr != nil {
				t.Fatalf("the fixed text does not parse: %v\n--- input\n%s\n--- fixed\n%s", serr, src, ff.New)
			}
			u2, ok := fixUnitOf(t, string(ff.New))
			if !ok {
				t.Fatal("does not parse")
			}
			u2.Context = u.Context
			res2, err := ApplyFixes([]*parser.Unit{u2}, Info, lintSerial)
			if err == nil && len(res2.Files) > 0 {
				t.Fatalf("fixing the fixed text changes it again:\n--- input\n%s\n--- fixed\n%s\n--- again\n%s", src, ff.New, res2.Files[0].New)
			}
		}
	})
}

// lintSerial lints units the way the CLI does, one at a time.
func lintSerial(units []*parser.Unit) ([]*Finding, error) {
	return Lint(units, &Options{}, RunOptions{Jobs: 1})
}
