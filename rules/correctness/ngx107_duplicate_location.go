package correctness

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&duplicateLocation{}) }

type duplicateLocation struct{}

var duplicateLocationMeta = &rules.Meta{
	ID: "NGX107", Name: "duplicate-location", Severity: rules.Error,
	Doc: rules.Doc{
		Summary: "Two prefix locations (plain or ^~) or two exact (=) locations with the same path in the same server or location.",
		Why: "nginx sorts a level's locations into a tree and refuses two that match the same path the same way: nginx -t fails " +
			"with `duplicate location \"/x\"`. A prefix and an exact location with one path may coexist (location /x and " +
			"location = /x), and ^~ is a prefix location too (location /x and location ^~ /x clash). Regex and named locations " +
			"are not compared.",
		Bad:   "server {\n    location /api/ { proxy_pass http://127.0.0.1:8080; }\n    location ^~ /api/ { return 404; }\n}",
		Good:  "server {\n    location /api/ { proxy_pass http://127.0.0.1:8080; }\n    location = /api/ { return 404; }\n}",
		Fix:   "Merge the two locations, or change one's path or modifier.",
		Since: "0.2.0",
		Refs:  []string{"https://nginx.org/en/docs/http/ngx_http_core_module.html#location", "https://github.com/nginx/nginx/blob/master/src/http/ngx_http_core_module.c"},
	},
}

func (*duplicateLocation) Meta() *rules.Meta { return duplicateLocationMeta }

// locationKey is how nginx compares locations: the path, and whether it
// is exact or a prefix; ok is false for regex and named locations.
func locationKey(d *parser.Directive) (key string, path string, ok bool) {
	var mod, name string
	switch len(d.Args) {
	case 1:
		name = d.Args[0].Value
		switch {
		case strings.HasPrefix(name, "="):
			mod, name = "=", name[1:]
		case strings.HasPrefix(name, "^~"):
			mod, name = "^~", name[2:]
		case strings.HasPrefix(name, "~"), strings.HasPrefix(name, "@"):
			return "", "", false
		}
	case 2:
		mod, name = d.Args[0].Value, d.Args[1].Value
	default:
		return "", "", false
	}
	switch mod {
	case "=":
		return "=" + name, name, true
	case "", "^~":
		return " " + name, name, true
	}
	return "", "", false
}

func (*duplicateLocation) Check(p *rules.Pass) {
	ix := indexOf(p)
	for _, lv := range ix.levels {
		if lv.ctx != spec.CtxHTTPServer && lv.ctx != spec.CtxHTTPLocation {
			continue
		}
		seen := map[string]*parser.Directive{}
		for _, it := range lv.items {
			d := it.d
			if d.Name != "location" || d.Block == nil {
				continue
			}
			key, path, ok := locationKey(d)
			if !ok {
				continue
			}
			if first := seen[key]; first != nil {
				p.Report(spanAt(d, rules.DirectiveSpan(d)),
					"location %s repeats the location at %s: nginx -t: duplicate location \"%s\"%s; merge them or change one",
					path, rules.Line(first, d.File), path, where(d))
				continue
			}
			seen[key] = d
		}
	}
}
