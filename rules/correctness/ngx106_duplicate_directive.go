package correctness

import (
	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&duplicateDirective{}) }

type duplicateDirective struct{}

var duplicateDirectiveMeta = &rules.Meta{
	ID: "NGX106", Name: "duplicate-directive", Severity: rules.Error, Fixable: true,
	Doc: rules.Doc{
		Summary: "A directive nginx takes once per level written twice at the same level (root, alias, proxy_pass, gzip, client_max_body_size...).",
		Why: "The setters of most directives refuse a second value at the same level: nginx -t fails with `\"NAME\" directive is " +
			"duplicate` (root after alias: `\"root\" directive is duplicate, \"alias\" directive was specified earlier`). Which " +
			"directives may repeat (add_header, proxy_set_header, allow, limit_req with different zones...) is read from nginx's " +
			"source: a directive counts as once-only when its setter returns \"is duplicate\". Includes count at the level they are " +
			"written at.",
		Bad:   "location / {\n    root /srv/a;\n    root /srv/b;\n}",
		Good:  "location / {\n    root /srv/b;\n}",
		Fix:   "Keep one. ngxlint fix deletes the second when it repeats the first word for word.",
		Since: "0.2.0",
		Refs:  []string{"https://github.com/nginx/nginx/blob/master/src/core/ngx_conf_file.c"},
	},
}

func (*duplicateDirective) Meta() *rules.Meta { return duplicateDirectiveMeta }

// rootAlias pairs the directives that share one setting.
var rootAlias = map[string]string{"root": "alias", "alias": "root"}

func (*duplicateDirective) Check(p *rules.Pass) {
	ix := indexOf(p)
	for _, lv := range ix.levels {
		seen := map[string]*parser.Directive{}
		zones := map[string]*parser.Directive{}
		for i, it := range lv.items {
			d := it.d
			if z, ok := spec.LimitZone(d.Name, args(d)); ok && d.Block == nil {
				if _, known := ix.entryIn(d.Name, lv.ctx); known && lv.ctx&(spec.CtxHTTPMain|spec.CtxHTTPServer|spec.CtxHTTPLocation) != 0 {
					key := d.Name + " " + z
					if first := zones[key]; first != nil {
						p.Report(spanAt(d, rules.WordSpan(d, d.NameW())),
							"%s applies zone %s a second time in the same %s (first at %s): nginx -t: \"%s\" directive is duplicate%s; keep one",
							d.Name, z, levelWord(lv), rules.Line(first, d.File), d.Name, where(d))
						continue
					}
					zones[key] = d
				}
			}
			e, ok := ix.entryIn(d.Name, lv.ctx)
			if !ok || !e.Once || !e.ArgsOK(len(d.Args)) || (e.Block() != (d.Block != nil)) {
				continue
			}
			first := seen[d.Name]
			other := rootAlias[d.Name]
			if first == nil && other != "" {
				if o := seen[other]; o != nil {
					p.Report(spanAt(d, rules.WordSpan(d, d.NameW())),
						"%s after %s (%s) in the same %s: nginx -t: \"%s\" directive is duplicate, \"%s\" directive was specified earlier%s; keep one of them",
						d.Name, other, rules.Line(o, d.File), levelWord(lv), d.Name, other, where(d))
					continue
				}
			}
			if first == nil {
				seen[d.Name] = d
				continue
			}
			f := p.Report(spanAt(d, rules.WordSpan(d, d.NameW())),
				"%s is written twice in the same %s (first at %s): nginx -t: \"%s\" directive is duplicate%s; keep one",
				d.Name, levelWord(lv), rules.Line(first, d.File), d.Name, where(d))
			if ix.via(lv, i) == nil && d.Block == nil && sameWords(first, d) {
				f.WithFix(&rules.Fix{Message: "delete the repeated " + d.Name, Edits: []rules.Edit{rules.DeleteDirective(d)}})
			}
		}
	}
}

func levelWord(lv *level) string {
	if lv.dir == nil {
		return "level"
	}
	return lv.dir.Name + " block"
}

func sameWords(a, b *parser.Directive) bool {
	if a.Name != b.Name || len(a.Args) != len(b.Args) {
		return false
	}
	for i := range a.Args {
		if a.Args[i].Value != b.Args[i].Value {
			return false
		}
	}
	return true
}
