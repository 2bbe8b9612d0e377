package correctness

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&duplicateName{}) }

type duplicateName struct{}

var duplicateNameMeta = &rules.Meta{
	ID: "NGX112", Name: "duplicate-name", Severity: rules.Error,
	Doc: rules.Doc{
		Summary: "Two upstream blocks with one name, two limit_req_zone or limit_conn_zone with one zone name, two cache paths with one directory, or two thread pools with one name.",
		Why: "nginx keeps one table of upstreams, one of shared memory zones and one of paths for the whole configuration. " +
			"A second `upstream app {}` fails nginx -t with `duplicate upstream \"app\"` (names compared without case), a zone " +
			"declared twice with `limit_req_zone \"api\" is already bound to key ...` (or a size conflict, or `already declared " +
			"for a different use` when limit_req_zone and limit_conn_zone share it), and two *_cache_path with one directory " +
			"with `the same path name ... used in`. Often a file is included twice, or a site was copied without renaming.",
		Bad:   "upstream app { server 127.0.0.1:8080; }\nupstream app { server 127.0.0.1:8081; }",
		Good:  "upstream app { server 127.0.0.1:8080; }\nupstream app2 { server 127.0.0.1:8081; }",
		Fix:   "Rename one of them (and what refers to it), or remove the copy.",
		Since: "0.3.0",
		Refs:  []string{"https://nginx.org/en/docs/http/ngx_http_upstream_module.html#upstream", "https://nginx.org/en/docs/http/ngx_http_limit_req_module.html#limit_req_zone"},
	},
}

func (*duplicateName) Meta() *rules.Meta { return duplicateNameMeta }

func (*duplicateName) Check(p *rules.Pass) {
	ix := indexOf(p)
	upstreams := map[string]*parser.Directive{}
	type zoneDecl struct {
		d *parser.Directive
		z spec.ZoneUse
	}
	zones := map[string]zoneDecl{}
	paths := map[string]*parser.Directive{}
	pools := map[string]*parser.Directive{}
	for _, lv := range ix.levels {
		if lv.ctx == spec.CtxMain {
			for _, it := range lv.items {
				d := it.d
				if d.Name != "thread_pool" || d.Block != nil || len(d.Args) < 1 {
					continue
				}
				if first := pools[d.Args[0].Value]; first != nil {
					p.Report(spanAt(d, rules.DirectiveSpan(d)), "thread pool %s is defined again (first at %s): nginx -t: duplicate thread pool \"%s\"%s; rename one",
						d.Args[0].Value, rules.Line(first, d.File), d.Args[0].Value, where(d))
					continue
				}
				pools[d.Args[0].Value] = d
			}
		}
		if lv.ctx != spec.CtxHTTPMain {
			continue
		}
		for _, it := range lv.items {
			d := it.d
			if _, ok := ix.entryIn(d.Name, lv.ctx); !ok {
				continue
			}
			switch {
			case d.Name == "upstream" && d.Block != nil && len(d.Args) == 1:
				key := strings.ToLower(d.Args[0].Value)
				if first := upstreams[key]; first != nil {
					p.Report(spanAt(d, rules.DirectiveSpan(d)), "upstream %s is defined again (first at %s): nginx -t: duplicate upstream \"%s\"%s; rename one",
						d.Args[0].Value, rules.Line(first, d.File), d.Args[0].Value, where(d))
					continue
				}
				upstreams[key] = d
			case d.Block == nil:
				// nginx adds a cache path before its zone
				if dir, ok := spec.CachePath(d.Name, args(d)); ok {
					if first := paths[dir]; first != nil {
						p.Report(spanAt(d, rules.DirectiveSpan(d)), "%s uses the directory of the %s at %s: nginx -t: the same path name \"%s\" used in %s:%s and%s; give each cache its own directory",
							d.Name, first.Name, rules.Line(first, d.File), dir, first.File.Path, itoa(nginxLine(first)), where(d))
						continue
					}
					paths[dir] = d
				}
				if z, ok := spec.ZoneOf(d.Name, args(d), false); ok && z.Declares() {
					first, seen := zones[z.Zone]
					if !seen {
						zones[z.Zone] = zoneDecl{d, z}
						continue
					}
					var nginx string
					switch {
					case first.z.Owner != z.Owner:
						nginx = "the shared memory zone \"" + z.Zone + "\" is already declared for a different use"
					case z.Size != first.z.Size:
						nginx = "the size of shared memory zone \"" + z.Zone + "\" conflicts with already declared size"
					case spec.ZoneLookedUpAtMerge(z):
						nginx = "duplicate zone \"" + z.Zone + "\""
					default:
						nginx = d.Name + " \"" + z.Zone + "\" is already bound to key \"" + first.d.Arg(0) + "\""
					}
					p.Report(spanAt(d, rules.DirectiveSpan(d)), "zone %s is declared again (first by %s at %s): nginx -t: %s%s; give this one another name",
						z.Zone, first.d.Name, rules.Line(first.d, d.File), nginx, where(d))
				}
			}
		}
	}
}
