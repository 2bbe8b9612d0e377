package syntax

import (
	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&byteOrderMarkRule{}) }

// byteOrderMarkRule reports the load problem parser.ProblemBOM.
type byteOrderMarkRule struct{}

var byteOrderMarkMeta = &rules.Meta{
	ID: "NGX005", Name: "byte-order-mark", Severity: rules.Error, Fixable: true,
	Doc: rules.Doc{
		Summary: "The file starts with a UTF-8 byte-order mark.",
		Why:     "nginx does not skip a byte-order mark: it becomes part of the first directive name, and nginx -t fails with unknown directive. Editors on Windows add it silently.",
		Bad:     "<BOM>events {}",
		Good:    "events {}",
		Fix:     "ngxlint fix removes the three bytes; or save the file as UTF-8 without BOM.",
		Since:   "0.1.0",
	},
}

func (*byteOrderMarkRule) Meta() *rules.Meta           { return byteOrderMarkMeta }
func (*byteOrderMarkRule) Check(*rules.Pass)           {}
func (*byteOrderMarkRule) Problem() parser.ProblemKind { return parser.ProblemBOM }
