package correctness

import (
	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&locationNesting{}) }

type locationNesting struct{}

var locationNestingMeta = &rules.Meta{
	ID: "NGX110", Name: "invalid-location", Severity: rules.Error,
	Doc: rules.Doc{
		Summary: "A location nginx cannot read: an unknown modifier, a nested location outside its parent's path, or a location inside an exact or a named location.",
		Why: "nginx reads `location [=|^~|~|~*] uri` and refuses any other first word of two (`invalid location modifier`). " +
			"A nested location that is not a regex must start with its parent's path (`location \"/b/\" is outside location \"/a/\"`); " +
			"nothing nests in an exact (=) or a named (@) location, and a named location stands only at server level. " +
			"A } lost above a location often nests it by accident: nginx reports the nested location, not the lost brace.",
		Bad:   "location /api/ {\n    proxy_pass http://127.0.0.1:8080;\n    location /static/ {\n        root /srv;\n    }\n}",
		Good:  "location /api/ {\n    proxy_pass http://127.0.0.1:8080;\n}\nlocation /static/ {\n    root /srv;\n}",
		Fix:   "Close the parent location before this one, give the nested location a path under its parent's, or correct the modifier.",
		Since: "0.3.0",
		Refs:  []string{"https://nginx.org/en/docs/http/ngx_http_core_module.html#location", "https://github.com/nginx/nginx/blob/master/src/http/ngx_http_core_module.c"},
	},
}

func (*locationNesting) Meta() *rules.Meta { return locationNestingMeta }

func (*locationNesting) Check(p *rules.Pass) {
	ix := indexOf(p)
	for _, lv := range ix.levels {
		if lv.ctx != spec.CtxHTTPServer && lv.ctx != spec.CtxHTTPLocation {
			continue
		}
		var parent spec.Location
		nested := lv.dir != nil && lv.dir.Name == "location" && lv.ctx == spec.CtxHTTPLocation
		if nested {
			var bad string
			if parent, bad = spec.ParseLocation(args(lv.dir)); bad != "" {
				continue // reported at the parent
			}
		}
		for _, it := range lv.items {
			d := it.d
			if d.Name != "location" || d.Block == nil || len(d.Args) < 1 || len(d.Args) > 2 {
				continue
			}
			l, bad := spec.ParseLocation(args(d))
			if bad != "" {
				p.Report(spanAt(d, rules.WordSpan(d, d.Args[0])), "%s is no location modifier (=, ^~, ~ or ~*): nginx -t: %s%s",
					quoteWord(d, d.Args[0]), bad, where(d))
				continue
			}
			if !nested {
				continue
			}
			if msg := spec.NestingError(parent, l); msg != "" {
				p.Report(spanAt(d, rules.DirectiveSpan(d)), "this location is nested in the location at %s: nginx -t: %s%s",
					rules.Line(lv.dir, d.File), msg, where(d))
			}
		}
	}
}

func args(d *parser.Directive) []string {
	out := make([]string, len(d.Args))
	for i, a := range d.Args {
		out[i] = a.Value
	}
	return out
}
