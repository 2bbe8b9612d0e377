package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
)

// A baseline is a file of findings a team has accepted for now (lint
// --write-baseline FILE); lint --baseline FILE shows only the findings it
// does not hold. A finding is identified without its line: by its rule, its
// file (relative to the baseline's directory), the directive it is about
// (name and arguments, as nginx reads them) and the identity of the blocks
// around that directive (a server's names and listen addresses, a
// location's path, other blocks' names and arguments), so that lines
// inserted above it or elsewhere in its block do not bring it back. Entries
// are a multiset: two identical findings in one block need two entries. An
// entry that matches no finding any more is reported as NGX008, in the
// baseline file, so the file shrinks as findings are fixed.

// BaselineVersion is the format version written in the file.
const BaselineVersion = 1

// StaleBaselineID is the id of the finding for a baseline entry that
// matches nothing (ngx008_stale_baseline_entry.go).
const StaleBaselineID = "NGX008"

// BaselineEntry is one accepted finding.
type BaselineEntry struct {
	Rule      string `json:"rule"`
	File      string `json:"file"`
	Context   string `json:"context"`
	Directive string `json:"directive"`
	// start and end locate the entry in the file it was read from.
	start, end int
}

func (e BaselineEntry) key() string {
	return e.Rule + "\x00" + e.File + "\x00" + e.Context + "\x00" + e.Directive
}

func (e BaselineEntry) less(o BaselineEntry) bool {
	if e.File != o.File {
		return e.File < o.File
	}
	if e.Rule != o.Rule {
		return e.Rule < o.Rule
	}
	if e.Context != o.Context {
		return e.Context < o.Context
	}
	return e.Directive < o.Directive
}

// Baseline is a baseline file's entries and where they were read from.
type Baseline struct {
	// Dir is the directory entry paths are relative to: the baseline
	// file's own.
	Dir     string
	Entries []BaselineEntry
	// file holds the bytes read, for the positions of stale entries.
	file *parser.File
}

type baselineJSON struct {
	Version  int             `json:"version"`
	Findings json.RawMessage `json:"findings"`
}

// BaselineError is a baseline file that cannot be read or is malformed.
type BaselineError struct {
	Path string
	Line int
	Msg  string
}

func (e *BaselineError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("baseline %s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("baseline %s: %s", e.Path, e.Msg)
}

// maxBaselineSize bounds what is read of a baseline file.
const maxBaselineSize = 64 << 20

// ReadBaseline reads a baseline file. shown is its path as the user gave it.
func ReadBaseline(path, shown string) (*Baseline, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &BaselineError{Path: shown, Msg: unwrapPath(err).Error()}
	}
	defer func() { _ = f.Close() }()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return nil, &BaselineError{Path: shown, Msg: "not a regular file"}
	}
	src, err := io.ReadAll(io.LimitReader(f, maxBaselineSize+1))
	if err != nil {
		return nil, &BaselineError{Path: shown, Msg: err.Error()}
	}
	if len(src) > maxBaselineSize {
		return nil, &BaselineError{Path: shown, Msg: fmt.Sprintf("larger than %d MiB", maxBaselineSize>>20)}
	}
	abs, _ := filepath.Abs(path)
	pf := &parser.File{Path: shown, Abs: abs, Src: src}
	b := &Baseline{Dir: filepath.Dir(abs), file: pf}
	lineOf := func(off int) int { return pf.Position(off).Line }
	var top baselineJSON
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&top); err != nil {
		return nil, &BaselineError{Path: shown, Line: lineOf(int(dec.InputOffset())), Msg: "not a baseline file (" + err.Error() + "); write one with ngxlint lint --write-baseline FILE"}
	}
	if top.Version != BaselineVersion {
		return nil, &BaselineError{Path: shown, Msg: fmt.Sprintf("version %d; this ngxlint reads version %d", top.Version, BaselineVersion)}
	}
	base := bytes.Index(src, top.Findings)
	if base < 0 || len(top.Findings) == 0 {
		return b, nil
	}
	dec = json.NewDecoder(bytes.NewReader(top.Findings))
	dec.DisallowUnknownFields()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		if string(bytes.TrimSpace(top.Findings)) == "null" {
			return b, nil
		}
		return nil, &BaselineError{Path: shown, Line: lineOf(base), Msg: "findings must be a list"}
	}
	for dec.More() {
		start := int(dec.InputOffset())
		for start < len(top.Findings) && (top.Findings[start] == ',' || isJSONSpace(top.Findings[start])) {
			start++
		}
		var e BaselineEntry
		if err := dec.Decode(&e); err != nil {
			return nil, &BaselineError{Path: shown, Line: lineOf(base + start), Msg: err.Error()}
		}
		if e.Rule == "" || e.File == "" {
			return nil, &BaselineError{Path: shown, Line: lineOf(base + start), Msg: "an entry needs a rule and a file"}
		}
		e.start, e.end = base+start, base+int(dec.InputOffset())
		b.Entries = append(b.Entries, e)
	}
	return b, nil
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// NewBaseline makes the baseline of findings, with paths relative to dir
// (the directory the baseline file will be written in).
func NewBaseline(findings []*Finding, dir string) *Baseline {
	fp := newFingerprinter(dir)
	b := &Baseline{Dir: dir}
	for _, f := range findings {
		b.Entries = append(b.Entries, fp.entry(f))
	}
	sort.SliceStable(b.Entries, func(i, j int) bool { return b.Entries[i].less(b.Entries[j]) })
	return b
}

// Encode writes the baseline as JSON: sorted, one entry per line, so that
// a change to it reads well in a diff.
func (b *Baseline) Encode() []byte {
	var sb bytes.Buffer
	fmt.Fprintf(&sb, "{\n  \"version\": %d,\n  \"findings\": [", BaselineVersion)
	for i, e := range b.Entries {
		var line bytes.Buffer
		enc := json.NewEncoder(&line)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(e)
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString("\n    ")
		sb.Write(bytes.TrimRight(line.Bytes(), "\n"))
	}
	if len(b.Entries) > 0 {
		sb.WriteString("\n  ")
	}
	sb.WriteString("]\n}\n")
	return sb.Bytes()
}

// Apply removes the findings the baseline holds (each entry once) and adds
// an NGX008 finding, positioned in the baseline file, for each entry left
// over. The result is sorted.
func (b *Baseline) Apply(findings []*Finding, opts *Options) []*Finding {
	left := map[string][]int{} // key -> indexes of unmatched entries, in file order
	for i, e := range b.Entries {
		left[e.key()] = append(left[e.key()], i)
	}
	fp := newFingerprinter(b.Dir)
	var out []*Finding
	for _, f := range findings {
		k := fp.entry(f).key()
		if idx := left[k]; len(idx) > 0 {
			left[k] = idx[1:]
			continue
		}
		out = append(out, f)
	}
	var stale []int
	for _, idx := range left {
		stale = append(stale, idx...)
	}
	sort.Ints(stale)
	meta := staleBaselineMeta
	for _, i := range stale {
		e := b.Entries[i]
		sev := meta.Severity
		if s, ok := opts.SeverityOf(meta.ID, b.file); ok {
			if s == Off {
				continue
			}
			sev = s
		}
		where := e.File
		if e.Context != "" {
			where += ", " + e.Context
		}
		what := e.Directive
		if what == "" {
			what = "the file"
		}
		out = append(out, &Finding{Rule: meta, Severity: sev, Span: Span{File: b.file, Start: e.start, End: e.end},
			Message: fmt.Sprintf("baseline entry matches no finding any more: %s in %s (%s) was fixed or changed; remove the entry, or write the baseline again with ngxlint lint --write-baseline", e.Rule, where, what)})
	}
	SortFindings(out)
	return out
}

// fingerprinter identifies findings for baselines. It remembers the
// identity of each server block it has described, so that findings in a
// server with thousands of locations do not rescan it.
type fingerprinter struct {
	dir     string
	servers map[*parser.Directive]string
	paths   map[*parser.File]string
}

func newFingerprinter(dir string) *fingerprinter {
	return &fingerprinter{dir: realDir(dir), servers: map[*parser.Directive]string{}, paths: map[*parser.File]string{}}
}

// realDir resolves symbolic links in dir, so that paths relative to it do
// not depend on how it was reached.
func realDir(dir string) string {
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		return r
	}
	return dir
}

func (fp *fingerprinter) entry(f *Finding) BaselineEntry {
	file := f.Span.File
	e := BaselineEntry{Rule: f.Rule.ID, File: fp.path(file)}
	d := directiveAt(file.Top, f.Span.Start)
	var ctx []string
	outer := d
	if d != nil && f.Span.Start < d.HeaderEnd() {
		e.Directive = fp.blockIdentity(d) // a server by its names and listens
		outer = d.Parent
	} else {
		e.Directive = spanText(f.Span)
	}
	for p := outer; p != nil; p = p.Parent {
		ctx = append(ctx, fp.blockIdentity(p))
	}
	for i, j := 0, len(ctx)-1; i < j; i, j = i+1, j-1 {
		ctx[i], ctx[j] = ctx[j], ctx[i]
	}
	e.Context = strings.Join(ctx, " > ")
	return e
}

// path names a file relative to the baseline's directory when it is on
// disk, else as shown (standard input, a file of an nginx -T dump). A file
// on disk is named by its real path: sites-enabled/chat, a link, is the
// sites-available/chat it points to, however it was reached.
func (fp *fingerprinter) path(f *parser.File) string {
	if f.Abs == "" {
		return filepath.ToSlash(f.Path)
	}
	if p, ok := fp.paths[f]; ok {
		return p
	}
	p := f.Abs
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	if rel, err := filepath.Rel(fp.dir, p); err == nil {
		p = rel
	}
	p = filepath.ToSlash(p)
	fp.paths[f] = p
	return p
}

// directiveAt returns the innermost directive whose text holds off.
func directiveAt(ds []*parser.Directive, off int) *parser.Directive {
	var found *parser.Directive
	for len(ds) > 0 {
		i := sort.Search(len(ds), func(i int) bool { return ds[i].Start() > off }) - 1
		if i < 0 || off >= int(ds[i].End) {
			return found
		}
		found = ds[i]
		if found.Block == nil {
			return found
		}
		ds = found.Block.Directives
	}
	return found
}

// directiveText is a directive's name and arguments as nginx reads them
// (quotes and escapes resolved), quoted where needed.
func directiveText(d *parser.Directive) string {
	parts := []string{d.Name}
	for _, a := range d.Args {
		parts = append(parts, parser.Quote(a.Value))
	}
	return strings.Join(parts, " ")
}

// spanText is the text a finding outside any directive's head points at
// (a comment, a token of a file that does not parse), on one line.
func spanText(s Span) string {
	t := string(s.File.Src[s.Start:s.End])
	if i := strings.IndexAny(t, "\r\n"); i >= 0 {
		t = t[:i]
	}
	if len(t) > 120 {
		t = t[:120]
	}
	return strings.TrimSpace(t)
}

// blockIdentity names a block by what identifies it rather than by its
// contents: a server by its names and listen addresses, any other block by
// its name and arguments (location ~ ^/ws, upstream app, if ($x)).
func (fp *fingerprinter) blockIdentity(d *parser.Directive) string {
	if d.Name != "server" || d.Block == nil || len(d.Args) > 0 || d.Block.Lua != nil {
		return directiveText(d)
	}
	if id, ok := fp.servers[d]; ok {
		return id
	}
	var names, listens []string
	for _, c := range d.Block.Directives {
		switch c.Name {
		case "server_name":
			for _, a := range c.Args {
				names = append(names, parser.Quote(a.Value))
			}
		case "listen":
			if len(c.Args) > 0 {
				listens = append(listens, parser.Quote(c.Args[0].Value))
			}
		}
	}
	var parts []string
	if len(names) > 0 {
		parts = append(parts, "server_name "+strings.Join(names, " "))
	}
	if len(listens) > 0 {
		parts = append(parts, "listen "+strings.Join(listens, " "))
	}
	id := "server{" + strings.Join(parts, "; ") + "}"
	fp.servers[d] = id
	return id
}
