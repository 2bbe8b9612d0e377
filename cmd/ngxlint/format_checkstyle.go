package main

import (
	"bytes"
	"encoding/xml"
	"io"

	"github.com/ngxlint/ngxlint/rules"
)

func init() { formats["checkstyle"] = checkstyleFormat{} }

// checkstyleFormat prints Checkstyle XML, which Jenkins (Warnings NG),
// reviewdog, SonarQube and many CI dashboards read: one <file> per file
// with findings, one <error> per finding.
type checkstyleFormat struct{}

type csError struct {
	Line     int    `xml:"line,attr"`
	Column   int    `xml:"column,attr"`
	Severity string `xml:"severity,attr"`
	Message  string `xml:"message,attr"`
	Source   string `xml:"source,attr"`
}

func (checkstyleFormat) write(w io.Writer, fs []*rules.Finding, _ *env) error {
	// what xml.Encoder writes for the whole report, written one <error> at
	// a time
	out := newChunkWriter(w)
	// EncodeElement flushes the encoder: it writes to pend, which is
	// passed on to out after each finding
	var pend bytes.Buffer
	pend.WriteString(xml.Header)
	enc := xml.NewEncoder(&pend)
	enc.Indent("", "  ")
	report := xml.StartElement{Name: xml.Name{Local: "checkstyle"}, Attr: []xml.Attr{{Name: xml.Name{Local: "version"}, Value: "4.3"}}}
	if err := enc.EncodeToken(report); err != nil {
		return err
	}
	var file xml.StartElement
	for i, f := range fs {
		name := f.Span.File.Path
		if i == 0 || fs[i-1].Span.File.Path != name {
			if i > 0 {
				if err := enc.EncodeToken(file.End()); err != nil {
					return err
				}
			}
			file = xml.StartElement{Name: xml.Name{Local: "file"}, Attr: []xml.Attr{{Name: xml.Name{Local: "name"}, Value: name}}}
			if err := enc.EncodeToken(file); err != nil {
				return err
			}
		}
		p := f.Pos()
		if err := enc.EncodeElement(csError{
			Line: p.Line, Column: p.Column, Severity: f.Severity.String(),
			Message: shownText(f.Message) + " [" + f.Rule.ID + " " + f.Rule.Name + "]", Source: "ngxlint." + f.Rule.ID,
		}, xml.StartElement{Name: xml.Name{Local: "error"}}); err != nil {
			return err
		}
		if _, err := out.Write(pend.Bytes()); err != nil {
			return err // the writer's error, returned by every write after it
		}
		pend.Reset()
	}
	if len(fs) > 0 {
		if err := enc.EncodeToken(file.End()); err != nil {
			return err
		}
	}
	if err := enc.EncodeToken(report.End()); err != nil {
		return err
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	pend.WriteByte('\n')
	if _, err := out.Write(pend.Bytes()); err != nil {
		return err
	}
	return out.Flush()
}
