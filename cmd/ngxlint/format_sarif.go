package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { formats["sarif"] = sarifFormat{} }

// sarifFormat writes one SARIF 2.1.0 log (OASIS Static Analysis Results
// Interchange Format): one run, every registered rule with its
// documentation, the findings with their exact regions, and the fixes as
// replacements in the original files. GitHub code scanning reads it
// (github/codeql-action/upload-sarif).
type sarifFormat struct{}

const (
	sarifSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	sarifSrcRoot   = "%SRCROOT%"
	repoURL        = "https://github.com/ngxlint/ngxlint"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult                    `json:"results"`
	// ColumnKind: ngxlint counts columns in characters (code points).
	ColumnKind string `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifRule struct {
	ID                   string            `json:"id"`
	Name                 string            `json:"name"`
	ShortDescription     sarifText         `json:"shortDescription"`
	FullDescription      sarifText         `json:"fullDescription"`
	Help                 sarifHelp         `json:"help"`
	HelpURI              string            `json:"helpUri"`
	DefaultConfiguration sarifRuleConfig   `json:"defaultConfiguration"`
	Properties           sarifRuleProperty `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProperty struct {
	Fixable bool     `json:"fixable"`
	Since   string   `json:"since"`
	Tags    []string `json:"tags"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
	Fixes     []sarifFix      `json:"fixes,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           sarifRegion           `json:"region"`
}

type sarifArtifactLocation struct {
	URI         string     `json:"uri,omitempty"`
	URIBaseID   string     `json:"uriBaseId,omitempty"`
	Description *sarifText `json:"description,omitempty"`
}

// sarifRegion is a text region (lines and columns) or, for an edit of a
// byte-order mark, which is not text, a binary one.
type sarifRegion struct {
	StartLine   int  `json:"startLine,omitempty"`
	StartColumn int  `json:"startColumn,omitempty"`
	EndLine     int  `json:"endLine,omitempty"`
	EndColumn   int  `json:"endColumn,omitempty"`
	ByteOffset  *int `json:"byteOffset,omitempty"`
	ByteLength  *int `json:"byteLength,omitempty"`
}

type sarifFix struct {
	Description     sarifText             `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Replacements     []sarifReplacement    `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion           `json:"deletedRegion"`
	InsertedContent *sarifArtifactContent `json:"insertedContent,omitempty"`
}

type sarifArtifactContent struct {
	Text   *string `json:"text,omitempty"`
	Binary string  `json:"binary,omitempty"`
}

func (sarifFormat) write(w io.Writer, fs []*rules.Finding, e *env) error {
	ver := version()
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "ngxlint", Version: ver, InformationURI: repoURL, Rules: sarifRules(ver),
		}},
		Results:    []sarifResult{},
		ColumnKind: "unicodeCodePoints",
	}
	index := map[string]int{}
	for i, r := range run.Tool.Driver.Rules {
		index[r.ID] = i
	}
	usesRoot := false
	loc := func(f *parser.File) sarifArtifactLocation {
		a := artifactLocation(f)
		if a.URIBaseID != "" {
			usesRoot = true
		}
		return a
	}
	// whether a location is relative to the source root, which the run
	// declares before its results: the files of the findings and of their
	// fixes' edits, each file once in a row
	var last *parser.File
	see := func(f *parser.File) {
		if f != last {
			last = f
			loc(f)
		}
	}
	for _, f := range fs {
		see(f.Span.File)
		if f.Fix != nil {
			for _, ed := range f.Fix.Edits {
				see(ed.File)
			}
		}
	}
	if usesRoot {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLocation{sarifSrcRoot: {URI: fileURI(e.absCwd()) + "/"}}
	}
	result := func(f *rules.Finding) sarifResult {
		p, end := f.Pos(), f.EndPos()
		res := sarifResult{
			RuleID: f.Rule.ID, RuleIndex: index[f.Rule.ID], Level: sarifLevel(f.Severity),
			Message: sarifText{Text: shownText(f.Message)},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: loc(f.Span.File),
				Region:           sarifRegion{StartLine: p.Line, StartColumn: p.Column, EndLine: end.Line, EndColumn: end.Column},
			}}},
		}
		if f.Fix != nil {
			res.Fixes = []sarifFix{sarifFixOf(f.Fix, loc)}
		}
		return res
	}
	// The log with no results, as json.Encoder indents it, is written
	// around the results, which are encoded one at a time at their depth
	// (an element of runs[0].results, four levels in): the output is
	// never held whole.
	var head bytes.Buffer
	enc := json.NewEncoder(&head)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sarifLog{Schema: sarifSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}}); err != nil {
		return err
	}
	const empty = "\n      \"results\": []" // a JSON string holds no raw newline
	at := bytes.Index(head.Bytes(), []byte(empty))
	switch {
	case len(fs) == 0:
		_, err := w.Write(head.Bytes())
		return err
	case at < 0: // not what json.Encoder writes today: the log whole
		for _, f := range fs {
			run.Results = append(run.Results, result(f))
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(sarifLog{Schema: sarifSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}})
	}
	out := newChunkWriter(w)
	// a result's part of the output; first, the log up to the results' '['
	var one bytes.Buffer
	one.Write(head.Bytes()[:at+len(empty)-1])
	enc = json.NewEncoder(&one)
	enc.SetIndent("        ", "  ")
	for i, f := range fs {
		if i > 0 {
			one.WriteByte(',')
		}
		one.WriteString("\n        ")
		if err := enc.Encode(result(f)); err != nil {
			return err
		}
		one.Truncate(one.Len() - 1) // the newline Encode ends with
		if _, err := out.Write(one.Bytes()); err != nil {
			return err // the writer's error, returned by every write after it
		}
		one.Reset()
	}
	one.WriteString("\n      ]")
	one.Write(head.Bytes()[at+len(empty):])
	if _, err := out.Write(one.Bytes()); err != nil {
		return err
	}
	return out.Flush()
}

func sarifLevel(s rules.Severity) string {
	switch s {
	case rules.Error:
		return "error"
	case rules.Warning:
		return "warning"
	}
	return "note"
}

// sarifRules lists every registered rule, in id order, with its
// documentation: the same text as ngxlint explain.
func sarifRules(ver string) []sarifRule {
	out := []sarifRule{}
	for _, r := range rules.All() {
		m := r.Meta()
		tags := []string{"nginx"}
		if strings.HasPrefix(m.ID, "WS") {
			tags = append(tags, "websocket")
		}
		out = append(out, sarifRule{
			ID: m.ID, Name: m.Name,
			ShortDescription:     sarifText{Text: m.Doc.Summary},
			FullDescription:      sarifText{Text: m.Doc.Why},
			Help:                 sarifHelp{Text: Explain(m), Markdown: explainMarkdown(m)},
			HelpURI:              ruleHelpURI(m, ver),
			DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(m.Severity)},
			Properties:           sarifRuleProperty{Fixable: m.Fixable, Since: m.Doc.Since, Tags: tags},
		})
	}
	return out
}

// ruleAnchor is the anchor of a rule's row in the README's rule table
// (see RuleTable): its id in lower case.
func ruleAnchor(m *rules.Meta) string { return strings.ToLower(m.ID) }

var releaseVersion = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^v\d+\.\d+\.\d+$`) })

// ruleHelpURI points at the rule's documentation in the repository (its
// row in the README's rule table, whichever package holds the rule), at
// the release the binary was built from (main for development builds).
func ruleHelpURI(m *rules.Meta, ver string) string {
	ref := "main"
	if releaseVersion().MatchString(ver) {
		ref = ver
	}
	return repoURL + "/blob/" + ref + "/README.md#" + ruleAnchor(m)
}

// explainMarkdown renders a rule's documentation as Markdown for code
// scanning's rule help.
func explainMarkdown(m *rules.Meta) string {
	d := m.Doc
	var sb strings.Builder
	fmt.Fprintf(&sb, "**%s %s**: %s\n\n", m.ID, m.Name, d.Summary)
	fix := "no"
	if m.Fixable {
		fix = "yes (`ngxlint fix`)"
	}
	fmt.Fprintf(&sb, "Severity: %s. Automatic fix: %s. Since: ngxlint %s.", m.Severity, fix, d.Since)
	if d.SeverityNote != "" {
		fmt.Fprintf(&sb, " %s", d.SeverityNote)
	}
	fmt.Fprintf(&sb, "\n\n### Why it breaks\n\n%s\n\n", d.Why)
	fmt.Fprintf(&sb, "### Bad\n\n```nginx\n%s\n```\n\n### Good\n\n```nginx\n%s\n```\n\n", d.Bad, d.Good)
	fmt.Fprintf(&sb, "### Fix\n\n%s\n", d.Fix)
	if len(d.Refs) > 0 {
		sb.WriteString("\n### Sources\n\n")
		for _, r := range d.Refs {
			fmt.Fprintf(&sb, "- %s\n", r)
		}
	}
	return sb.String()
}

// artifactLocation names a file: relative to the source root (the working
// directory) when it is shown relative, else an absolute file URI.
func artifactLocation(f *parser.File) sarifArtifactLocation {
	switch {
	case f.Abs == "" && f.Path == "<stdin>":
		return sarifArtifactLocation{Description: &sarifText{Text: "standard input"}}
	case f.Abs == "" && filepath.IsAbs(f.Path): // a file of an nginx -T dump
		return sarifArtifactLocation{URI: fileURI(f.Path)}
	case f.Abs == "":
		return sarifArtifactLocation{Description: &sarifText{Text: f.Path}}
	case filepath.IsAbs(f.Path):
		return sarifArtifactLocation{URI: fileURI(f.Path)}
	}
	u := (&url.URL{Path: filepath.ToSlash(f.Path)}).EscapedPath()
	if first, _, _ := strings.Cut(u, "/"); strings.Contains(first, ":") {
		u = "./" + u // not a scheme
	}
	return sarifArtifactLocation{URI: u, URIBaseID: sarifSrcRoot}
}

func fileURI(abs string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
}

// sarifFixOf turns a fix into one artifactChange per file, replacements in
// source order, regions in the original file.
func sarifFixOf(fix *rules.Fix, loc func(*parser.File) sarifArtifactLocation) sarifFix {
	out := sarifFix{Description: sarifText{Text: fix.Message}, ArtifactChanges: []sarifArtifactChange{}}
	byFile := map[*parser.File][]rules.Edit{}
	var files []*parser.File
	for _, ed := range fix.Edits {
		if _, ok := byFile[ed.File]; !ok {
			files = append(files, ed.File)
		}
		byFile[ed.File] = append(byFile[ed.File], ed)
	}
	for _, f := range files {
		edits := byFile[f]
		sort.SliceStable(edits, func(i, j int) bool { return edits[i].Start < edits[j].Start })
		ch := sarifArtifactChange{ArtifactLocation: loc(f), Replacements: []sarifReplacement{}}
		for _, ed := range edits {
			ch.Replacements = append(ch.Replacements, sarifReplacementOf(f, ed))
		}
		out.ArtifactChanges = append(out.ArtifactChanges, ch)
	}
	return out
}

func sarifReplacementOf(f *parser.File, ed rules.Edit) sarifReplacement {
	if f.BOM && ed.Start < 3 {
		// the byte-order mark is not text: a binary region
		off, n := ed.Start, ed.End-ed.Start
		r := sarifReplacement{DeletedRegion: sarifRegion{ByteOffset: &off, ByteLength: &n}}
		if ed.New != "" {
			r.InsertedContent = &sarifArtifactContent{Binary: base64.StdEncoding.EncodeToString([]byte(ed.New))}
		}
		return r
	}
	s, e := f.Position(ed.Start), f.Position(ed.End)
	r := sarifReplacement{DeletedRegion: sarifRegion{StartLine: s.Line, StartColumn: s.Column, EndLine: e.Line, EndColumn: e.Column}}
	if ed.New != "" {
		text := ed.New
		r.InsertedContent = &sarifArtifactContent{Text: &text}
	}
	return r
}
