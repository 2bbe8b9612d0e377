package rules

import (
	"fmt"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/parser/spec"
)

// Span is a byte range in one file.
type Span struct {
	File       *parser.File
	Start, End int
}

// DirectiveSpan covers a directive's head: from its name to the ';' or '{'.
func DirectiveSpan(d *parser.Directive) Span {
	return Span{File: d.File, Start: d.Start(), End: d.HeaderEnd()}
}

// WordSpan covers one word of a directive.
func WordSpan(d *parser.Directive, w parser.Word) Span {
	return Span{File: d.File, Start: int(w.Start), End: int(w.End)}
}

// VarSpan covers one "$name" (or "${name}") inside a word, or the whole
// word when it cannot be found in the raw text.
func VarSpan(d *parser.Directive, w parser.Word, name string) Span {
	raw := strings.ToLower(d.File.Raw(w))
	for _, ref := range []string{"${" + name + "}", "$" + name} {
		from := 0
		for {
			i := strings.Index(raw[from:], ref)
			if i < 0 {
				break
			}
			i += from
			end := i + len(ref)
			if ref[1] == '{' || end == len(raw) || !isVarChar(raw[end]) {
				return Span{File: d.File, Start: int(w.Start) + i, End: int(w.Start) + end}
			}
			from = end
		}
	}
	return WordSpan(d, w)
}

func isVarChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

// Edit replaces File.Src[Start:End] with New.
type Edit struct {
	File       *parser.File
	Start, End int
	New        string
}

// Fix is an automatic repair: byte edits on the original files.
type Fix struct {
	Message string
	Edits   []Edit
}

// Finding is one problem found.
type Finding struct {
	Rule     *Meta
	Severity Severity
	Span     Span
	Message  string
	Fix      *Fix
	// NoFix explains why a fixable rule could not fix this finding.
	NoFix string
}

// Pos returns the start position.
func (f *Finding) Pos() parser.Position { return f.Span.File.Position(f.Span.Start) }

// EndPos returns the position just past the end.
func (f *Finding) EndPos() parser.Position { return f.Span.File.Position(f.Span.End) }

// Options drive a lint run.
type Options struct {
	Version spec.Version
	// Severities overrides the severity of rules by id (Off disables).
	Severities map[string]Severity
	// PathRules override severities for some files; later ones win.
	PathRules []PathRule
	// settings are the families' own settings by key (see Setting).
	settings map[string]settingValue
}

// SeverityOf returns the severity a finding of rule id in file gets, and
// whether the configuration sets one.
func (o *Options) SeverityOf(id string, f *parser.File) (Severity, bool) {
	sev, ok := o.Severities[id]
	for _, pr := range o.PathRules {
		if s, has := pr.Rules[id]; has && pr.Matches(f.Abs, f.Path) {
			sev, ok = s, true
		}
	}
	return sev, ok
}

// Pass is what a rule sees while checking one unit.
type Pass struct {
	Cfg  *model.Config
	Opts *Options
	rule Rule
	out  *[]*Finding
	memo *memo // the unit's shared values (see Memo)
}

// Report records a finding at the rule's default severity.
func (p *Pass) Report(at Span, format string, args ...any) *Finding {
	return p.ReportSev(p.rule.Meta().Severity, at, format, args...)
}

// ReportSev records a finding at a given severity.
func (p *Pass) ReportSev(sev Severity, at Span, format string, args ...any) *Finding {
	f := &Finding{Rule: p.rule.Meta(), Severity: sev, Span: at, Message: fmt.Sprintf(format, args...)}
	*p.out = append(*p.out, f)
	return f
}

// WithFix attaches a fix.
func (f *Finding) WithFix(fix *Fix) *Finding {
	if fix != nil && len(fix.Edits) > 0 {
		f.Fix = fix
	}
	return f
}

// Line is a short "line N" reference to a directive, with its file when it
// differs from the file of the finding it is quoted in.
func Line(d *parser.Directive, from *parser.File) string {
	p := d.File.Position(d.Start())
	if d.File.Abs == "" && strings.HasPrefix(d.File.Path, "(nginx package) ") {
		return fmt.Sprintf("line %d of %s as nginx packages install it", p.Line, strings.TrimPrefix(d.File.Path, "(nginx package) "))
	}
	if d.File != from {
		return fmt.Sprintf("%s:%d", d.File.Path, p.Line)
	}
	return fmt.Sprintf("line %d", p.Line)
}
