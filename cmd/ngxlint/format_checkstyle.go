package main

import (
	"encoding/xml"
	"io"

	"github.com/ngxlint/ngxlint/rules"
)

func init() { formats["checkstyle"] = checkstyleFormat{} }

// checkstyleFormat prints Checkstyle XML, which Jenkins (Warnings NG),
// reviewdog, SonarQube and many CI dashboards read: one <file> per file
// with findings, one <error> per finding.
type checkstyleFormat struct{}

type csReport struct {
	XMLName xml.Name `xml:"checkstyle"`
	Version string   `xml:"version,attr"`
	Files   []csFile `xml:"file"`
}

type csFile struct {
	Name   string    `xml:"name,attr"`
	Errors []csError `xml:"error"`
}

type csError struct {
	Line     int    `xml:"line,attr"`
	Column   int    `xml:"column,attr"`
	Severity string `xml:"severity,attr"`
	Message  string `xml:"message,attr"`
	Source   string `xml:"source,attr"`
}

func (checkstyleFormat) write(w io.Writer, fs []*rules.Finding, _ *env) error {
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
