package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/rules"
)

// textReference is the text format written finding by finding with fmt
// and snippet (the rune by rune shownLine): what the text writer's
// appends, and its view of plain lines, must print byte for byte.
func textReference(fs []*rules.Finding, color bool) string {
	paint := func(c, s string) string {
		if !color {
			return s
		}
		return c + s + colorReset
	}
	var sb strings.Builder
	for _, f := range fs {
		p := f.Pos()
		fmt.Fprintf(&sb, "%s: %s: %s %s\n",
			paint(colorBold, fmt.Sprintf("%s:%d:%d", shownPath(f.Span.File.Path), p.Line, p.Column)),
			paint(sevColors[f.Severity], f.Severity.String()), shownText(f.Message),
			paint(colorDim, fmt.Sprintf("[%s %s]", f.Rule.ID, f.Rule.Name)))
		src, caret := snippet(f)
		if src != "" || p.Line > 0 {
			gutter := fmt.Sprintf("%d", p.Line)
			fmt.Fprintf(&sb, " %s | %s\n", gutter, src)
			fmt.Fprintf(&sb, " %s | %s\n", strings.Repeat(" ", len(gutter)), paint(colorGreen, caret))
		}
	}
	return sb.String()
}

// Every span of files whose lines take the plain path (printable ASCII,
// tabs, CRLF, empty lines, a line at the width bound) and those that do
// not (a byte-order mark, UTF-8, control bytes, invalid bytes, long
// lines): the text writer prints what the reference prints, colored or
// not.
func TestTextWriterMatchesReference(t *testing.T) {
	long := strings.Repeat("x", maxSnippetWidth)
	srcs := map[string]string{
		"plain.conf": "http {\n    server {\n\tlisten 80;\n\t\tlocation /ws/ { proxy_pass http://b; }\n\n    }\n}",
		"crlf.conf":  "events {}\r\nhttp {\r\n  server { listen 80; }\r\n}\r\n",
		"bound.conf": "a " + long[:maxSnippetWidth-2] + ";\nb " + long[:maxSnippetWidth-1] + ";\nc;\n",
		"long.conf":  "a " + long + long + ";\n" + strings.Repeat(" ", 200) + "b " + long + ";\n",
		"bom.conf":   "\ufeffuser nginx;\nhttp {}\n",
		"utf8.conf":  "server_name caf\u00e9.example \u202e;\n# \u00e9\u00e9\tx\n",
		"ctrl.conf":  "a \x1b[31m;\nb \x7f \xff;\r\nc\rd;\n",
		"end.conf":   "x;\n",
		"::odd.conf": "y;",
	}
	var fs []*rules.Finding
	meta := &rules.Meta{ID: "WS999", Name: "test-rule"}
	for _, name := range []string{"plain.conf", "crlf.conf", "bound.conf", "long.conf", "bom.conf", "utf8.conf", "ctrl.conf", "end.conf", "::odd.conf"} {
		src := srcs[name]
		f := &parser.File{Path: name, Src: []byte(src), BOM: strings.HasPrefix(src, "\ufeff")}
		n := len(src)
		for start := 0; start <= n; start++ {
			for _, end := range []int{start, start + 1, start + 3, start + 40, n, n + 2} {
				if end > n+2 || end < start {
					continue
				}
				fs = append(fs, &rules.Finding{Rule: meta, Severity: rules.Severity(1 + start%3),
					Span: rules.Span{File: f, Start: start, End: min(end, n)}, Message: "message\twith a tab, caf\u00e9"})
			}
		}
	}
	fs = append(fs, &rules.Finding{Rule: meta, Severity: rules.Error,
		Span: rules.Span{File: &parser.File{Path: "empty.conf"}}, Message: "an empty file"})
	for _, color := range []bool{false, true} {
		var got bytes.Buffer
		e := &env{isTTY: color, getenv: func(string) string { return "" }}
		if err := (textFormat{}).write(&got, fs, e); err != nil {
			t.Fatal(err)
		}
		want := textReference(fs, color)
		if got.String() != want {
			g, w := strings.Split(got.String(), "\n"), strings.Split(want, "\n")
			for i := range min(len(g), len(w)) {
				if g[i] != w[i] {
					t.Fatalf("color %v: line %d is %q, want %q", color, i+1, g[i], w[i])
				}
			}
			t.Fatalf("color %v: %d lines, want %d", color, len(g), len(w))
		}
	}
}

// errWriter fails every write.
type errWriter struct{ n int }

func (w *errWriter) Write(p []byte) (int, error) {
	w.n++
	return 0, fmt.Errorf("disk full")
}

// A write error is returned, and nothing more is written after it.
func TestTextWriterReturnsWriteError(t *testing.T) {
	f := &parser.File{Path: "a.conf", Src: []byte(strings.Repeat("x;\n", 20000))}
	var fs []*rules.Finding
	for i := 0; i < len(f.Src); i += 3 {
		fs = append(fs, &rules.Finding{Rule: &rules.Meta{ID: "WS999", Name: "t"}, Severity: rules.Error,
			Span: rules.Span{File: f, Start: i, End: i + 1}, Message: "m"})
	}
	w := &errWriter{}
	err := (textFormat{}).write(w, fs, &env{getenv: func(string) string { return "" }})
	if err == nil || w.n != 1 {
		t.Fatalf("error %v after %d writes, want the write's error after 1", err, w.n)
	}
}
