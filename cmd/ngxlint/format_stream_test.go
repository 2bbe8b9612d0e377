package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/rules"
)

// The machine formats write their output one finding at a time; these are
// what they wrote before, each output encoded whole, to compare with.

func jsonWhole(w io.Writer, fs []*rules.Finding) error {
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

func sarifWhole(w io.Writer, fs []*rules.Finding, e *env) error {
	ver := version()
	run := sarifRun{
		Tool:       sarifTool{Driver: sarifDriver{Name: "ngxlint", Version: ver, InformationURI: repoURL, Rules: sarifRules(ver)}},
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
	for _, f := range fs {
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
		run.Results = append(run.Results, res)
	}
	if usesRoot {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLocation{sarifSrcRoot: {URI: fileURI(e.absCwd()) + "/"}}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}})
}

func githubWhole(w io.Writer, fs []*rules.Finding) error {
	var sb strings.Builder
	for _, f := range fs {
		p, end := f.Pos(), f.EndPos()
		cmd := map[rules.Severity]string{rules.Error: "error", rules.Warning: "warning", rules.Info: "notice"}[f.Severity]
		fmt.Fprintf(&sb, "::%s file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=%s::%s\n",
			cmd, ghProperty(shownText(f.Span.File.Path)), p.Line, p.Column, end.Line, end.Column,
			ghProperty(f.Rule.ID+" "+f.Rule.Name), ghData(shownTextLines(f.Message)))
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

func checkstyleWhole(w io.Writer, fs []*rules.Finding) error {
	type csFile struct {
		Name   string    `xml:"name,attr"`
		Errors []csError `xml:"error"`
	}
	type csReport struct {
		XMLName xml.Name `xml:"checkstyle"`
		Version string   `xml:"version,attr"`
		Files   []csFile `xml:"file"`
	}
	r := csReport{Version: "4.3"}
	for _, f := range fs {
		name := f.Span.File.Path
		if len(r.Files) == 0 || r.Files[len(r.Files)-1].Name != name {
			r.Files = append(r.Files, csFile{Name: name})
		}
		p := f.Pos()
		cur := &r.Files[len(r.Files)-1]
		cur.Errors = append(cur.Errors, csError{
			Line: p.Line, Column: p.Column, Severity: f.Severity.String(),
			Message: shownText(f.Message) + " [" + f.Rule.ID + " " + f.Rule.Name + "]", Source: "ngxlint." + f.Rule.ID,
		})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(r); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// streamTestFindings are the findings of every fixture directory (sorted,
// as lint prints them, with their fixes), and a few made by hand: text
// that needs escaping in every format, a byte-order mark's fix, a file
// given as standard input and one of an nginx -T dump.
func streamTestFindings(t *testing.T) []*rules.Finding {
	var fs []*rules.Finding
	dirs, err := filepath.Glob("../../fixtures/*/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			continue
		}
		units, err := parser.Load([]string{d}, parser.Options{})
		if err != nil {
			continue
		}
		got, err := rules.Lint(units, &rules.Options{}, rules.RunOptions{Jobs: 1})
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, got...)
	}
	meta := &rules.Meta{ID: "WS999", Name: "test-rule"}
	odd := &parser.File{Path: "odd <&>\"\u2028.conf", Abs: "/x/odd.conf", Src: []byte("\ufeffa \x1b[31m <b>&amp;\u2028;\r\nb \xff;\n"), BOM: true}
	stdin := &parser.File{Path: "<stdin>", Src: []byte("c;\n")}
	dump := &parser.File{Path: "/etc/nginx/nginx.conf", Src: []byte("d;\n")}
	for _, f := range []*parser.File{odd, stdin, dump} {
		for _, msg := range []string{"plain", "<html> & \"quotes\" \x1b[1m\u2028 \xff %,:\r\n", ""} {
			fs = append(fs, &rules.Finding{Rule: meta, Severity: rules.Warning, Span: rules.Span{File: f, Start: 0, End: len(f.Src) / 2}, Message: msg,
				Fix: &rules.Fix{Message: msg + " fix", Edits: []rules.Edit{{File: f, Start: 0, End: 3}, {File: f, Start: 4, End: 4, New: "x\x00<y>"}}}})
		}
	}
	if len(fs) < 100 {
		t.Fatalf("only %d findings", len(fs))
	}
	return fs
}

// The machine formats write what they wrote when each output was encoded
// whole, byte for byte, with and without findings.
func TestStreamedFormatsMatchWholeEncoding(t *testing.T) {
	all := streamTestFindings(t)
	e := &env{cwd: t.TempDir(), getenv: func(string) string { return "" }}
	for _, fs := range [][]*rules.Finding{nil, all[:1], all[len(all)-5:], all} {
		for name, whole := range map[string]func(io.Writer, []*rules.Finding) error{
			"json":       jsonWhole,
			"sarif":      func(w io.Writer, fs []*rules.Finding) error { return sarifWhole(w, fs, e) },
			"github":     githubWhole,
			"checkstyle": checkstyleWhole,
		} {
			var want, got bytes.Buffer
			if err := whole(&want, fs); err != nil {
				t.Fatal(err)
			}
			if err := formats[name].write(&got, fs, e); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				g, w := strings.Split(got.String(), "\n"), strings.Split(want.String(), "\n")
				for i := range min(len(g), len(w)) {
					if g[i] != w[i] {
						t.Fatalf("%s, %d findings: line %d is %q, want %q", name, len(fs), i+1, g[i], w[i])
					}
				}
				t.Fatalf("%s, %d findings: %d lines, want %d", name, len(fs), len(g), len(w))
			}
		}
	}
}

// limitWriter takes n bytes, then fails every write.
type limitWriter struct {
	n, writes int
	got       bytes.Buffer
}

func (w *limitWriter) Write(p []byte) (int, error) {
	w.writes++
	if w.got.Len()+len(p) > w.n {
		return 0, fmt.Errorf("disk full")
	}
	return w.got.Write(p)
}

// Every format writes in chunks, and a write error is returned and ends
// the output: nothing is written after it.
func TestFormatsWriteInChunksAndStopAtWriteError(t *testing.T) {
	fs := streamTestFindings(t)
	for len(fs) < 5000 {
		fs = append(fs, fs...)
	}
	e := &env{cwd: t.TempDir(), getenv: func(string) string { return "" }}
	for _, name := range formatNames() {
		var whole bytes.Buffer
		if err := formats[name].write(&whole, fs, e); err != nil {
			t.Fatal(err)
		}
		w := &limitWriter{n: whole.Len()}
		if err := formats[name].write(w, fs, e); err != nil || w.got.String() != whole.String() {
			t.Fatalf("%s: error %v", name, err)
		}
		if w.writes < whole.Len()/outChunk/2 {
			t.Errorf("%s: %d bytes in %d writes: not written in chunks", name, whole.Len(), w.writes)
		}
		w = &limitWriter{n: whole.Len() / 3}
		err := formats[name].write(w, fs, e)
		if err == nil || err.Error() != "disk full" {
			t.Errorf("%s: error %v, want the writer's", name, err)
		}
		if w.got.Len() > whole.Len()/3 || w.writes > whole.Len()/3/outChunk*4+4 {
			t.Errorf("%s: %d writes, %d bytes after a failed write", name, w.writes, w.got.Len())
		}
	}
}
