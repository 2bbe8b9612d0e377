package syntax

import (
	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&includeNotFoundRule{}) }

// includeNotFoundRule reports the load problem parser.ProblemIncludeMissing.
type includeNotFoundRule struct{}

var includeNotFoundMeta = &rules.Meta{
	ID: "NGX002", Name: "include-not-found", Severity: rules.Error,
	Doc: rules.Doc{
		Summary: "An include names a file that does not exist.",
		Why:     "nginx -t fails with open() failed when a non-glob include names a missing file (a glob that matches nothing is accepted). Relative include paths are resolved against the configuration prefix, the directory of nginx.conf, not against the including file. Files every nginx package installs (proxy_params, mime.types, fastcgi_params...) are not reported.",
		Bad:     "include snippets/websocket.conf;   # no such file under the prefix",
		Good:    "# nginx.conf\ninclude snippets/websocket.conf;\n# snippets/websocket.conf\nproxy_http_version 1.1;",
		Fix:     "Correct the path, or tell ngxlint where the file lives: --prefix DIR (like nginx -p) for relative paths, --path-map /etc/nginx=./deploy/nginx for absolute ones.",
		Since:   "0.1.0",
	},
}

func (*includeNotFoundRule) Meta() *rules.Meta           { return includeNotFoundMeta }
func (*includeNotFoundRule) Check(*rules.Pass)           {}
func (*includeNotFoundRule) Problem() parser.ProblemKind { return parser.ProblemIncludeMissing }
