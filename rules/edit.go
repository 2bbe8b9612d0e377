package rules

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
)

// ReplaceWord replaces one word's value, keeping its quoting style: a
// quoted word stays quoted with the same quote; an unquoted word is quoted
// only when the new value needs it.
func ReplaceWord(d *parser.Directive, w parser.Word, value string) Edit {
	var text string
	switch w.Quote {
	case '"':
		text = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(value) + `"`
	case '\'':
		text = `'` + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(value) + `'`
	default:
		text = parser.Quote(value)
	}
	return Edit{File: d.File, Start: w.Start, End: w.End, New: text}
}

// lineEnd returns the offset of the line ending ('\r' or '\n') after off.
func lineEnd(f *parser.File, off int) int {
	for off < len(f.Src) && f.Src[off] != '\n' {
		off++
	}
	if off > 0 && f.Src[off-1] == '\r' {
		return off - 1
	}
	return off
}

// restOfLineIsEmpty reports whether only white space or a comment follows off on its line.
func restOfLineIsEmpty(f *parser.File, off int) bool {
	rest := strings.TrimSpace(string(f.Src[off:lineEnd(f, off)]))
	return rest == "" || strings.HasPrefix(rest, "#")
}

// indentUnit guesses one level of indentation from the file: a tab if
// indented lines start with tabs, else the smallest space indentation seen,
// else four spaces.
func indentUnit(f *parser.File) string {
	best := ""
	for _, line := range strings.Split(string(f.Src), "\n") {
		trimmed := strings.TrimLeft(line, " \t")
		if trimmed == "" || len(trimmed) == len(line) {
			continue
		}
		ind := line[:len(line)-len(trimmed)]
		if strings.HasPrefix(ind, "\t") {
			return "\t"
		}
		if best == "" || len(ind) < len(best) {
			best = ind
		}
	}
	if best == "" {
		return "    "
	}
	return best
}

// InsertAfter adds directives right after anchor, written the way anchor
// is: on new lines with its indentation and the file's line ending, after
// any comment that ends anchor's line; or on the same line when anchor
// shares its line with what follows.
func InsertAfter(anchor *parser.Directive, lines []string) Edit {
	f := anchor.File
	if restOfLineIsEmpty(f, anchor.End) {
		at := lineEnd(f, anchor.End)
		ind := f.Indent(anchor.Start())
		if !startsLine(f, anchor.Start()) {
			// anchor shares its line with something before it: indent one
			// level deeper than that line's block opener would be awkward to
			// guess, so use the line's own indentation plus one unit.
			ind += indentUnit(f)
		}
		var sb strings.Builder
		for _, l := range lines {
			sb.WriteString(f.EOL() + ind + l)
		}
		return Edit{File: f, Start: at, End: at, New: sb.String()}
	}
	return Edit{File: f, Start: anchor.End, End: anchor.End, New: " " + strings.Join(lines, " ")}
}

func startsLine(f *parser.File, off int) bool {
	return strings.TrimSpace(string(f.Src[f.LineStart(off):off])) == "" || (f.BOM && f.LineStart(off) == 0 && off == 3)
}

// InsertFirst adds directives at the start of a block directive's body.
func InsertFirst(d *parser.Directive, lines []string) Edit {
	f := d.File
	open := d.Block.Open + 1
	if restOfLineIsEmpty(f, open) && !sameLine(f, d.Block.Open, d.Block.Close) {
		at := lineEnd(f, open)
		ind := f.Indent(d.Start()) + indentUnit(f)
		if len(d.Block.Directives) > 0 && startsLine(f, d.Block.Directives[0].Start()) {
			ind = f.Indent(d.Block.Directives[0].Start())
		}
		var sb strings.Builder
		for _, l := range lines {
			sb.WriteString(f.EOL() + ind + l)
		}
		return Edit{File: f, Start: at, End: at, New: sb.String()}
	}
	return Edit{File: f, Start: open, End: open, New: " " + strings.Join(lines, " ")}
}

func sameLine(f *parser.File, a, b int) bool {
	return !strings.Contains(string(f.Src[a:b]), "\n")
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
// line(s), the whole line with its ending.
func DeleteDirective(d *parser.Directive) Edit {
	f := d.File
	start, end := d.Start(), d.End
	ls := f.LineStart(start)
	if strings.TrimSpace(string(f.Src[ls:start])) == "" && restOfLineIsEmpty(f, end) {
		le := lineEnd(f, end)
		if strings.TrimSpace(string(f.Src[end:le])) == "" {
			start = ls
			end = le
			if end < len(f.Src) && f.Src[end] == '\r' {
				end++
			}
			if end < len(f.Src) && f.Src[end] == '\n' {
				end++
			}
			return Edit{File: f, Start: start, End: end}
		}
	}
	// not alone on its line: remove it and the spaces before it
	for start > ls && (f.Src[start-1] == ' ' || f.Src[start-1] == '\t') {
		start--
	}
	return Edit{File: f, Start: start, End: end}
}
