package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ngxlint/ngxlint/cmd/ngxlint/internal/lsp"
	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { registerCommand(45, "lsp", (*env).lspCommand) }

// lspFlags are lint's flags less those about output: the language server
// reports in the editor.
func lspFlags() []cli.Flag {
	var out []cli.Flag
	for _, f := range commonFlags() {
		switch flagNames(f)[0] {
		case "format", "fail-level":
			continue
		}
		out = append(out, f)
	}
	return append(out, &cli.DurationFlag{Name: "debounce", Value: 200 * time.Millisecond, Usage: "lint a document this long after its last change"})
}

func (e *env) lspCommand() *cli.Command {
	return &cli.Command{
		Name:  "lsp",
		Usage: "run a Language Server on standard input and output: findings as diagnostics, fixes as quick fixes, rule documentation on hover",
		Description: "Editors start it and speak the Language Server Protocol with it. Each open document is linted as lint lints its file, " +
			"with the editor's unsaved text: includes are read from disk under the same roots and limits, and the .ngxlint.yml found upward " +
			"from the document's directory applies (or --config). Exit codes: 0 after the client's shutdown and exit, 1 when the client exits " +
			"or goes away without shutdown (as the protocol specifies), 2 usage error.",
		Flags: lspFlags(),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return &usageError{msg: "lsp takes no arguments: the editor sends the documents"}
			}
			if c.Duration("debounce") < 0 {
				return &usageError{msg: "--debounce must not be negative"}
			}
			maxFile := parser.DefaultLimits.MaxFileSize
			if c.IsSet("max-file-size") {
				if n, err := parser.ParseSize(c.String("max-file-size")); err == nil && n > maxFile {
					maxFile = n
				}
			}
			srv := &lsp.Server{
				Linter:   &lspLinter{e: e, c: c},
				Debounce: c.Duration("debounce"),
				Log:      e.stderr,
				Name:     "ngxlint",
				Version:  version(),
				// a document's text, JSON-escaped, and the message around it
				MaxMessage: 8*maxFile + 1<<20,
			}
			return exitCode(srv.Serve(e.stdin, e.stdout))
		},
	}
}

// lspLinter lints an editor's document the way lint lints its file.
type lspLinter struct {
	e *env
	c *cli.Context
}

func (l *lspLinter) Lint(doc lsp.Document) []lsp.Diagnostic {
	fs, err := l.findings(doc)
	if err != nil {
		// the whole document: a broken .ngxlint.yml, a file over the limits
		return []lsp.Diagnostic{{Severity: lsp.SeverityError, Message: "ngxlint: " + shownText(err.Error())}}
	}
	out := make([]lsp.Diagnostic, 0, len(fs))
	for _, f := range fs {
		out = append(out, l.diagnostic(f))
	}
	return out
}

// findings lints the document and returns the findings in it.
func (l *lspLinter) findings(doc lsp.Document) ([]*rules.Finding, error) {
	e := *l.e
	e.stdin = bytes.NewReader(nil) // standard input is the protocol's
	switch {
	case doc.Path != "":
		e.configFrom = filepath.Dir(doc.Path)
	case doc.Root != "":
		e.configFrom = doc.Root
	}
	s, err := e.settings(l.c)
	if err != nil {
		return nil, err
	}
	if doc.Root != "" {
		s.load.Cwd = doc.Root // paths in messages, relative to the workspace
	}
	path := doc.Path
	if path == "" {
		path = "-" // an unsaved buffer with no file: linted like standard input
		s.load.Stdin = bytes.NewReader(doc.Text)
	} else {
		s.load.Overlay = map[string][]byte{path: doc.Text}
	}
	all, err := e.lintPaths(s, []string{path})
	if err != nil {
		return nil, err
	}
	mine := map[*parser.File]bool{}
	var out []*rules.Finding
	for _, f := range all {
		file := f.Span.File
		in, known := mine[file]
		if !known {
			if doc.Path == "" {
				in = file.Abs == "" && file.Path == "<stdin>"
			} else {
				in = file.Abs != "" && sameFile(file.Abs, doc.Path)
			}
			mine[file] = in
		}
		if in {
			out = append(out, f)
		}
	}
	return out, nil
}

func sameFile(a, b string) bool {
	if a == b {
		return true
	}
	ra, err1 := filepath.EvalSymlinks(a)
	rb, err2 := filepath.EvalSymlinks(b)
	return err1 == nil && err2 == nil && ra == rb
}

// Explain documents a rule for hover: ngxlint explain's text.
func (l *lspLinter) Explain(id string, markdown bool) string {
	r, ok := rules.Lookup(id)
	if !ok {
		return ""
	}
	if markdown {
		return explainMarkdown(r.Meta())
	}
	return Explain(r.Meta())
}

func (l *lspLinter) diagnostic(f *rules.Finding) lsp.Diagnostic {
	sev := lsp.SeverityInformation
	switch f.Severity {
	case rules.Error:
		sev = lsp.SeverityError
	case rules.Warning:
		sev = lsp.SeverityWarning
	}
	d := lsp.Diagnostic{
		Start: f.Span.Start, End: f.Span.End, Severity: sev,
		Code: f.Rule.ID, Href: ruleHelpURI(f.Rule, version()),
		Message: f.Message,
	}
	if f.Fix != nil && len(f.Fix.Edits) > 0 {
		fix := lsp.Fix{Title: fmt.Sprintf("%s (%s)", f.Fix.Message, f.Rule.ID)}
		for _, ed := range f.Fix.Edits {
			le := lsp.Edit{Start: ed.Start, End: ed.End, New: ed.New}
			if ed.File != f.Span.File {
				if ed.File.Abs == "" {
					fix.Edits = nil // a file with no path on disk: not offered
					break
				}
				le.Path, le.Src = ed.File.Abs, ed.File.Src
			}
			fix.Edits = append(fix.Edits, le)
		}
		if len(fix.Edits) > 0 {
			d.Fixes = []lsp.Fix{fix}
		}
	}
	return d
}
