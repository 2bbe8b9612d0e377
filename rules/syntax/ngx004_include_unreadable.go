package syntax

import (
	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&includeUnreadableRule{}) }

// includeUnreadableRule reports the load problem parser.ProblemIncludeUnreadable.
type includeUnreadableRule struct{}

var includeUnreadableMeta = &rules.Meta{
	ID: "NGX004", Name: "include-unreadable", Severity: rules.Error,
	Doc: rules.Doc{
		Summary: "An included file exists but cannot be read, or is a directory.",
		Why:     "nginx -t fails when it cannot read an included file (permissions), and when an include names a directory (pread() failed: Is a directory).",
		Bad:     "# nginx.conf\ninclude conf.d;\n# conf.d/site.conf\nserver {\n    listen 80;\n}",
		Good:    "# nginx.conf\ninclude conf.d/*.conf;\n# conf.d/site.conf\nserver {\n    listen 80;\n}",
		Fix: "Fix the file's permissions, or include the files in a directory with a glob. For an include outside the configuration's " +
			"roots, map its directory to your checkout with --path-map FROM=TO, or widen the roots with --include-root DIR.",
		SeverityNote: "Error, except for a glob include outside the configuration's roots: ngxlint does not look there, and nginx accepts " +
			"a glob that matches nothing (a container's /etc/nginx/modules/*.conf), so the note only says what was not checked (info).",
		Since: "0.1.0",
	},
}

func (*includeUnreadableRule) Meta() *rules.Meta { return includeUnreadableMeta }
func (*includeUnreadableRule) Check(*rules.Pass) {}
func (*includeUnreadableRule) Problem() parser.ProblemKind {
	return parser.ProblemIncludeUnreadable
}
