package correctness

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

func init() {
	rules.Register(&unknownDirective{})
	rules.Register(&thirdPartyDirective{})
}

type unknownDirective struct{}

var unknownDirectiveMeta = &rules.Meta{
	ID: "NGX101", Name: "unknown-directive", Severity: rules.Error, Fixable: true,
	Doc: rules.Doc{
		Summary: "A directive no module of nginx declares (for the target nginx version): a typo, a wrong case, or a directive of another version.",
		Why: "nginx looks every directive up, case-sensitively, in the ngx_command_t arrays of its modules; a name no module declares " +
			"stops it with `unknown directive \"NAME\"` (nginx -t fails). ngxlint's table is generated from nginx's own source at every " +
			"release, so a directive added later (http2 before 1.25.1) or removed (ssl before 1.25.1 and gone since) is judged for the " +
			"--nginx-version given. Third-party modules' directives are NGX102's, not this rule's.",
		Bad:  "location / {\n    proxy_pas http://127.0.0.1:8080;\n}",
		Good: "location / {\n    proxy_pass http://127.0.0.1:8080;\n}",
		Fix: "Write the name nginx knows. ngxlint fix renames it when exactly one directive allowed here is one edit away " +
			"(a letter added, dropped, changed or two swapped) or differs only in case.",
		SeverityNote: "A warning instead when the target version is unknown and the directive existed only in older nginx " +
			"(ssl on), or when the configuration loads a module ngxlint does not know, which may declare it.",
		Since: "0.2.0",
		Refs:  []string{"https://nginx.org/en/docs/dirindex.html", "https://github.com/nginx/nginx/blob/master/src/core/ngx_conf_file.c"},
	},
}

func (*unknownDirective) Meta() *rules.Meta { return unknownDirectiveMeta }

func (*unknownDirective) Check(p *rules.Pass) {
	ix := indexOf(p)
	for _, lv := range ix.levels {
		for _, it := range lv.items {
			d := it.d
			if len(ix.entries(d.Name)) > 0 || len(spec.ThirdParty(d.Name)) > 0 || !validName(d.Name) {
				continue
			}
			all := spec.Directives(d.Name)
			at := spanAt(d, rules.WordSpan(d, d.NameW()))
			if len(all) > 0 {
				// nginx has it, in other versions than the target
				removed, since := "", ""
				for _, e := range all {
					if e.Until != "" && !ix.version.Before(e.Until) {
						removed = e.Until
					}
					if e.Since != "" && ix.version.Before(e.Since) {
						since = e.Since
					}
				}
				switch {
				case !ix.version.Known:
					p.ReportSev(rules.Warning, at, "%s was removed in nginx %s: from that version on, nginx -t fails with unknown directive \"%s\"%s; %s",
						d.Name, removed, d.Name, where(d), removedAdvice(d.Name))
				case since != "":
					p.Report(at, "%s appeared in nginx %s, after the target %s: nginx -t: unknown directive \"%s\"%s; upgrade nginx or leave it out",
						d.Name, since, ix.version, d.Name, where(d))
				default:
					p.Report(at, "%s was removed in nginx %s, before the target %s: nginx -t: unknown directive \"%s\"%s; %s",
						d.Name, removed, ix.version, d.Name, where(d), removedAdvice(d.Name))
				}
				continue
			}
			sev := rules.Error
			note := ""
			if ix.loadsUnknown {
				sev = rules.Warning
				note = " unless a module this configuration loads declares it"
			}
			msg := fmt.Sprintf("nginx has no directive %s: nginx -t: unknown directive \"%s\"%s%s", d.Name, d.Name, where(d), note)
			sugg, fixable := suggest(d.Name, lv.ctx)
			if sugg != "" {
				msg += "; did you mean " + sugg + "?"
			}
			f := p.ReportSev(sev, at, "%s", msg)
			if fixable {
				f.WithFix(&rules.Fix{Message: "rename " + d.Name + " to " + sugg,
					Edits: []rules.Edit{{File: d.File, Start: int(d.NameW().Start), End: int(d.NameW().End), New: sugg}}})
			}
		}
	}
}

// validName is false for names the scanner could not read as one word
// (a quoted name with spaces, an empty one): NGX001's business.
func validName(n string) bool { return n != "" && !strings.ContainsAny(n, " \t\r\n{};") }

func removedAdvice(name string) string {
	switch name {
	case "ssl":
		return "write ssl on the listen directive instead (listen 443 ssl)"
	case "spdy_chunk_size", "spdy_headers_comp", "spdy_keepalive_timeout", "spdy_max_concurrent_streams",
		"spdy_pool_size", "spdy_recv_buffer_size", "spdy_recv_timeout", "spdy_streams_index_size":
		return "use the http2_* directives"
	}
	return "remove it"
}

// suggest returns the directive name allowed in ctx closest to name, when
// one is clearly meant; fixable when it is one edit away (or differs only
// in case) and no other candidate is as close.
func suggest(name string, ctx spec.Ctx) (string, bool) {
	best, bestD, ties := "", 3, 0
	consider := func(c string) {
		if c == name {
			return
		}
		dist := editDistance(name, c)
		if strings.EqualFold(c, name) {
			dist = 0
		}
		switch {
		case dist < bestD:
			best, bestD, ties = c, dist, 1
		case dist == bestD && c != best:
			ties++
		}
	}
	for _, c := range spec.Names() {
		if spec.AllowedIn(c)&ctx != 0 {
			consider(c)
		}
	}
	limit := 2
	if len(name) <= 4 {
		limit = 1
	}
	if best == "" || bestD > limit {
		return "", false
	}
	if ties > 1 {
		// several names are as close: name them, fix none
		var cands []string
		for _, c := range spec.Names() {
			if spec.AllowedIn(c)&ctx != 0 && c != name && (editDistance(name, c) == bestD || bestD == 0 && strings.EqualFold(c, name)) {
				cands = append(cands, c)
			}
		}
		sort.Strings(cands)
		if len(cands) > 3 {
			cands = cands[:3]
		}
		return strings.Join(cands, " or "), false
	}
	return best, bestD <= 1
}

// editDistance is the optimal-string-alignment distance (adjacent swaps
// count as one edit), case-sensitive like nginx's names.
func editDistance(a, b string) int {
	if d := len(a) - len(b); d > 2 || d < -2 {
		return 3
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

type thirdPartyDirective struct{}

var thirdPartyDirectiveMeta = &rules.Meta{
	ID: "NGX102", Name: "third-party-directive", Severity: rules.Info,
	Doc: rules.Doc{
		Summary: "A directive of a third-party module (headers-more, Lua, njs, brotli, GeoIP2, VTS...) or of NGINX Plus, in a configuration that does not load that module.",
		Why: "nginx knows a module's directives only when the module is built in or loaded with load_module; without it nginx -t " +
			"fails with unknown directive. Distribution packages often load modules from a file outside the configuration being " +
			"checked (Debian's modules-enabled/), so ngxlint cannot tell and says so at info. The module list comes from the " +
			"sources of the modules Debian ships as libnginx-mod-* and the NGINX Plus reference. Silent when a load_module of " +
			"the configuration names the module.",
		Bad:   "location / {\n    more_set_headers \"Server: web\";\n}",
		Good:  "load_module modules/ngx_http_headers_more_filter_module.so;\n\nhttp {\n    server {\n        location / {\n            more_set_headers \"Server: web\";\n        }\n    }\n}",
		Fix:   "Install and load the module (load_module, or the distribution's package), or remove the directive.",
		Since: "0.2.0",
		Refs:  []string{"https://nginx.org/en/docs/ngx_core_module.html#load_module"},
	},
}

func (*thirdPartyDirective) Meta() *rules.Meta { return thirdPartyDirectiveMeta }

func (*thirdPartyDirective) Check(p *rules.Pass) {
	ix := indexOf(p)
	for _, lv := range ix.levels {
		for _, it := range lv.items {
			d := it.d
			tp := spec.ThirdParty(d.Name)
			if len(tp) == 0 || len(ix.entries(d.Name)) > 0 {
				continue
			}
			var mods, pkgs []string
			loaded := false
			for _, e := range tp {
				if ix.loaded[e.Module] {
					loaded = true
				}
				mods = appendOnce(mods, e.Module)
				pkgs = appendOnce(pkgs, e.Package)
			}
			if loaded {
				continue
			}
			by := "the module " + strings.Join(mods, " or ") + " (" + strings.Join(pkgs, ", ") + ")"
			if pkgs[0] == "NGINX Plus" {
				by = "NGINX Plus (the commercial build)"
			}
			p.Report(spanAt(d, rules.WordSpan(d, d.NameW())),
				"%s is a directive of %s: unless that module is loaded (load_module, or a distribution file this configuration does not include), nginx -t fails with unknown directive \"%s\"%s",
				d.Name, by, d.Name, where(d))
		}
	}
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
