// Package lsp is ngxlint's Language Server: the protocol over a byte
// stream (JSON-RPC 2.0 with Content-Length framing), the open documents,
// debounced linting, and the conversion of byte spans to LSP positions.
// What a finding is and how a document is linted is the Linter's business:
// the command (cmd/ngxlint) supplies it.
package lsp

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"
)

// Severity is a diagnostic's severity as LSP numbers it.
type Severity int

// LSP severities.
const (
	SeverityError       Severity = 1
	SeverityWarning     Severity = 2
	SeverityInformation Severity = 3
	SeverityHint        Severity = 4
)

// Document is what the server asks the Linter to lint: the text of an
// open document, possibly unsaved.
type Document struct {
	URI  string
	Path string // the absolute file path; "" when the URI names no file
	Text []byte
	// Root is the directory of the client's workspace ("" when it named
	// none): where paths in messages are shown relative to.
	Root string
}

// Diagnostic is one finding in a document, at byte offsets of the text
// linted.
type Diagnostic struct {
	Start, End int
	Severity   Severity
	Code       string // the rule id
	Href       string // the rule's documentation
	Message    string
	Fixes      []Fix
}

// Fix is one repair of a finding, offered as a quick fix.
type Fix struct {
	Title string
	Edits []Edit
}

// Edit replaces the bytes Start:End of a file. Path "" is the document
// linted; an edit of another file carries that file's text (Src) the
// offsets index.
type Edit struct {
	Path       string
	Src        []byte
	Start, End int
	New        string
}

// Linter lints documents and documents its rules. Lint is called from one
// goroutine at a time.
type Linter interface {
	Lint(doc Document) []Diagnostic
	// Explain returns the documentation of the rule with the id code,
	// shown on hover over its findings: Markdown or plain text.
	Explain(code string, markdown bool) string
}

// Server is a Language Server for one client on one stream.
type Server struct {
	Linter Linter
	// Debounce is how long after the last change a document is linted.
	Debounce time.Duration
	// Log receives the server's own troubles (standard error).
	Log     io.Writer
	Name    string
	Version string
	// MaxMessage is the largest message read; larger ones are skipped with
	// an error (zero: 64 MiB).
	MaxMessage int64

	out         *writer
	mu          sync.Mutex // guards the fields below
	docs        map[string]*document
	pending     map[string]bool
	initialized bool
	shutdown    bool
	root        string
	markdown    bool
	literals    bool
	wake        chan struct{}
	done        chan struct{}
	pubMu       sync.Mutex // orders publications of one document
}

type document struct {
	uri     string
	path    string
	text    []byte
	version int // the client's
	gen     int // ours: counts every change of text
	timer   *time.Timer
	linted  *linted // the last result, nil before the first
}

// linted is one lint of one version of a document.
type linted struct {
	gen   int
	text  []byte
	index *lineIndex
	diags []Diagnostic
	lsp   []lspDiagnostic
}

// Serve answers the client on in and out until it sends exit or closes
// the stream, and returns the exit code: 0 after shutdown, 1 otherwise
// (as the protocol specifies).
func (s *Server) Serve(in io.Reader, out io.Writer) int {
	s.out = &writer{w: out}
	s.docs = map[string]*document{}
	s.pending = map[string]bool{}
	s.wake = make(chan struct{}, 1)
	s.done = make(chan struct{})
	max := s.MaxMessage
	if max <= 0 {
		max = 64 << 20
	}
	var worker sync.WaitGroup
	worker.Add(1)
	go func() {
		defer worker.Done()
		s.work()
	}()
	defer func() {
		s.mu.Lock()
		for _, d := range s.docs {
			if d.timer != nil {
				d.timer.Stop()
			}
		}
		s.mu.Unlock()
		close(s.done)
		worker.Wait()
	}()
	rd := &reader{r: bufio.NewReaderSize(in, 64<<10), max: max}
	for {
		body, err := rd.next()
		var fe *errFraming
		if errors.As(err, &fe) {
			s.logf("skipped a message: %v", fe)
			_ = s.out.replyError(nil, &rpcError{Code: codeParseError, Message: fe.msg})
			continue
		}
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				s.logf("reading the client's messages: %v", err)
			}
			return s.exitCode()
		}
		if exit := s.handle(body); exit {
			return s.exitCode()
		}
	}
}

func (s *Server) exitCode() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutdown {
		return 0
	}
	return 1
}

func (s *Server) logf(format string, args ...any) {
	if s.Log != nil {
		fmt.Fprintf(s.Log, "ngxlint lsp: "+format+"\n", args...)
	}
}

// handle answers one message; it returns true on exit. A panic in a
// handler is answered as an internal error and the server goes on.
func (s *Server) handle(body []byte) (exit bool) {
	var m inMessage
	if err := json.Unmarshal(body, &m); err != nil {
		_ = s.out.replyError(nil, &rpcError{Code: codeParseError, Message: "not a JSON-RPC message: " + err.Error()})
		return false
	}
	if m.Method == "" {
		if !m.hasID() {
			_ = s.out.replyError(nil, &rpcError{Code: codeInvalidRequest, Message: "a message without a method"})
		}
		return false // a response to a request of ours: we send none
	}
	if m.hasID() && !m.validID() {
		_ = s.out.replyError(nil, &rpcError{Code: codeInvalidRequest, Message: "the id must be a number or a string"})
		return false
	}
	defer func() {
		if x := recover(); x != nil {
			s.logf("internal error in %s (a bug in ngxlint; please report it): %v\n%s", m.Method, x, debug.Stack())
			if m.hasID() {
				_ = s.out.replyError(m.ID, &rpcError{Code: codeInternalError, Message: fmt.Sprintf("internal error in ngxlint: %v", x)})
			}
		}
	}()
	if !m.hasID() {
		return s.notification(m.Method, m.Params)
	}
	result, rerr := s.request(m.Method, m.Params)
	if rerr != nil {
		_ = s.out.replyError(m.ID, rerr)
		return false
	}
	_ = s.out.reply(m.ID, result)
	return false
}

func decode(params json.RawMessage, v any) *rpcError {
	if len(params) == 0 {
		params = json.RawMessage("{}")
	}
	if err := json.Unmarshal(params, v); err != nil {
		return &rpcError{Code: codeInvalidParams, Message: "invalid params: " + err.Error()}
	}
	return nil
}

func (s *Server) request(method string, params json.RawMessage) (any, *rpcError) {
	s.mu.Lock()
	initialized, shutdown := s.initialized, s.shutdown
	s.mu.Unlock()
	switch {
	case method == "initialize":
		if initialized {
			return nil, &rpcError{Code: codeInvalidRequest, Message: "initialize was already received"}
		}
		var p initializeParams
		if err := decode(params, &p); err != nil {
			return nil, err
		}
		return s.initialize(&p), nil
	case !initialized:
		return nil, &rpcError{Code: codeServerNotInitialized, Message: "the server is not initialized"}
	case shutdown:
		return nil, &rpcError{Code: codeInvalidRequest, Message: "the server is shutting down"}
	}
	switch method {
	case "shutdown":
		s.mu.Lock()
		s.shutdown = true
		s.mu.Unlock()
		return nil, nil
	case "textDocument/hover":
		var p textDocumentPositionParams
		if err := decode(params, &p); err != nil {
			return nil, err
		}
		return s.hover(&p), nil
	case "textDocument/codeAction":
		var p codeActionParams
		if err := decode(params, &p); err != nil {
			return nil, err
		}
		return s.codeActions(&p), nil
	}
	return nil, &rpcError{Code: codeMethodNotFound, Message: "method not supported: " + method}
}

func (s *Server) notification(method string, params json.RawMessage) (exit bool) {
	if method == "exit" {
		return true
	}
	s.mu.Lock()
	ready := s.initialized && !s.shutdown
	s.mu.Unlock()
	if !ready {
		return false // notifications before initialize are dropped
	}
	var bad *rpcError
	switch method {
	case "textDocument/didOpen":
		var p didOpenParams
		if bad = decode(params, &p); bad == nil {
			s.open(&p)
		}
	case "textDocument/didChange":
		var p didChangeParams
		if bad = decode(params, &p); bad == nil {
			s.change(&p)
		}
	case "textDocument/didSave":
		var p didSaveParams
		if bad = decode(params, &p); bad == nil {
			s.save(&p)
		}
	case "textDocument/didClose":
		var p didCloseParams
		if bad = decode(params, &p); bad == nil {
			s.close(p.TextDocument.URI)
		}
	case "workspace/didChangeWatchedFiles", "workspace/didChangeConfiguration":
		s.relintAll(s.Debounce)
	}
	if bad != nil {
		s.logf("%s: %s", method, bad.Message)
		_ = s.out.notify("window/logMessage", logMessageParams{Type: 1, Message: "ngxlint: " + method + ": " + bad.Message})
	}
	return false
}

func (s *Server) initialize(p *initializeParams) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initialized = true
	switch {
	case len(p.WorkspaceFolders) > 0:
		s.root = uriPath(p.WorkspaceFolders[0].URI)
	case p.RootURI != "":
		s.root = uriPath(p.RootURI)
	case p.RootPath != "":
		s.root = p.RootPath
	}
	for _, f := range p.Capabilities.TextDocument.Hover.ContentFormat {
		if f == "markdown" {
			s.markdown = true
			break
		}
		if f == "plaintext" {
			break
		}
	}
	lit := p.Capabilities.TextDocument.CodeAction.CodeActionLiteralSupport
	s.literals = len(lit) > 0 && string(lit) != "null"
	return map[string]any{
		"capabilities": map[string]any{
			"textDocumentSync": map[string]any{
				"openClose": true,
				"change":    2, // incremental
				"save":      map[string]any{"includeText": true},
			},
			"hoverProvider":      true,
			"codeActionProvider": map[string]any{"codeActionKinds": []string{"quickfix"}},
		},
		"serverInfo": map[string]any{"name": s.Name, "version": s.Version},
	}
}

func (s *Server) open(p *didOpenParams) {
	s.mu.Lock()
	defer s.mu.Unlock()
	td := p.TextDocument
	d := s.docs[td.URI]
	if d == nil {
		d = &document{uri: td.URI, path: uriPath(td.URI)}
		s.docs[td.URI] = d
	}
	d.text, d.version = []byte(td.Text), td.Version
	d.gen++
	s.scheduleLocked(d, 0)
}

func (s *Server) change(p *didChangeParams) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.docs[p.TextDocument.URI]
	if d == nil {
		return
	}
	for _, c := range p.ContentChanges {
		if c.Range == nil {
			d.text = []byte(c.Text)
			continue
		}
		li := newLineIndex(d.text)
		start, end := li.offset(c.Range.Start), li.offset(c.Range.End)
		if end < start {
			start, end = end, start
		}
		text := make([]byte, 0, len(d.text)-(end-start)+len(c.Text))
		text = append(append(append(text, d.text[:start]...), c.Text...), d.text[end:]...)
		d.text = text
	}
	d.version = p.TextDocument.Version
	d.gen++
	s.scheduleLocked(d, s.Debounce)
}

// save lints the document now, and the other open documents after the
// debounce delay: they may include the file saved.
func (s *Server) save(p *didSaveParams) {
	s.mu.Lock()
	if d := s.docs[p.TextDocument.URI]; d != nil && p.Text != nil && string(d.text) != *p.Text {
		d.text = []byte(*p.Text)
		d.gen++
	}
	s.mu.Unlock()
	s.relintAll(s.Debounce)
	s.mu.Lock()
	if d := s.docs[p.TextDocument.URI]; d != nil {
		s.scheduleLocked(d, 0)
	}
	s.mu.Unlock()
}

func (s *Server) close(uri string) {
	s.mu.Lock()
	d := s.docs[uri]
	if d != nil && d.timer != nil {
		d.timer.Stop()
	}
	delete(s.docs, uri)
	delete(s.pending, uri)
	s.mu.Unlock()
	s.pubMu.Lock()
	defer s.pubMu.Unlock()
	_ = s.out.notify("textDocument/publishDiagnostics", publishDiagnosticsParams{URI: uri, Diagnostics: []lspDiagnostic{}})
}

func (s *Server) relintAll(delay time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.docs {
		s.scheduleLocked(d, delay)
	}
}

// scheduleLocked lints d after delay, replacing a lint already scheduled.
func (s *Server) scheduleLocked(d *document, delay time.Duration) {
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	uri := d.uri
	queue := func() {
		s.mu.Lock()
		if s.docs[uri] == d {
			s.pending[uri] = true
		}
		s.mu.Unlock()
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
	if delay <= 0 {
		s.pending[uri] = true
		select {
		case s.wake <- struct{}{}:
		default:
		}
		return
	}
	delete(s.pending, uri)
	d.timer = time.AfterFunc(delay, queue)
}

// work lints the documents queued, one at a time, until Serve returns.
func (s *Server) work() {
	for {
		select {
		case <-s.done:
			return
		case <-s.wake:
		}
		for {
			s.mu.Lock()
			var uris []string
			for u := range s.pending {
				uris = append(uris, u)
			}
			sort.Strings(uris)
			var d *document
			var doc Document
			var gen, version int
			if len(uris) > 0 {
				d = s.docs[uris[0]]
				delete(s.pending, uris[0])
				if d != nil {
					doc = Document{URI: d.uri, Path: d.path, Text: d.text, Root: s.root}
					gen, version = d.gen, d.version
				}
			}
			s.mu.Unlock()
			if len(uris) == 0 {
				break
			}
			if d == nil {
				continue
			}
			select {
			case <-s.done:
				return
			default:
			}
			s.lintOne(d, doc, gen, version)
		}
	}
}

func (s *Server) lintOne(d *document, doc Document, gen, version int) {
	var diags []Diagnostic
	func() {
		defer func() {
			if x := recover(); x != nil {
				s.logf("internal error linting %s (a bug in ngxlint; please report it): %v\n%s", doc.URI, x, debug.Stack())
				diags = []Diagnostic{{Severity: SeverityError, Message: fmt.Sprintf("ngxlint: internal error (a bug in ngxlint; please report it): %v", x)}}
			}
		}()
		diags = s.Linter.Lint(doc)
	}()
	res := &linted{gen: gen, text: doc.Text, index: newLineIndex(doc.Text), diags: diags}
	for i := range diags {
		res.lsp = append(res.lsp, toLSP(res.index, &diags[i]))
	}
	if res.lsp == nil {
		res.lsp = []lspDiagnostic{}
	}
	s.pubMu.Lock()
	defer s.pubMu.Unlock()
	s.mu.Lock()
	current := s.docs[doc.URI] == d && d.gen == gen
	if current {
		d.linted = res
	}
	s.mu.Unlock()
	if !current {
		return // changed or closed meanwhile: its next lint publishes
	}
	v := version
	_ = s.out.notify("textDocument/publishDiagnostics", publishDiagnosticsParams{URI: doc.URI, Version: &v, Diagnostics: res.lsp})
}

func toLSP(li *lineIndex, d *Diagnostic) lspDiagnostic {
	out := lspDiagnostic{Range: li.rangeOf(d.Start, d.End), Severity: int(d.Severity), Code: d.Code, Source: "ngxlint", Message: d.Message}
	if d.Href != "" {
		out.CodeDescription = &codeDescription{Href: d.Href}
	}
	return out
}

// result returns the last lint of the document at uri.
func (s *Server) result(uri string) (*linted, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.docs[uri]
	if d == nil || d.linted == nil {
		return nil, false
	}
	return d.linted, d.linted.gen == d.gen
}

// hover shows the documentation of the rules whose findings cover the
// position.
func (s *Server) hover(p *textDocumentPositionParams) any {
	res, _ := s.result(p.TextDocument.URI)
	if res == nil {
		return nil
	}
	off := res.index.offset(p.Position)
	s.mu.Lock()
	markdown := s.markdown
	s.mu.Unlock()
	var parts []string
	seen := map[string]bool{}
	var at *Range
	for i, d := range res.diags {
		if !covers(d.Start, d.End, off, off) || seen[d.Code] {
			continue
		}
		if d.Code == "" {
			continue
		}
		text := s.Linter.Explain(d.Code, markdown)
		if text == "" {
			continue
		}
		seen[d.Code] = true
		parts = append(parts, text)
		if at == nil {
			r := res.lsp[i].Range
			at = &r
		}
	}
	if len(parts) == 0 {
		return nil
	}
	kind, sep := "plaintext", "\n\n"
	if markdown {
		kind, sep = "markdown", "\n\n---\n\n"
	}
	return hover{Contents: markupContent{Kind: kind, Value: strings.Join(parts, sep)}, Range: at}
}

// covers reports whether the span start:end meets the range from:to; an
// empty span is met at its offset.
func covers(start, end, from, to int) bool {
	return start <= to && from <= end
}

// codeActions offers the fixes of the findings in the range, when the
// document has not changed since they were found.
func (s *Server) codeActions(p *codeActionParams) any {
	out := []codeAction{}
	if !wants(p.Context.Only, "quickfix") {
		return out
	}
	s.mu.Lock()
	literals := s.literals
	s.mu.Unlock()
	res, current := s.result(p.TextDocument.URI)
	if res == nil || !current || !literals {
		return out
	}
	from, to := res.index.offset(p.Range.Start), res.index.offset(p.Range.End)
	for i, d := range res.diags {
		if !covers(d.Start, d.End, from, to) {
			continue
		}
		for _, f := range d.Fixes {
			out = append(out, codeAction{
				Title: f.Title, Kind: "quickfix", Diagnostics: []lspDiagnostic{res.lsp[i]},
				IsPreferred: len(d.Fixes) == 1,
				Edit:        workspaceEdit{Changes: s.changes(p.TextDocument.URI, res.index, f.Edits)},
			})
		}
	}
	return out
}

// wants reports whether a code action kind is among those asked for (all
// when none are named); "quickfix" is asked for by "quickfix" and by its
// prefixes.
func wants(only []string, kind string) bool {
	if len(only) == 0 {
		return true
	}
	for _, k := range only {
		if k == kind || strings.HasPrefix(kind, k+".") {
			return true
		}
	}
	return false
}

func (s *Server) changes(uri string, li *lineIndex, edits []Edit) map[string][]textEdit {
	out := map[string][]textEdit{}
	others := map[string]*lineIndex{}
	for _, e := range edits {
		u, idx := uri, li
		if e.Path != "" {
			u = pathURI(e.Path)
			if idx = others[e.Path]; idx == nil {
				idx = newLineIndex(e.Src)
				others[e.Path] = idx
			}
		}
		out[u] = append(out[u], textEdit{Range: idx.rangeOf(e.Start, e.End), NewText: e.New})
	}
	return out
}

// uriPath returns the file path a file URI names, "" for other URIs.
func uriPath(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" || u.Path == "" {
		return ""
	}
	p := u.Path
	if runtime.GOOS == "windows" {
		p = strings.TrimPrefix(p, "/") // file:///C:/x
	}
	return filepath.FromSlash(p)
}

// pathURI returns the file URI of an absolute path.
func pathURI(p string) string {
	p = filepath.ToSlash(p)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}
