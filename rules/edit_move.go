package rules

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser"
)

// Edits that move a block directive, with its comments, elsewhere in its file.

// moveBlockBefore returns the edits that move the block directive d (and
// the comments on the lines right above it) to just before anchor, on
// lines of their own with anchor's indentation, followed by a blank line.
// Both must be in the same file, each starting its line.
func MoveBlockBefore(d, anchor *parser.Directive) ([]Edit, bool) {
	f := d.File
	start, ok := movableStart(d)
	if !ok || anchor.File != f || !startsLine(f, anchor.Start()) {
		return nil, false
	}
	text := reindent(f, start, lineEnd(f, int(d.End)), f.Indent(start), f.Indent(anchor.Start()))
	at := f.LineStart(anchor.Start())
	if lc := anchor.LeadingComments(); len(lc) > 0 && f.LineStart(lc[0].Start) > 0 {
		at = f.LineStart(lc[0].Start) // keep the anchor's comments with it, but not a file's header
	}
	if f.BOM && at == 0 {
		at = 3
	}
	eol := f.EOL()
	return []Edit{
		{File: f, Start: at, End: at, New: text + eol + eol},
		deleteLines(f, start, int(d.End)),
	}, true
}

// moveBlockInto returns the edits that move the block directive d (and the
// comments right above it) to the start of the body of the block directive
// into, followed by a blank line.
func MoveBlockInto(d, into *parser.Directive) ([]Edit, bool) {
	f := d.File
	start, ok := movableStart(d)
	if !ok || into.File != f || into.Block == nil || sameLine(f, int(into.Block.Open), int(into.Block.Close)) ||
		!restOfLineIsEmpty(f, int(into.Block.Open)+1) {
		return nil, false
	}
	ind := f.Indent(into.Start()) + IndentUnit(f)
	if len(into.Block.Directives) > 0 && startsLine(f, into.Block.Directives[0].Start()) {
		ind = f.Indent(into.Block.Directives[0].Start())
	}
	text := reindent(f, start, lineEnd(f, int(d.End)), f.Indent(start), ind)
	at := lineEnd(f, int(into.Block.Open)+1)
	eol := f.EOL()
	return []Edit{
		{File: f, Start: at, End: at, New: eol + text + eol},
		deleteLines(f, start, int(d.End)),
	}, true
}

// movableStart is where a block directive to move begins: its first
// leading comment, or itself. ok is false when it shares its first or
// last line with another directive. What is moved ends at the end of its
// last line, with any comment there.
func movableStart(d *parser.Directive) (int, bool) {
	f := d.File
	if !startsLine(f, d.Start()) || !restOfLineIsEmpty(f, int(d.End)) {
		return 0, false
	}
	start := d.Start()
	if lc := d.LeadingComments(); len(lc) > 0 {
		start = lc[0].Start
	}
	return start, true
}

// deleteLines removes the whole lines from start's to end's, and one of
// the blank lines around them when that would leave two blank lines in a
// row, or a blank line next to a brace.
func deleteLines(f *parser.File, start, end int) Edit {
	from := f.LineStart(start)
	to := lineEnd(f, end)
	to = skipEOL(f, to)
	blank := func(a, b int) bool { return strings.TrimSpace(string(f.Src[a:b])) == "" }
	nextEnd := skipEOL(f, lineEnd(f, to))
	nextBlank := to < len(f.Src) && blank(to, nextEnd)
	prevBlank := false
	prevStart := from
	if from > 0 {
		prevStart = f.LineStart(from - 1)
		prevBlank = blank(prevStart, from)
	}
	before := strings.TrimRight(string(f.Src[:from]), " \t\r\n")
	after := strings.TrimLeft(string(f.Src[to:]), " \t\r\n")
	opens := before == "" || strings.HasSuffix(before, "{")
	closes := after == "" || strings.HasPrefix(after, "}")
	switch {
	case nextBlank && (prevBlank || opens):
		to = nextEnd
	case prevBlank && closes:
		from = prevStart
	}
	return Edit{File: f, Start: from, End: to}
}

func skipEOL(f *parser.File, off int) int {
	if off < len(f.Src) && f.Src[off] == '\r' {
		off++
	}
	if off < len(f.Src) && f.Src[off] == '\n' {
		off++
	}
	return off
}

// reindent returns Src[start:end] with its first line indented by to and
// every later line's leading from replaced by to.
func reindent(f *parser.File, start, end int, from, to string) string {
	raw := string(f.Src[start:end])
	eol := f.EOL()
	lines := strings.Split(strings.ReplaceAll(raw, "\r\n", "\n"), "\n")
	for i, l := range lines {
		if i == 0 {
			lines[i] = to + l
			continue
		}
		if strings.TrimSpace(l) == "" {
			lines[i] = ""
			continue
		}
		lines[i] = to + strings.TrimPrefix(l, from)
	}
	return strings.Join(lines, eol)
}
