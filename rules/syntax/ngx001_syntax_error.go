package syntax

import (
	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&syntaxErrorRule{}) }

// syntaxErrorRule reports the load problem parser.ProblemSyntax.
type syntaxErrorRule struct{}

var syntaxErrorMeta = &rules.Meta{
	ID: "NGX001", Name: "syntax-error", Severity: rules.Error,
	Doc: rules.Doc{
		Summary: "The file does not parse the way nginx reads it.",
		Why:     "nginx stops at the first syntax error and refuses to start or reload (nginx -t fails). ngxlint reads files exactly as nginx's tokenizer does and reports the first error on the line nginx names (an unclosed block at the end of the file, as nginx reaches it there). The directives before the error are checked as nginx applies them, nested as nginx nests them: an extra } closes its block early, so what follows is read one level up, and a lost { makes the next line's words arguments.",
		Bad:     "location /ws/ {\n    proxy_pass http://127.0.0.1:9001\n}",
		Good:    "location /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n}",
		Fix:     "Correct the syntax at the reported position: close the block, add the missing semicolon, close the quote.",
		Since:   "0.1.0",
	},
}

func (*syntaxErrorRule) Meta() *rules.Meta           { return syntaxErrorMeta }
func (*syntaxErrorRule) Check(*rules.Pass)           {}
func (*syntaxErrorRule) Problem() parser.ProblemKind { return parser.ProblemSyntax }
