package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/rules"
)

// formatter writes findings in one output format.
type formatter interface {
	write(w io.Writer, fs []*rules.Finding, e *env) error
}

// formats holds the output formats by name; each format's file adds
// itself from init.
var formats = map[string]formatter{}

func init() {
	formats["text"] = textFormat{}
	formats["json"] = jsonFormat{}
}

func formatNames() []string {
	var out []string
	for n := range formats {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func formatByName(name string) (formatter, error) {
	f, ok := formats[name]
	if !ok {
		return nil, &usageError{msg: fmt.Sprintf("unknown format %q: use one of %s", name, strings.Join(formatNames(), ", "))}
	}
	return f, nil
}

// textFormat prints `file:line:col: severity: message [ID name]`, then the
// source line and a caret under the span, like actionlint and gcc.
type textFormat struct{}

const (
	colorReset = "\x1b[0m"
	colorBold  = "\x1b[1m"
	colorRed   = "\x1b[31m"
	colorYel   = "\x1b[33m"
	colorCyan  = "\x1b[36m"
	colorGreen = "\x1b[32m"
	colorDim   = "\x1b[2m"
)

var sevColors = map[rules.Severity]string{rules.Error: colorRed, rules.Warning: colorYel, rules.Info: colorCyan}

func (textFormat) write(w io.Writer, fs []*rules.Finding, e *env) error {
	color := e.isTTY && e.getenv("NO_COLOR") == ""
	// Each finding is appended to one buffer, written out in chunks: no
	// fmt and no strings per finding on the common path (printable ASCII
	// messages and source lines), which matters with tens of thousands.
	t := textWriter{w: w, color: color, buf: make([]byte, 0, 64<<10)}
	for _, f := range fs {
		if err := t.finding(f); err != nil {
			return err
		}
	}
	return t.flush()
}

// textWriter appends the text format of findings to buf and writes it to
// w whenever it grows past its chunk size.
type textWriter struct {
	w     io.Writer
	color bool
	buf   []byte
	// the shown form of the last file's path: findings come sorted by file
	file   *parser.File
	path   string
	digits int // of the line number in the gutter being written
}

func (t *textWriter) flush() error {
	if len(t.buf) == 0 {
		return nil
	}
	_, err := t.w.Write(t.buf)
	t.buf = t.buf[:0]
	return err
}

// paint appends s, in color c when colors are on.
func (t *textWriter) paint(c, s string) {
	if t.color {
		t.buf = append(t.buf, c...)
	}
	t.buf = append(t.buf, s...)
	if t.color {
		t.buf = append(t.buf, colorReset...)
	}
}

// finding appends `file:line:col: severity: message [ID name]`, the source
// line and the caret line.
func (t *textWriter) finding(f *rules.Finding) error {
	p := f.Pos()
	if f.Span.File != t.file {
		t.file, t.path = f.Span.File, shownPath(f.Span.File.Path)
	}
	if t.color {
		t.buf = append(t.buf, colorBold...)
	}
	t.buf = append(t.buf, t.path...)
	t.buf = append(t.buf, ':')
	t.buf = strconv.AppendInt(t.buf, int64(p.Line), 10)
	t.buf = append(t.buf, ':')
	t.buf = strconv.AppendInt(t.buf, int64(p.Column), 10)
	if t.color {
		t.buf = append(t.buf, colorReset...)
	}
	t.buf = append(t.buf, ": "...)
	t.paint(sevColors[f.Severity], f.Severity.String())
	t.buf = append(t.buf, ": "...)
	t.buf = append(t.buf, shownText(f.Message)...)
	t.buf = append(t.buf, ' ')
	if t.color {
		t.buf = append(t.buf, colorDim...)
	}
	t.buf = append(t.buf, '[')
	t.buf = append(t.buf, f.Rule.ID...)
	t.buf = append(t.buf, ' ')
	t.buf = append(t.buf, f.Rule.Name...)
	t.buf = append(t.buf, ']')
	if t.color {
		t.buf = append(t.buf, colorReset...)
	}
	t.buf = append(t.buf, '\n')
	t.snippet(f, p)
	if len(t.buf) >= cap(t.buf)-cap(t.buf)/4 {
		return t.flush()
	}
	return nil
}

// snippet appends the source line and the caret line under it, as
// snippet and shownLine make them.
func (t *textWriter) snippet(f *rules.Finding, p parser.Position) {
	line, col, width, ok := plainSnippet(f, p)
	if !ok {
		src, caret := snippet(f)
		if src == "" && p.Line <= 0 {
			return
		}
		t.gutter(p.Line)
		t.buf = append(t.buf, src...)
		t.caretStart()
		t.paint(colorGreen, caret)
		t.buf = append(t.buf, '\n')
		return
	}
	if len(line) == 0 && p.Line <= 0 {
		return
	}
	t.gutter(p.Line)
	t.buf = append(t.buf, line...)
	t.caretStart()
	if t.color {
		t.buf = append(t.buf, colorGreen...)
	}
	// shownLine on a short line of printable ASCII and tabs: the line as
	// it is, and under it blanks (tabs under tabs) up to the mark, then
	// ^ and ~ under at most the rest of the line
	start := min(col-1, len(line))
	for i := 0; i < start; i++ {
		if line[i] == '\t' {
			t.buf = append(t.buf, '\t')
		} else {
			t.buf = append(t.buf, ' ')
		}
	}
	t.buf = append(t.buf, '^')
	for i := start + 1; i < min(start+max(width, 1), len(line)); i++ {
		t.buf = append(t.buf, '~')
	}
	if t.color {
		t.buf = append(t.buf, colorReset...)
	}
	t.buf = append(t.buf, '\n')
}

// gutter appends " N | ", what starts the source line; it remembers how
// many digits N has for caretStart.
func (t *textWriter) gutter(n int) {
	t.buf = append(t.buf, ' ')
	at := len(t.buf)
	t.buf = strconv.AppendInt(t.buf, int64(n), 10)
	t.digits = len(t.buf) - at
	t.buf = append(t.buf, " | "...)
}

// caretStart ends the source line and starts the caret line: " ", as many
// blanks as the line number has digits, and " | ".
func (t *textWriter) caretStart() {
	t.buf = append(t.buf, "\n "...)
	for range t.digits {
		t.buf = append(t.buf, ' ')
	}
	t.buf = append(t.buf, " | "...)
}

// plainSnippet returns the finding's first source line, the column its
// span starts at and the width snippet gives it, when the line is what
// shownLine shows unchanged: printable ASCII and tabs, no longer than
// maxSnippetWidth, not the first line of a file with a byte-order mark.
// The line is a view of the file's bytes, not a copy.
func plainSnippet(f *rules.Finding, p parser.Position) ([]byte, int, int, bool) {
	file := f.Span.File
	src := file.Src
	off := min(f.Span.Start, len(src))
	if off < 0 {
		return nil, 0, 0, false
	}
	ls := file.LineStart(off)
	if ls == 0 && file.BOM {
		return nil, 0, 0, false
	}
	le := len(src)
	if i := bytes.IndexByte(src[ls:], '\n'); i >= 0 {
		le = ls + i
	}
	if le > ls && src[le-1] == '\r' {
		le--
	}
	if le-ls > maxSnippetWidth {
		return nil, 0, 0, false
	}
	line := src[ls:le]
	for _, c := range line {
		if (c < ' ' || c >= 0x7f) && c != '\t' {
			return nil, 0, 0, false
		}
	}
	end := f.EndPos()
	width := 1
	if end.Line == p.Line && end.Column > p.Column {
		width = end.Column - p.Column
	} else if end.Line > p.Line {
		width = len(line) - p.Column + 1
	}
	return line, p.Column, width, true
}

// snippet returns the finding's first source line and a caret line that
// underlines the span on it, copying tabs so the caret lines up; the line
// is shown as shownLine shows it: escaped, and cut around the span.
func snippet(f *rules.Finding) (string, string) {
	file := f.Span.File
	p := f.Pos()
	line := file.Line(p.Line)
	end := f.EndPos()
	width := 1
	if end.Line == p.Line && end.Column > p.Column {
		width = end.Column - p.Column
	} else if end.Line > p.Line {
		width = utf8.RuneCountInString(line) - p.Column + 1
	}
	return shownLine(line, p.Column, width)
}

// jsonFormat prints {"findings": [...]}.
type jsonFormat struct{}

type jsonFinding struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	Rule      string `json:"rule"`
	Name      string `json:"name"`
	Severity  string `json:"severity"`
	Message   string `json:"message"`
	Fixable   bool   `json:"fixable"`
}

func (jsonFormat) write(w io.Writer, fs []*rules.Finding, _ *env) error {
	// what json.Encoder (indented by two blanks) writes for the whole
	// list, written one finding at a time: the output is never held whole
	if len(fs) == 0 {
		_, err := io.WriteString(w, "{\n  \"findings\": []\n}\n")
		return err
	}
	out := newChunkWriter(w)
	var one bytes.Buffer // a finding's part of the output
	one.WriteString("{\n  \"findings\": [")
	enc := json.NewEncoder(&one)
	enc.SetIndent("    ", "  ") // an element of the list, two levels in
	for i, f := range fs {
		if i > 0 {
			one.WriteByte(',')
		}
		one.WriteString("\n    ")
		p, end := f.Pos(), f.EndPos()
		if err := enc.Encode(jsonFinding{
			File: f.Span.File.Path, Line: p.Line, Column: p.Column, EndLine: end.Line, EndColumn: end.Column,
			Rule: f.Rule.ID, Name: f.Rule.Name, Severity: f.Severity.String(), Message: shownText(f.Message), Fixable: f.Fix != nil,
		}); err != nil {
			return err
		}
		one.Truncate(one.Len() - 1) // the newline Encode ends with
		if _, err := out.Write(one.Bytes()); err != nil {
			return err // the writer's error, returned by every write after it
		}
		one.Reset()
	}
	if _, err := out.WriteString("\n  ]\n}\n"); err != nil {
		return err
	}
	return out.Flush()
}

// outChunk is the size of the chunks the machine formats write their
// output in: a format holds at most this much of it, never all of it.
const outChunk = 64 << 10

// newChunkWriter buffers w in chunks of outChunk. Once a write to w fails,
// every later write returns that error and writes nothing, and Flush
// returns it.
func newChunkWriter(w io.Writer) *bufio.Writer { return bufio.NewWriterSize(w, outChunk) }
