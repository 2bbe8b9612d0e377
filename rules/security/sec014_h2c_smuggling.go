package security

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&h2cSmuggling{}) }

type h2cSmuggling struct{}

var h2cSmugglingMeta = &rules.Meta{
	ID: "SEC014", Name: "h2c-smuggling", Severity: rules.Warning,
	Doc: rules.Doc{
		Summary: "A location forwards the client's Upgrade header (and its Connection header) to a backend whose other paths nginx guards: an Upgrade: h2c request opens a tunnel past those checks.",
		Why: "nginx turns a proxied connection into a tunnel whenever the client sent an Upgrade header and the backend answers " +
			"101 Switching Protocols, whatever the protocol. With proxy_set_header Upgrade $http_upgrade the backend gets the " +
			"client's value, h2c included, and with proxy_set_header Connection $http_connection it also gets the " +
			"HTTP2-Settings token that h2c needs. A backend that speaks cleartext HTTP/2 (Go's h2c handler, some Java and " +
			"Python servers) upgrades, and from then on the client sends any request down the tunnel: nginx no longer sees " +
			"them, so the allow/deny, auth_basic or internal of the backend's other locations does not apply (h2c " +
			"smuggling).",
		Bad: "server {\n    location / {\n        proxy_pass http://127.0.0.1:8080;\n        proxy_http_version 1.1;\n" +
			"        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $http_connection;\n    }\n\n" +
			"    location /admin/ {\n        allow 10.0.0.0/8;\n        deny all;\n        proxy_pass http://127.0.0.1:8080;\n    }\n}",
		Good: "map $http_upgrade $ws_upgrade {\n    default \"\";\n    ~*^websocket$ websocket;\n}\n\n" +
			"map $ws_upgrade $ws_connection {\n    default upgrade;\n    \"\" close;\n}\n\n" +
			"server {\n    location / {\n        proxy_pass http://127.0.0.1:8080;\n        proxy_http_version 1.1;\n" +
			"        proxy_set_header Upgrade $ws_upgrade;\n        proxy_set_header Connection $ws_connection;\n    }\n\n" +
			"    location /admin/ {\n        allow 10.0.0.0/8;\n        deny all;\n        proxy_pass http://127.0.0.1:8080;\n    }\n}",
		Fix: "Forward Upgrade only when it asks for WebSocket: map $http_upgrade $ws_upgrade { default \"\"; ~*^websocket$ websocket; } " +
			"and proxy_set_header Upgrade $ws_upgrade; with Connection from a map on $ws_upgrade (upgrade, or close when " +
			"empty). Never forward the client's Connection header.",
		SeverityNote: "Warning when the client's Upgrade and Connection headers both reach a backend that another location " +
			"guards (shown end to end with a backend that accepts h2c); info when Connection is the fixed upgrade of the " +
			"WebSocket idiom (a backend that follows RFC 7540 wants HTTP2-Settings in Connection and refuses); when no " +
			"guarded location shares the backend, nothing is reported unless security: strict (info: the tunnel still skips " +
			"nginx's processing). Whether the backend speaks h2c is not in the configuration.",
		Since: "0.2.0",
		Refs: []string{"https://nginx.org/en/docs/http/websocket.html",
			"https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header",
			"RFC 7540"},
	},
}

func (*h2cSmuggling) Meta() *rules.Meta { return h2cSmugglingMeta }

// backendKey names what a proxy_pass connects to: an upstream, or a host
// and port; "" when variables choose it.
func backendKey(c *model.Config, d *parser.Directive) string {
	t, ok := c.ProxyTarget(d)
	if !ok || t.Variables {
		return ""
	}
	if t.Upstream != nil && t.Upstream.Dir != nil {
		return "upstream " + strings.ToLower(t.Upstream.Dir.Arg(0))
	}
	if t.Unix {
		return strings.ToLower(d.Arg(0))
	}
	port := t.Port
	if port == "" {
		port = map[string]string{"https": "443"}[t.Scheme]
		if port == "" {
			port = "80"
		}
	}
	return strings.ToLower(t.Host) + ":" + port
}

// headerEntry returns the proxy_set_header entry for a field in a list.
func headerEntry(l model.List, field string) (model.Entry, bool) {
	for _, e := range l.Entries {
		if len(e.D.Args) == 2 && strings.EqualFold(e.D.Arg(0), field) {
			return e, true
		}
	}
	return model.Entry{}, false
}

// upgradesConnection reports whether a Connection value says upgrade when
// the client asks for one: a literal upgrade, or a map on $http_upgrade
// that yields it.
func upgradesConnection(c *model.Config, v string) bool {
	if strings.Contains(strings.ToLower(v), "upgrade") && !strings.Contains(v, "$") {
		return true
	}
	for _, name := range model.Variables(v) {
		m, ok := c.Maps[strings.ToLower(name)]
		if !ok || !strings.EqualFold(m.Source, "$http_upgrade") {
			continue
		}
		values := []string{}
		if m.Default != nil {
			values = append(values, m.Default.Value)
		}
		for _, en := range m.Entries {
			values = append(values, en.Value)
		}
		for _, x := range values {
			if strings.EqualFold(x, "upgrade") {
				return true
			}
		}
	}
	return false
}

func (*h2cSmuggling) Check(p *rules.Pass) {
	c := p.Cfg
	type proxied struct {
		loc *model.Block
		pp  *parser.Directive
		key string
	}
	var all []proxied
	guarded := map[string]*model.Block{} // backend -> the first location that guards it
	for _, b := range c.Locations {
		if b.Kind != model.Location {
			continue
		}
		pps := b.Own("proxy_pass")
		if len(pps) == 0 {
			continue
		}
		k := backendKey(c, pps[0].D)
		if k == "" {
			continue
		}
		all = append(all, proxied{b, pps[0].D, k})
		if guarded[k] == nil && b.AccessAt().Restricted() {
			guarded[k] = b
		}
	}
	// one finding per Upgrade line (a server-level list reaches several
	// locations): the most severe, else the first
	type cand struct {
		sev  rules.Severity
		d    *parser.Directive
		args []any
	}
	var cands []cand
	best := map[*parser.Directive]int{}
	for _, x := range all {
		l := x.loc.EffectiveList("proxy_set_header")
		up, ok := headerEntry(l, "Upgrade")
		if !ok || strings.TrimSpace(up.D.Arg(1)) != "$http_upgrade" {
			continue
		}
		conn, ok := headerEntry(l, "Connection")
		if !ok {
			continue // nginx sends Connection: close; no upgrade
		}
		if v, ok := x.loc.Scalar("proxy_http_version"); !ok || v.D.Arg(0) == "1.0" {
			continue // nginx talks HTTP/1.0 to the backend: no upgrade
		}
		if x.loc.AccessAt().Restricted() {
			continue // only the clients let in get the tunnel
		}
		cv := strings.TrimSpace(conn.D.Arg(1))
		passthrough := strings.EqualFold(cv, "$http_connection")
		if !passthrough && !upgradesConnection(c, cv) {
			continue
		}
		g := guarded[x.key]
		var sev rules.Severity
		switch {
		case passthrough && g != nil:
			sev = rules.Warning
		case g != nil:
			sev = rules.Info
		case passthrough && strict(p):
			sev = rules.Info // nothing guarded to bypass; WS019 notes the passthrough
		default:
			continue
		}
		what := "proxy_set_header Upgrade $http_upgrade with Connection " + cv
		if passthrough {
			what += " (the client's own Connection header, HTTP2-Settings token included)"
		}
		consequence := "and every request the client sends down it skips what nginx does here (logging, limits, header rules)"
		if g != nil {
			consequence = "and requests for " + g.Name() + " (" + rules.Line(g.Dir, up.D.File) + "), which nginx guards with " + guardName(g.AccessAt()) + ", go down it past that check"
		}
		if !passthrough {
			consequence += "; a backend that follows RFC 7540 refuses this h2c upgrade for lack of HTTP2-Settings in Connection, others accept it"
		}
		c := cand{sev, up.D, []any{x.loc.Name(), what, x.pp.Arg(0), consequence}}
		if i, ok := best[up.D]; !ok {
			best[up.D] = len(cands)
			cands = append(cands, c)
		} else if sev > cands[i].sev {
			cands[i] = c
		}
	}
	for _, c := range cands {
		p.ReportSev(c.sev, rules.DirectiveSpan(c.d),
			"%s forwards %s to %s: an Upgrade: h2c request gets a tunnel to the backend once it answers 101 (h2c smuggling), %s; forward Upgrade only for WebSocket (map $http_upgrade $ws_upgrade { default \"\"; ~*^websocket$ websocket; }) and never the client's Connection header",
			c.args...)
	}
}

// guardName names the check that guards a location, for messages.
func guardName(a model.Access) string {
	switch {
	case a.Internal != nil:
		return "internal"
	case a.AuthBasic != nil:
		return "auth_basic"
	case a.AuthRequest != nil:
		return "auth_request"
	}
	return "allow/deny"
}
