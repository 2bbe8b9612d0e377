package rules

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
)

func TestParseSuppression(t *testing.T) {
	cases := []struct {
		text      string
		not       bool // not a suppression
		fileWide  bool
		ids       string
		reason    string
		malformed bool
	}{
		{text: " ngxlint ignore=WS003 -- why", ids: "WS003", reason: "why"},
		{text: "ngxlint ignore=WS003,WS004 -- a -- b", ids: "WS003,WS004", reason: "a -- b"},
		{text: "  NGXLINT Ignore = ws003 , http-1.0-upstream --why", ids: "ws003,http-1.0-upstream", reason: "why"},
		{text: " ngxlint: ignore=WS003 -- why", ids: "WS003", reason: "why"},
		{text: " ngxlint ignore-file=WS017 -- long polling only", fileWide: true, ids: "WS017", reason: "long polling only"},
		{text: " ngxlint ignore=WS003", ids: "WS003"},
		{text: " ngxlint ignore=WS003 --", ids: "WS003"},
		{text: " ngxlint ignore=WS003--why", ids: "WS003", reason: "why"},
		{text: " ngxlint ignore WS003 -- why", malformed: true},
		{text: " ngxlint ignore= -- why", malformed: true},
		{text: " ngxlint: websocket", not: true},
		{text: " ngxlint is run in CI", not: true},
		{text: " ngxlintignore=WS003", not: true},
		{text: " see ngxlint ignore=WS003", not: true},
	}
	for _, c := range cases {
		src := "#" + c.text + "\n"
		f := &parser.File{Path: "t.conf", Src: []byte(src)}
		s, ok := parseSuppression(f, parser.Comment{Text: c.text, Start: 0, End: len(src) - 1})
		if ok == c.not {
			t.Errorf("%q: suppression = %v, want %v", c.text, ok, !c.not)
			continue
		}
		if !ok {
			continue
		}
		if (s.malformed != "") != c.malformed {
			t.Errorf("%q: malformed = %q", c.text, s.malformed)
			continue
		}
		if c.malformed {
			continue
		}
		if s.fileWide != c.fileWide || s.list() != strings.ReplaceAll(c.ids, " ", "") || s.reason != c.reason {
			t.Errorf("%q: got fileWide=%v ids=%q reason=%q", c.text, s.fileWide, s.list(), s.reason)
		}
		for _, id := range s.ids {
			if got := src[id.start:id.end]; got != id.raw {
				t.Errorf("%q: span of %s is %q", c.text, id.raw, got)
			}
		}
	}
}

// lintSrc lints files written to a temporary directory and returns the
// findings and the source of the first file.
func lintSrc(t *testing.T, run RunOptions, opts *Options, files map[string]string, paths ...string) []*Finding {
	t.Helper()
	dir := t.TempDir()
	for p, src := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var abs []string
	for _, p := range paths {
		abs = append(abs, filepath.Join(dir, p))
	}
	units, err := parser.Load(abs, parser.Options{Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	if opts == nil {
		opts = focus(nil)
	}
	fs, err := Lint(units, opts, run)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// focus turns off every rule but those these tests are about, so that
// rules added later do not change what the tests see; extra sets more.
func focus(extra map[string]Severity) *Options {
	keep := map[string]bool{"WS003": true, "WS004": true, "WS008": true, "WS009": true, "NGX006": true, "NGX007": true}
	sev := map[string]Severity{}
	for _, r := range All() {
		if !keep[r.Meta().ID] {
			sev[r.Meta().ID] = Off
		}
	}
	for id, s := range extra {
		sev[id] = s
	}
	return &Options{Severities: sev}
}

func ids(fs []*Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule.ID)
	}
	return strings.Join(out, " ")
}

// applyFix applies a fix's edits to the file's source.
func applyFix(t *testing.T, f *Finding) string {
	t.Helper()
	if f.Fix == nil {
		t.Fatalf("%s has no fix: %s", f.Rule.ID, f.Message)
	}
	edits := append([]Edit(nil), f.Fix.Edits...)
	sort.Slice(edits, func(i, j int) bool { return edits[i].Start > edits[j].Start })
	src := string(f.Span.File.Src)
	for _, e := range edits {
		src = src[:e.Start] + e.New + src[e.End:]
	}
	return src
}

const wsLoc = `server {
    listen 80;

    %s
    location /ws/ {
        proxy_pass http://127.0.0.1:9001;
        proxy_read_timeout 1h;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
    }
}
`

func withComment(c string) string { return strings.Replace(wsLoc, "%s", c, 1) }

func TestSuppressionScope(t *testing.T) {
	// WS004 is reported at the location's head: suppressed by a comment
	// above the location, not by one above a directive inside it.
	got := ids(lintSrc(t, RunOptions{}, nil, map[string]string{"a.conf": withComment("# ngxlint ignore=WS004 -- r")}, "a.conf"))
	if got != "" {
		t.Errorf("suppressed block: got %q", got)
	}
	inner := strings.Replace(wsLoc, "    %s\n", "", 1)
	inner = strings.Replace(inner, "        proxy_pass", "        # ngxlint ignore=WS004 -- r\n        proxy_pass", 1)
	got = ids(lintSrc(t, RunOptions{}, nil, map[string]string{"a.conf": inner}, "a.conf"))
	if got != "WS004 NGX007" && got != "NGX007 WS004" {
		t.Errorf("suppression inside the block must not reach its head: got %q", got)
	}
	// Another rule's id does not suppress.
	got = ids(lintSrc(t, RunOptions{}, nil, map[string]string{"a.conf": withComment("# ngxlint ignore=WS003 -- r")}, "a.conf"))
	if !strings.Contains(got, "WS004") || !strings.Contains(got, "NGX007") {
		t.Errorf("wrong id: got %q", got)
	}
	// --no-inline-ignores: the finding is back, nothing about suppressions.
	for _, c := range []string{"# ngxlint ignore=WS004", "# ngxlint ignore=WS003 -- r", "# ngxlint ignore-file=WS004"} {
		got = ids(lintSrc(t, RunOptions{NoInlineIgnores: true}, nil, map[string]string{"a.conf": withComment(c)}, "a.conf"))
		if got != "WS004" {
			t.Errorf("NoInlineIgnores with %q: got %q", c, got)
		}
	}
	// A rule turned off: its suppression is not unused; NGX006 still asks for a reason.
	opts := focus(map[string]Severity{"WS004": Off})
	got = ids(lintSrc(t, RunOptions{}, opts, map[string]string{"a.conf": withComment("# ngxlint ignore=WS004")}, "a.conf"))
	if got != "NGX006" {
		t.Errorf("rule off: got %q", got)
	}
	// NGX006/NGX007 follow the configured severities too.
	opts = focus(map[string]Severity{"NGX006": Off, "NGX007": Info})
	fs := lintSrc(t, RunOptions{}, opts, map[string]string{"a.conf": withComment("# ngxlint ignore=WS004,WS003")}, "a.conf")
	if ids(fs) != "NGX007" || fs[0].Severity != Info {
		t.Errorf("configured severities: got %q", ids(fs))
	}
}

func TestSuppressionAcrossUnits(t *testing.T) {
	// A snippet included by two main configurations: its suppression is
	// used in one of them only, which is enough.
	snippet := "# ngxlint ignore=WS004 -- r\nlocation /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_read_timeout 1h;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n}\n"
	main := func(extra string) string {
		return "events {}\nhttp {\n    server {\n        listen 80;\n" + extra + "        include /SNIP;\n    }\n}\n"
	}
	files := map[string]string{
		"a/nginx.conf": main(""),
		"b/nginx.conf": main("        proxy_http_version 1.1;\n"),
		"s/ws.conf":    snippet,
	}
	tmp := t.TempDir()
	for p, src := range files {
		src = strings.ReplaceAll(src, "/SNIP", filepath.Join(tmp, "s/ws.conf"))
		full := filepath.Join(tmp, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// s/ is outside both configurations' directories: a root of its own
	units, err := parser.Load([]string{filepath.Join(tmp, "a/nginx.conf"), filepath.Join(tmp, "b/nginx.conf")}, parser.Options{Cwd: tmp, IncludeRoots: []string{tmp}})
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 2 {
		t.Fatalf("want 2 units, got %d", len(units))
	}
	// Alone, unit b would call the suppression unused.
	alone, err := lintUnit(units[1], focus(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(alone); got != "NGX007" {
		t.Errorf("unit b alone: got %q, want NGX007", got)
	}
	for _, jobs := range []int{1, 2} {
		fs, err := Lint(units, focus(nil), RunOptions{Jobs: jobs})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(fs); got != "" {
			for _, f := range fs {
				t.Logf("%s:%d: %s", f.Span.File.Path, f.Pos().Line, f.Message)
			}
			t.Errorf("jobs=%d: got %q, want nothing", jobs, got)
		}
	}
}

func TestUnusedSuppressionFix(t *testing.T) {
	cases := []struct{ comment, want string }{
		{"# ngxlint ignore=WS003 -- r", "    location /ws/ {"},                     // whole line removed
		{"# ngxlint ignore=WS003, WS004 -- r", "    # ngxlint ignore=WS004 -- r"},  // first id and its comma
		{"# ngxlint ignore=WS004,WS003 -- r", "    # ngxlint ignore=WS004 -- r"},   // last id and the comma before it
		{"# ngxlint ignore=WS004 , WS003 -- r", "    # ngxlint ignore=WS004 -- r"}, // spaces around the comma
	}
	for _, c := range cases {
		fs := lintSrc(t, RunOptions{}, nil, map[string]string{"a.conf": withComment(c.comment)}, "a.conf")
		var unused *Finding
		for _, f := range fs {
			if f.Rule.ID == "NGX007" {
				unused = f
			}
		}
		if unused == nil {
			t.Errorf("%q: no NGX007 in %q", c.comment, ids(fs))
			continue
		}
		fixed := applyFix(t, unused)
		lines := strings.Split(fixed, "\n")
		if lines[3] != c.want {
			t.Errorf("%q: fixed line 4 is %q, want %q\n%s", c.comment, lines[3], c.want, fixed)
		}
	}
	// Misspelled ids and misplaced comments are left to the user.
	fs := lintSrc(t, RunOptions{}, nil, map[string]string{"a.conf": withComment("# ngxlint ignore=WS04 -- r")}, "a.conf")
	for _, f := range fs {
		if f.Rule.ID == "NGX007" && f.Fix != nil {
			t.Errorf("a misspelled id must not be removed automatically")
		}
	}
}
