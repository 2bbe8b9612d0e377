package rules

import (
	"slices"
	"strings"
	"sync/atomic"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
)

// ReplaceWord replaces one word's value, keeping its quoting style: a
// quoted word stays quoted with the same quote; an unquoted word is quoted
// only when the new value needs it.
func ReplaceWord(d *parser.Directive, w parser.Word, value string) Edit {
	var text string
	switch d.File.QuoteOf(w) {
	case '"':
		text = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(value) + `"`
	case '\'':
		text = `'` + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(value) + `'`
	default:
		text = parser.Quote(value)
	}
	return Edit{File: d.File, Start: int(w.Start), End: int(w.End), New: text}
}

// lineEnd returns the offset of the line ending ('\r' or '\n') after off.
func lineEnd(f *parser.File, off int) int {
	for off < len(f.Src) && f.Src[off] != '\n' {
		off++
	}
	if off > 0 && off <= len(f.Src) && f.Src[off-1] == '\r' && (off == len(f.Src) || f.Src[off] == '\n') {
		return off - 1
	}
	return off
}

// eolAt returns the line ending of the line holding off, so that inserted
// lines end the way the lines around them do even in a file that mixes CRLF and
// LF; for a last line without one, the ending of the line above it.
func eolAt(f *parser.File, off int) string {
	for i := off; i < len(f.Src); i++ {
		if f.Src[i] == '\n' {
			if i > 0 && f.Src[i-1] == '\r' {
				return "\r\n"
			}
			return "\n"
		}
	}
	for i := min(off, len(f.Src)) - 1; i >= 0; i-- {
		if f.Src[i] == '\n' {
			if i > 0 && f.Src[i-1] == '\r' {
				return "\r\n"
			}
			return "\n"
		}
	}
	return f.EOL()
}

// newLines writes lines, each on a new line started with eol and indented
// with ind; an empty line gets no indentation. The text is made at its
// exact length, and a call with the same eol, ind and lines as the one
// before it returns that call's string: a rule that adds the same lines
// to many levels (SEC001 on 24,500 servers written alike) holds one copy.
func newLines(eol, ind string, lines []string) string {
	if last := lastNewLines.Load(); last != nil && last.eol == eol && last.ind == ind && slices.Equal(last.lines, lines) {
		return last.text
	}
	n := 0
	for _, l := range lines {
		n += len(eol)
		if l != "" {
			n += len(ind) + len(l)
		}
	}
	var sb strings.Builder
	sb.Grow(n)
	for _, l := range lines {
		sb.WriteString(eol)
		if l != "" {
			sb.WriteString(ind)
			sb.WriteString(l)
		}
	}
	text := sb.String()
	lastNewLines.Store(&newLinesCall{eol: eol, ind: ind, lines: slices.Clone(lines), text: text})
	return text
}

// newLinesCall is a call of newLines and its result. Rules on several
// workers share the last one; a string is never changed, so a result
// given to two callers is safe.
type newLinesCall struct {
	eol, ind string
	lines    []string
	text     string
}

var lastNewLines atomic.Pointer[newLinesCall]

// restOfLineIsEmpty reports whether only white space or a comment follows off on its line.
func restOfLineIsEmpty(f *parser.File, off int) bool {
	rest := strings.TrimSpace(string(f.Src[off:lineEnd(f, off)]))
	return rest == "" || strings.HasPrefix(rest, "#")
}

// IndentUnit guesses one level of indentation from the file (see
// parser.File.IndentUnit, which reads the file once).
func IndentUnit(f *parser.File) string { return f.IndentUnit() }

// InsertAfter adds directives right after anchor, written the way anchor
// is: on new lines with its indentation and its line's ending, after any
// comment that ends anchor's line; or on the same line when anchor shares
// its line with what follows (a block written on one line).
func InsertAfter(anchor *parser.Directive, lines []string) Edit {
	f := anchor.File
	if restOfLineIsEmpty(f, int(anchor.End)) {
		at := lineEnd(f, int(anchor.End))
		ind := f.Indent(anchor.Start())
		if p := anchor.Parent; p != nil && p.Block != nil && sameLine(f, int(p.Block.Open), anchor.Start()) && !startsLine(f, anchor.Start()) {
			// anchor shares its line with the block opener before it
			// ("location / { proxy_pass ...;"): one level deeper than that line
			ind += IndentUnit(f)
		}
		return Edit{File: f, Start: at, End: at, New: newLines(eolAt(f, anchor.Start()), ind, lines)}
	}
	return Edit{File: f, Start: int(anchor.End), End: int(anchor.End), New: " " + strings.Join(lines, " ")}
}

func startsLine(f *parser.File, off int) bool {
	return strings.TrimSpace(string(f.Src[f.LineStart(off):off])) == "" || (f.BOM && f.LineStart(off) == 0 && off == 3)
}

// InsertFirst adds directives at the start of a block directive's body: on
// new lines indented like the body's first directive (or one unit deeper
// than the block), after any comment on the line of the '{'; or right
// after the '{' when the body starts on that line.
func InsertFirst(d *parser.Directive, lines []string) Edit {
	f := d.File
	open := int(d.Block.Open) + 1
	if restOfLineIsEmpty(f, open) && !sameLine(f, int(d.Block.Open), int(d.Block.Close)) {
		at := lineEnd(f, open)
		ind := f.Indent(d.Start()) + IndentUnit(f)
		if len(d.Block.Directives) > 0 && startsLine(f, d.Block.Directives[0].Start()) {
			ind = f.Indent(d.Block.Directives[0].Start())
		}
		return Edit{File: f, Start: at, End: at, New: newLines(eolAt(f, int(d.Block.Open)), ind, lines)}
	}
	return Edit{File: f, Start: open, End: open, New: " " + strings.Join(lines, " ")}
}

// insertFirstBlock is InsertFirst for a block (a map): on its own lines it
// is followed by a blank line unless one follows already or the body ends.
func InsertFirstBlock(d *parser.Directive, lines []string) Edit {
	e := InsertFirst(d, lines)
	eol := eolAt(d.File, int(d.Block.Open))
	if !strings.HasPrefix(e.New, eol) {
		return e
	}
	rest := d.File.Src[e.End:]
	rest = rest[min(len(rest), len(eol)):] // the next line
	next := string(rest[:lineEnd(&parser.File{Src: rest}, 0)])
	if t := strings.TrimSpace(next); t != "" && !strings.HasPrefix(t, "}") {
		e.New += eol
	}
	return e
}

// insertAtTop adds a block of lines at the top of a file written for the
// http level, followed by a blank line: before its first directive and
// the comments right above it (a file's header comment, separated by a
// blank line, stays first). It returns false for a file with no directive.
func InsertAtTop(f *parser.File, lines []string) (Edit, bool) {
	if len(f.Top) == 0 {
		return Edit{}, false
	}
	first := f.Top[0]
	at := f.LineStart(first.Start())
	if lc := first.LeadingComments(); len(lc) > 0 {
		at = f.LineStart(lc[0].Start)
	}
	if f.BOM && at < 3 {
		at = 3
	}
	eol := eolAt(f, first.Start())
	ind := f.Indent(first.Start())
	var sb strings.Builder
	for _, l := range lines {
		if l != "" {
			sb.WriteString(ind + l)
		}
		sb.WriteString(eol)
	}
	sb.WriteString(eol)
	return Edit{File: f, Start: at, End: at, New: sb.String()}, true
}

// sameLine reports whether offsets a <= b are on one line, from the
// file's index of lines (not by reading the bytes between them: a block's
// open and close may be a whole file apart).
func sameLine(f *parser.File, a, b int) bool {
	return f.LineNumber(a) == f.LineNumber(b)
}

// InsertInLevel adds directives to a level: after the last directive in
// prefer (by name) written directly at that level, else after its handler
// (proxy_pass...), else at the start of its body. For a snippet linted as a
// location, after its last top-level directive. It returns false when the
// level has no place in the source to write to.
func InsertInLevel(b *model.Block, prefer []string, lines []string) (Edit, bool) {
	var anchor *parser.Directive
	for _, e := range b.Directives {
		for _, n := range prefer {
			if e.D.Name == n {
				anchor = e.At() // an include that brings it in counts as written here
			}
		}
	}
	if anchor == nil {
		for _, e := range b.Directives {
			if e.Via == nil && isHandler(e.D.Name) {
				anchor = e.D
			}
		}
	}
	if anchor != nil {
		return InsertAfter(anchor, lines), true
	}
	if b.Dir != nil && b.Dir.Block != nil {
		return InsertFirst(b.Dir, lines), true
	}
	if b.Synthetic {
		var last *parser.Directive
		for _, e := range b.Directives {
			if e.Via == nil {
				last = e.D
			}
		}
		if last != nil {
			return InsertAfter(last, lines), true
		}
	}
	return Edit{}, false
}

func isHandler(name string) bool {
	for _, h := range model.Handlers {
		if h == name {
			return true
		}
	}
	return false
}

// DeleteDirective removes a directive and, when it stands alone on its
// line(s) (a comment after it included: it was about the directive), the
// whole line with its ending.
func DeleteDirective(d *parser.Directive) Edit {
	f := d.File
	start, end := d.Start(), int(d.End)
	ls := f.LineStart(start)
	if startsLine(f, start) && restOfLineIsEmpty(f, end) {
		if f.BOM && ls == 0 {
			ls = 3
		}
		end = lineEnd(f, end)
		if end < len(f.Src) && f.Src[end] == '\r' {
			end++
		}
		if end < len(f.Src) && f.Src[end] == '\n' {
			end++
		}
		return Edit{File: f, Start: ls, End: end}
	}
	// not alone on its line: remove it with the blanks that separate it
	// from what follows when it starts the line (the line keeps its
	// indentation), else with the blanks before it
	if startsLine(f, start) {
		for end < len(f.Src) && (f.Src[end] == ' ' || f.Src[end] == '\t') {
			end++
		}
		return Edit{File: f, Start: start, End: end}
	}
	for start > ls && (f.Src[start-1] == ' ' || f.Src[start-1] == '\t') {
		start--
	}
	return Edit{File: f, Start: start, End: end}
}
