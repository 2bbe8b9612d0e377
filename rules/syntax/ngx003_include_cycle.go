package syntax

import (
	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&includeCycleRule{}) }

// includeCycleRule reports the load problem parser.ProblemIncludeCycle.
type includeCycleRule struct{}

var includeCycleMeta = &rules.Meta{
	ID: "NGX003", Name: "include-cycle", Severity: rules.Error,
	Doc: rules.Doc{
		Summary: "Files include each other in a loop.",
		Why:     "nginx has no guard against include loops: it keeps opening the same files until it runs out of stack; nginx -t crashes with a segmentation fault (seen with nginx 1.22.1).",
		Bad:     "# a.conf\ninclude b.conf;\n# b.conf\ninclude a.conf;",
		Good:    "# a.conf\ninclude b.conf;\n# b.conf\n# (no include of a.conf)",
		Fix:     "Remove the include that closes the loop.",
		Since:   "0.1.0",
	},
}

func (*includeCycleRule) Meta() *rules.Meta           { return includeCycleMeta }
func (*includeCycleRule) Check(*rules.Pass)           {}
func (*includeCycleRule) Problem() parser.ProblemKind { return parser.ProblemIncludeCycle }
