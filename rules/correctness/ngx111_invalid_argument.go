package correctness

import (
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&invalidArgument{}) }

type invalidArgument struct{}

var invalidArgumentMeta = &rules.Meta{
	ID: "NGX111", Name: "invalid-argument", Severity: rules.Error,
	Doc: rules.Doc{
		Summary: "An argument that a module's own reader refuses: an unknown listen or upstream server parameter, a bad if condition, return or error_page code, cache path or cache validity parameter, a parameter where the address should be.",
		Why: "Directives that are not read by nginx's generic setters have a function of their own in their module, and it reads " +
			"the arguments when the configuration loads: listen and upstream server take a fixed set of parameters " +
			"(`invalid parameter \"reusepor\"`), if takes a variable, a comparison or a file test (`invalid condition`), return " +
			"a code up to 999 or a URL, error_page codes 300-599, proxy_cache_path its own key=value parameters, " +
			"proxy_cache_valid codes then a time, fastcgi_param only if_not_empty as a third word. An address that is a " +
			"parameter (`server weight=2;`, the address lost) is a host nginx cannot resolve. What each reader takes is " +
			"modeled on nginx's source in parser/spec; where versions differ, what any version takes is accepted.",
		Bad:   "upstream app {\n    server 127.0.0.1:8080 weight=0;\n}\nserver {\n    listen 80 reusepor;\n    return 30x;\n}",
		Good:  "upstream app {\n    server 127.0.0.1:8080 weight=1;\n}\nserver {\n    listen 80 reuseport;\n    return 301 https://example.com$request_uri;\n}",
		Fix:   "Write the parameter as the message says the directive takes it.",
		Since: "0.3.0",
		Refs: []string{"https://nginx.org/en/docs/http/ngx_http_core_module.html#listen", "https://nginx.org/en/docs/http/ngx_http_upstream_module.html#server",
			"https://nginx.org/en/docs/http/ngx_http_rewrite_module.html#if"},
	},
}

func (*invalidArgument) Meta() *rules.Meta { return invalidArgumentMeta }

func (*invalidArgument) Check(p *rules.Pass) {
	ix := indexOf(p)
	for _, lv := range ix.levels {
		for _, it := range lv.items {
			d := it.d
			e, ok := ix.entryIn(d.Name, lv.ctx)
			if !ok || d.Block != nil && !e.Block() || d.Block == nil && e.Block() || !e.ArgsOK(len(d.Args)) {
				continue
			}
			if d.Name == "split_clients" && d.Block != nil && d.Block.Lua == nil {
				for _, l := range d.Block.Directives {
					if msg := spec.SplitPercent(l.Name); msg != "" {
						report(p, l, l.NameW(), "a line of split_clients starts with a percentage above 0 (at most two decimals) or *, not "+quoteValue(l.Name), msg)
					}
				}
			}
			bad := spec.CheckArgs(d.Name, e.Setter, args(d))
			if bad == nil {
				continue
			}
			w := d.Args[bad.Arg]
			report(p, d, w, d.Name+" takes "+bad.Takes+", not "+quoteValue(w.Value), bad.Nginx)
		}
	}
}
