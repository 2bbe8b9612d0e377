package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

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
	paint := func(c, s string) string {
		if !color {
			return s
		}
		return c + s + colorReset
	}
	sb := bufio.NewWriterSize(w, 64<<10)
	for _, f := range fs {
		p := f.Pos()
		sevColor := sevColors[f.Severity]
		fmt.Fprintf(sb, "%s: %s: %s %s\n",
			paint(colorBold, fmt.Sprintf("%s:%d:%d", shownPath(f.Span.File.Path), p.Line, p.Column)),
			paint(sevColor, f.Severity.String()), shownText(f.Message),
			paint(colorDim, fmt.Sprintf("[%s %s]", f.Rule.ID, f.Rule.Name)))
		src, caret := snippet(f)
		if src != "" || p.Line > 0 {
			gutter := fmt.Sprintf("%d", p.Line)
			pad := strings.Repeat(" ", len(gutter))
			fmt.Fprintf(sb, " %s | %s\n", gutter, src)
			fmt.Fprintf(sb, " %s | %s\n", pad, paint(colorGreen, caret))
		}
	}
	return sb.Flush() // the first write error, if any
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
	out := struct {
		Findings []jsonFinding `json:"findings"`
	}{Findings: []jsonFinding{}}
	for _, f := range fs {
		p, end := f.Pos(), f.EndPos()
		out.Findings = append(out.Findings, jsonFinding{
			File: f.Span.File.Path, Line: p.Line, Column: p.Column, EndLine: end.Line, EndColumn: end.Column,
			Rule: f.Rule.ID, Name: f.Rule.Name, Severity: f.Severity.String(), Message: shownText(f.Message), Fixable: f.Fix != nil,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
