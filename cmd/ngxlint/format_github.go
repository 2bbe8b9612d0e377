package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/ngxlint/ngxlint/rules"
)

func init() { formats["github"] = githubFormat{} }

// githubFormat prints GitHub Actions workflow commands, one per finding, so
// findings annotate the pull request at their line:
//
//	::error file=site.conf,line=15,col=37,endLine=15,endColumn=45,title=WS009 value-or-variable-typo::message
//
// error -> ::error, warning -> ::warning, info -> ::notice.
type githubFormat struct{}

func (githubFormat) write(w io.Writer, fs []*rules.Finding, _ *env) error {
	out := newChunkWriter(w)
	for _, f := range fs {
		p, end := f.Pos(), f.EndPos()
		cmd := map[rules.Severity]string{rules.Error: "error", rules.Warning: "warning", rules.Info: "notice"}[f.Severity]
		if _, err := fmt.Fprintf(out, "::%s file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=%s::%s\n",
			cmd, ghProperty(shownText(f.Span.File.Path)), p.Line, p.Column, end.Line, end.Column,
			ghProperty(f.Rule.ID+" "+f.Rule.Name), ghData(shownTextLines(f.Message))); err != nil {
			return err // the writer's error, returned by every write after it
		}
	}
	return out.Flush()
}

// ghData escapes a workflow command's message: '%', CR and LF (the message
// has its control characters escaped by shownText already; this is the
// format's own escaping, kept for text that does not come from it).
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a workflow command's property value: as ghData, and
// also ':' and ',', which end a value.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
