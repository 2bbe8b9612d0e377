package websocket

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&connectionPassthrough{}) }

type connectionPassthrough struct{}

var connectionPassthroughMeta = &rules.Meta{
	ID: "WS019", Name: "connection-passthrough", Severity: rules.Info, Fixable: true,
	Doc: rules.Doc{
		Summary: "proxy_set_header Connection $http_connection forwards the client's own Connection header.",
		Why: "It works for WebSocket: browsers send Connection: Upgrade (Chrome) or keep-alive, Upgrade (Firefox), and nginx passes " +
			"that on, so the backend sees the upgrade token. Gitea's and the Servarr wiki's official configurations use it. But it also " +
			"forwards whatever hop-by-hop tokens a client sends on normal requests (keep-alive, close, or names of other headers), " +
			"which are meant for nginx, not for the backend. The map on $http_upgrade sends exactly upgrade for a handshake and a " +
			"value nginx chooses otherwise.",
		Bad:  "upstream app {\n    server 127.0.0.1:3000;\n    keepalive 8;\n}\n\nserver {\n    location / {\n        proxy_pass http://app;\n        proxy_http_version 1.1;\n        proxy_set_header Connection $http_connection;\n        proxy_set_header Upgrade $http_upgrade;\n    }\n}",
		Good: "upstream app {\n    server 127.0.0.1:3000;\n    keepalive 8;\n}\n\nmap $http_upgrade $connection_upgrade {\n    default upgrade;\n    ''      '';\n}\n\nserver {\n    location / {\n        proxy_pass http://app;\n        proxy_http_version 1.1;\n        proxy_set_header Connection $connection_upgrade;\n        proxy_set_header Upgrade $http_upgrade;\n    }\n}",
		Fix: "Use proxy_set_header Connection $connection_upgrade; with the map in http{}. ngxlint fix rewrites the value and adds the map " +
			"when none exists; when an upstream{} keeps connections alive, the map sends no Connection header on normal requests " +
			"('' '') so that keepalive keeps working.",
		SeverityNote: "Info, and only where it costs something: the location proxies to an upstream{} that keeps connections " +
			"alive, where a client's Connection: close makes the backend close a connection nginx meant to reuse. Without " +
			"keepalive nothing is reported: the configuration works, and it is what official documentation recommends.",
		Since: "0.1.0",
		Refs:  []string{"https://nginx.org/en/docs/http/websocket.html"},
	},
}

func (*connectionPassthrough) Meta() *rules.Meta { return connectionPassthroughMeta }

func (*connectionPassthrough) Check(p *rules.Pass) {
	seen := map[*parser.Directive]bool{}
	for _, pl := range proxyLocationsOf(p) {
		if u, on, _ := locationKeepalive(p.Cfg, pl); u == nil || !on {
			continue // nginx does not reuse the connection anyway
		}
		for _, h := range pl.headers(p).Get("Connection") {
			if !isHTTPConnection(h.Value()) {
				continue
			}
			e := h.Entry
			if seen[e.At()] {
				continue
			}
			seen[e.At()] = true
			d := e.D
			f := p.ReportSev(rules.Info, entrySpan(e, 1),
				"proxy_set_header Connection %s%s forwards the client's Connection header: WebSocket works (browsers send Upgrade in it), but normal requests pass the client's hop-by-hop tokens to the backend, and a client's close ends an upstream connection nginx keeps alive for reuse; proxy_set_header Connection $connection_upgrade; with its map sends upgrade for a handshake and a value nginx chooses for everything else",
				d.File.Raw(d.Args[1]), viaNote(e))
			if e.Via != nil {
				f.NoFix = "it comes from include " + e.Via.Arg(0) + ", which other places may share"
				continue
			}
			edits := []rules.Edit{rules.ReplaceWord(d, d.Args[1], "$"+ConnectionVar)}
			mapEdit, needed, reason := connectionMapFixOf(p)
			if reason != "" {
				f.NoFix = reason
				continue
			}
			if needed {
				edits = append(edits, mapEdit)
			}
			f.WithFix(&rules.Fix{Message: "use $connection_upgrade and its map", Edits: edits})
		}
	}
}

// isHTTPConnection reports whether a value is just $http_connection.
func isHTTPConnection(v string) bool {
	return strings.EqualFold(v, "$http_connection") || strings.EqualFold(v, "${http_connection}")
}
