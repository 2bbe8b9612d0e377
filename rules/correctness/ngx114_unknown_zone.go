package correctness

import (
	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&unknownZone{}) }

type unknownZone struct{}

var unknownZoneMeta = &rules.Meta{
	ID: "NGX114", Name: "unknown-zone", Severity: rules.Error,
	Doc: rules.Doc{
		Summary: "proxy_cache, limit_req, limit_conn or an upstream's zone names a shared memory zone that nothing declares.",
		Why: "A zone is declared once, with its size: proxy_cache_path (and fastcgi_, uwsgi_, scgi_cache_path) keys_zone=NAME:SIZE, " +
			"limit_req_zone and limit_conn_zone zone=NAME:SIZE, `zone NAME SIZE` in an upstream. The directives that use it name " +
			"it only. When no declaration of the same kind exists in the whole configuration, nginx -t fails: for the *_cache " +
			"directives with `\"proxy_cache\" zone \"NAME\" is unknown` on the line of http's closing }, for the others with " +
			"`zero size shared memory zone \"NAME\"` and no line at all; when the name is declared for another kind of zone, with " +
			"`the shared memory zone \"NAME\" is already declared for a different use`. A renamed zone or a typo is the usual " +
			"cause. ngxlint reports it only when it has read the whole configuration (nginx.conf and every file it includes): a " +
			"fragment linted alone may use a zone its nginx.conf declares.",
		Bad:   "events {}\nhttp {\n    proxy_cache_path /var/cache/nginx/pages keys_zone=pages:10m;\n    server {\n        location / {\n            proxy_cache page;\n            proxy_pass http://127.0.0.1:8080;\n        }\n    }\n}",
		Good:  "events {}\nhttp {\n    proxy_cache_path /var/cache/nginx/pages keys_zone=pages:10m;\n    server {\n        location / {\n            proxy_cache pages;\n            proxy_pass http://127.0.0.1:8080;\n        }\n    }\n}",
		Fix:   "Use the name the declaration gives, or declare the zone (with its size).",
		Since: "0.4.0",
		Refs: []string{"https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_cache",
			"https://nginx.org/en/docs/http/ngx_http_limit_req_module.html#limit_req",
			"https://github.com/nginx/nginx/blob/master/src/core/ngx_cycle.c"},
	},
}

func (*unknownZone) Meta() *rules.Meta { return unknownZoneMeta }

type zoneRef struct {
	d *parser.Directive
	z spec.ZoneUse
}

func (*unknownZone) Check(p *rules.Pass) {
	u := p.Cfg.Unit
	ix := indexOf(p)
	// only a whole configuration shows that nothing declares a zone
	if u == nil || u.Context != parser.CtxMain || ix.guess || len(u.Problems) > 0 {
		return
	}
	declared := map[[2]string]bool{} // owner, zone
	byName := map[string]zoneRef{}   // the first declaration of each name
	var uses []zoneRef
	var http *parser.Directive
	for _, lv := range ix.levels {
		if lv.ctx == spec.CtxHTTPMain && lv.dir != nil && http == nil {
			http = lv.dir
		}
		stream := lv.ctx&(spec.CtxStreamMain|spec.CtxStreamServer|spec.CtxStreamUpstream) != 0
		for _, it := range lv.items {
			d := it.d
			if d.Block != nil {
				continue
			}
			z, ok := spec.ZoneOf(d.Name, args(d), stream)
			if !ok {
				continue
			}
			if _, known := ix.entryIn(d.Name, lv.ctx); !known {
				continue // not allowed here: NGX103's
			}
			if z.Declares() {
				declared[[2]string{z.Owner, z.Zone}] = true
				if _, seen := byName[z.Zone]; !seen {
					byName[z.Zone] = zoneRef{d, z}
				}
				continue
			}
			uses = append(uses, zoneRef{d, z})
		}
	}
	for _, r := range uses {
		if declared[[2]string{r.z.Owner, r.z.Zone}] {
			continue
		}
		d, z := r.d, r.z
		span := spanAt(d, argSpan(d, z.Arg))
		if other, ok := byName[z.Zone]; ok {
			p.Report(span, "zone %q is declared by %s at %s, for another use than %s: nginx -t: the shared memory zone \"%s\" is already declared for a different use "+
				"(on the later of the two lines); declare a zone of its own for %s",
				z.Zone, other.d.Name, rules.Line(other.d, d.File), d.Name, z.Zone, d.Name)
			continue
		}
		nginx := "zero size shared memory zone \"" + z.Zone + "\" (nginx names no line)"
		if spec.ZoneLookedUpAtMerge(z) && http != nil && http.Block != nil {
			nginx = "\"" + d.Name + "\" zone \"" + z.Zone + "\" is unknown in " + http.File.Path + ":" + itoa(http.File.Position(int(http.Block.Close)).Line)
		}
		p.Report(span, "no directive declares zone %q for %s: nginx -t: %s; %s",
			z.Zone, d.Name, nginx, zoneAdvice(z, declared))
	}
}

// argSpan is the span of d's argument i, or of the directive when it has
// no such argument.
func argSpan(d *parser.Directive, i int) rules.Span {
	if i < len(d.Args) {
		return rules.Span{File: d.File, Start: int(d.Args[i].Start), End: int(d.Args[i].End)}
	}
	return rules.DirectiveSpan(d)
}

// zoneAdvice names the zone of the same kind one edit away, or says what
// declares one.
func zoneAdvice(z spec.ZoneUse, declared map[[2]string]bool) string {
	best := ""
	for k := range declared {
		if k[0] != z.Owner || editDistance(k[1], z.Zone) > 1 {
			continue
		}
		if best == "" || k[1] < best {
			best = k[1]
		}
	}
	if best != "" {
		return "did you mean \"" + best + "\"?"
	}
	return "declare it with its size (" + declaredBy(z) + "), or use the name its declaration gives"
}

func declaredBy(z spec.ZoneUse) string {
	switch z.Owner {
	case "limit_req":
		return "limit_req_zone KEY zone=" + z.Zone + ":SIZE rate=R"
	case "http limit_conn", "stream limit_conn":
		return "limit_conn_zone KEY zone=" + z.Zone + ":SIZE"
	case "http upstream zone", "stream upstream zone":
		return "zone " + z.Zone + " SIZE in one upstream"
	}
	return z.Owner + "_path PATH keys_zone=" + z.Zone + ":SIZE"
}
