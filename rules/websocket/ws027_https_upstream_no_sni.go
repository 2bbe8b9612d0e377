package websocket

import (
	"strings"

	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&httpsUpstreamNoSNI{}) }

type httpsUpstreamNoSNI struct{}

var httpsUpstreamNoSNIMeta = &rules.Meta{
	ID: "WS027", Name: "https-upstream-no-sni", Severity: rules.Info, Fixable: true,
	Doc: rules.Doc{
		Summary: "A WebSocket location proxies to https://<hostname> without sending SNI.",
		Why: "proxy_ssl_server_name is off by default, so nginx opens the TLS connection to the backend without a server name. " +
			"A backend that picks its certificate or its site by SNI (a CDN, a PaaS, a shared ingress, most TLS reverse proxies) " +
			"then fails the TLS handshake or serves a default site, and the WebSocket handshake gets 502 or 421. WebSocket over an " +
			"HTTPS upstream otherwise works: the tunnel uses the same TLS connection.",
		Bad: "location /ws/ {\n    proxy_pass https://ws.example.net;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n" +
			"    proxy_set_header Connection \"upgrade\";\n}",
		Good: "location /ws/ {\n    proxy_pass https://ws.example.net;\n    proxy_ssl_server_name on;\n    proxy_http_version 1.1;\n" +
			"    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n}",
		Fix: "Add proxy_ssl_server_name on; (and proxy_ssl_name when the backend expects another name than the one in proxy_pass). " +
			"ngxlint fix adds the line after proxy_pass, or turns an explicit off in the location on.",
		SeverityNote: "Info only: many backends serve one certificate and need no SNI. Not reported for IP literals, localhost, " +
			"upstream{} names or addresses built from variables.",
		Since: "0.1.0",
		Refs:  []string{"https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_ssl_server_name"},
	},
}

func (*httpsUpstreamNoSNI) Meta() *rules.Meta { return httpsUpstreamNoSNIMeta }

func (*httpsUpstreamNoSNI) Check(p *rules.Pass) {
	for _, pl := range proxyLocationsOf(p) {
		if pl.Handler.D == nil {
			continue
		}
		in := pl.intent(p)
		if in.Evidence <= sharedHeaders {
			continue // nothing, or only shared boilerplate, says WebSocket
		}
		t, ok := p.Cfg.ProxyTarget(pl.Handler.D)
		if !ok || t.Scheme != "https" || t.Variables || t.Unix || t.Upstream != nil || t.Host == "" || t.IPLiteral() ||
			strings.EqualFold(t.Host, "localhost") {
			continue
		}
		sni, set := pl.Block.Scalar("proxy_ssl_server_name")
		if set && strings.EqualFold(sni.D.Arg(0), "on") {
			continue
		}
		d := pl.Handler.D
		state := "is off by default"
		if set {
			state = "is off (" + rules.Line(sni.D, d.File) + ")"
		}
		f := p.Report(rules.WordSpan(d, d.Args[0]),
			"%s proxies WebSocket%s to https://%s, but proxy_ssl_server_name %s, so nginx sends no SNI: a backend that chooses its certificate or site by name (CDN, PaaS, shared ingress) fails the TLS handshake and the WebSocket gets 502; add proxy_ssl_server_name on;",
			pl.Block.Name(), because(in), t.Authority(), state)
		if set && sni.Via == nil && len(sni.D.Args) == 1 {
			if _, lvl := pl.Block.Lookup("proxy_ssl_server_name"); lvl == pl.Block {
				f.WithFix(&rules.Fix{Message: "send SNI", Edits: []rules.Edit{rules.ReplaceWord(sni.D, sni.D.Args[0], "on")}})
				continue
			}
		}
		if e, ok := rules.InsertInLevel(pl.Block, []string{"proxy_ssl_name"}, []string{"proxy_ssl_server_name on;"}); ok {
			f.WithFix(&rules.Fix{Message: "send SNI", Edits: []rules.Edit{e}})
		}
	}
}
