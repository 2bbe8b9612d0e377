package rules

import (
	"strings"
	"testing"
	"unsafe"
)

// newLines writes each line on its own, indented line; a call repeating
// the one before it gets that call's string, not a new copy.
func TestNewLinesSharesARepeatedResult(t *testing.T) {
	for _, c := range []struct {
		eol, ind string
		lines    []string
		want     string
	}{
		{"\n", "    ", []string{"a;", "", "b c;"}, "\n    a;\n\n    b c;"},
		{"\r\n", "\t", []string{"a;"}, "\r\n\ta;"},
		{"\n", "  ", nil, ""},
		{"\n", "", []string{"x;", "y;"}, "\nx;\ny;"},
	} {
		lines := append([]string(nil), c.lines...)
		first := newLines(c.eol, c.ind, lines)
		if first != c.want {
			t.Fatalf("newLines(%q, %q, %q) = %q, want %q", c.eol, c.ind, c.lines, first, c.want)
		}
		if len(lines) > 0 {
			lines[0] = strings.ToUpper(lines[0]) // the caller's slice changes: not the same call
			if got, want := newLines(c.eol, c.ind, lines), strings.Replace(c.want, c.lines[0], lines[0], 1); got != want {
				t.Fatalf("after a change: %q, want %q", got, want)
			}
			lines[0] = c.lines[0]
			first = newLines(c.eol, c.ind, lines)
		}
		again := newLines(c.eol, c.ind, append([]string(nil), c.lines...))
		if again != c.want || len(again) > 0 && unsafe.StringData(again) != unsafe.StringData(first) {
			t.Errorf("newLines(%q, %q, %q) twice: %q, a new copy", c.eol, c.ind, c.lines, again)
		}
		if other := newLines(c.eol, c.ind+" ", c.lines); len(c.lines) > 0 && c.lines[0] != "" && other == c.want {
			t.Errorf("another indentation gave the same text %q", other)
		}
	}
}
