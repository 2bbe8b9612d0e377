package websocket

import (
	"fmt"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&closeMapDefeatsKeepalive{}) }

type closeMapDefeatsKeepalive struct{}

var closeMapDefeatsKeepaliveMeta = &rules.Meta{
	ID: "WS018", Name: "close-map-defeats-keepalive", Severity: rules.Info, Fixable: true,
	Doc: rules.Doc{
		Summary: "The Connection map sends Connection: close on normal requests to an upstream that keeps connections alive.",
		Why: "The canonical map (default upgrade; '' close;) gives close when the request has no Upgrade header, so every normal " +
			"request through the location tells the backend to close the connection, and nginx opens a new one for the next request: " +
			"the upstream keepalive cache never keeps anything. Mapping the empty case to '' sends no Connection header at all, so " +
			"keepalive works while WebSocket handshakes still get upgrade; kubernetes/ingress-nginx generates exactly that when " +
			"upstream keepalive is on. An upstream{} keeps connections with keepalive N, and from nginx 1.29.7 (1.30.0 stable) without " +
			"any keepalive directive (keepalive 32 local by default) unless keepalive 0 turns it off. WebSocket itself works either way: " +
			"after a 101 nginx never returns the connection to the pool.",
		Bad:  "map $http_upgrade $connection_upgrade {\n    default upgrade;\n    ''      close;\n}\n\nupstream backend {\n    server 127.0.0.1:8080;\n    keepalive 16;\n}\n\nserver {\n    location / {\n        proxy_pass http://backend;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;\n    }\n}",
		Good: "map $http_upgrade $connection_upgrade {\n    default upgrade;\n    ''      '';\n}\n\nupstream backend {\n    server 127.0.0.1:8080;\n    keepalive 16;\n}\n\nserver {\n    location / {\n        proxy_pass http://backend;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;\n    }\n}",
		Fix:  "Change the map's '' close; to '' '';. ngxlint fix rewrites the value, or adds '' ''; when the close comes from the default.",
		SeverityNote: "Always info: nothing breaks, upstream connections are only reused less. Reported only when proxy_pass names an upstream{} " +
			"block; the target nginx version (--nginx-version) decides whether an upstream without keepalive keeps connections.",
		Since: "0.1.0",
		Refs:  []string{"https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive"},
	},
}

func (*closeMapDefeatsKeepalive) Meta() *rules.Meta { return closeMapDefeatsKeepaliveMeta }

func (*closeMapDefeatsKeepalive) Check(p *rules.Pass) {
	seen := map[*parser.Directive]bool{}
	for _, pl := range proxyLocationsOf(p) {
		u, on, kd := locationKeepalive(p.Cfg, pl)
		if u == nil || !on {
			continue
		}
		for _, h := range pl.headers(p).Get("Connection") {
			if st, _ := connectionStatusOf(p, h.Value()); st != connUpgrade {
				continue // WS002, WS009 and WS013 speak about those
			}
			plain, known := p.Cfg.Expand(h.Value(), model.PlainRequest)
			if !known || !hasToken(plain, "close") {
				continue
			}
			d := h.Entry.D
			m, entry := closeEntry(p.Cfg, h.Value())
			key := d
			if entry != nil {
				key = entry.D
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			ka := keepaliveWhy(p.Cfg, u, kd, d.File)
			if entry == nil || !reported(p.Cfg, entry.D.File) {
				p.ReportSev(rules.Info, rules.WordSpan(d, d.Args[1]),
					"proxy_set_header Connection %s sends Connection: close on every normal request through %s while %s: nginx opens a new upstream connection for each request; send no Connection header when $http_upgrade is empty",
					d.File.Raw(d.Args[1]), pl.Block.Name(), ka)
				continue
			}
			ef := entry.D.File
			ka = keepaliveWhy(p.Cfg, u, kd, ef)
			f := p.ReportSev(rules.Info, rules.WordSpan(entry.D, entry.ValueWord()),
				"map $%s gives %q for a request without Upgrade (%s %s), so proxy_set_header Connection in %s (%s) sends Connection: close on every normal request while %s: nginx opens a new upstream connection for each request; map '' to '' to send no Connection header",
				m.Target, entry.Value, ef.Raw(entry.D.NameW()), ef.Raw(entry.ValueWord()), pl.Block.Name(), rules.Line(d, ef), ka)
			mapKeepaliveFix(f, m, entry)
		}
	}
}

// closeEntry finds the map line that gives a Connection value its "close"
// for a request without Upgrade: value must be one map variable whose
// result for such a request is a literal. It returns nil otherwise.
func closeEntry(cfg *model.Config, value string) (*model.Map, *model.MapEntry) {
	vars := model.Variables(value)
	if len(vars) != 1 || !isSingleVar(value) {
		return nil, nil
	}
	m, ok := cfg.Map(vars[0])
	if !ok {
		return nil, nil
	}
	in, known := cfg.Expand(m.Source, model.PlainRequest)
	if !known {
		return nil, nil
	}
	v, entry, known := m.Eval(in)
	if !known || entry == nil || strings.Contains(v, "$") || !hasToken(v, "close") {
		return nil, nil
	}
	return m, entry
}

// isSingleVar reports whether a value is exactly one variable reference.
func isSingleVar(v string) bool {
	if !strings.HasPrefix(v, "$") {
		return false
	}
	name := strings.Trim(v[1:], "{}")
	for _, c := range name {
		if c != '_' && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return name != ""
}

// reported reports whether findings in file f are shown for this unit.
func reported(cfg *model.Config, f *parser.File) bool {
	return cfg.Unit.Report == nil || cfg.Unit.Report[f]
}

// mapKeepaliveFix makes the map give ” for a request without Upgrade:
// rewrite the ” line's value, or add a ” line when the default gives close.
func mapKeepaliveFix(f *rules.Finding, m *model.Map, entry *model.MapEntry) {
	if entry != m.Default {
		w := entry.ValueWord()
		f.WithFix(&rules.Fix{Message: "map '' to ''", Edits: []rules.Edit{{File: entry.D.File, Start: int(w.Start), End: int(w.End), New: "''"}}})
		return
	}
	if m.Dir.Block == nil || len(m.Dir.Block.Directives) == 0 {
		return
	}
	body := m.Dir.Block.Directives
	last := body[len(body)-1]
	if last.Name == "include" {
		f.NoFix = fmt.Sprintf("the map's lines come from include %s; add '' ''; there", last.Arg(0))
		return
	}
	f.WithFix(&rules.Fix{Message: "add '' '' to the map", Edits: []rules.Edit{rules.InsertAfter(last, []string{"'' '';"})}})
}
