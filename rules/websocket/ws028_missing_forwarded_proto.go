package websocket

import (
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&missingForwardedProto{}) }

type missingForwardedProto struct{}

// schemeHeaders tell a backend the scheme the client used.
var schemeHeaders = []string{"X-Forwarded-Proto", "Forwarded", "X-Forwarded-Scheme", "X-Scheme", "X-Forwarded-Ssl", "Front-End-Https", "X-Url-Scheme"}

var missingForwardedProtoMeta = &rules.Meta{
	ID: "WS028", Name: "missing-forwarded-proto", Severity: rules.Info, Fixable: true,
	Doc: rules.Doc{
		Summary: "A WebSocket location on a TLS server does not tell the backend the client used https/wss.",
		Why: "nginx terminates TLS and talks plain HTTP to the backend, which then believes the client used http:// and ws://. " +
			"Applications that rebuild the page's origin to check Origin compare https://example.com with http://example.com and " +
			"refuse the handshake: Rails Action Cable builds it from X-Forwarded-Proto (\"#{proto}://#{HTTP_HOST}\") and answers " +
			"404. Others build wrong absolute URLs, redirects or cookie flags. proxy_set_header X-Forwarded-Proto $scheme; passes " +
			"the real scheme; like every proxy_set_header it is inherited only by levels that set none of their own.",
		Bad: "server {\n    listen 443 ssl;\n\n    location /cable {\n        proxy_pass http://127.0.0.1:3000;\n        proxy_http_version 1.1;\n" +
			"        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_set_header Host $host;\n    }\n}",
		Good: "server {\n    listen 443 ssl;\n\n    location /cable {\n        proxy_pass http://127.0.0.1:3000;\n        proxy_http_version 1.1;\n" +
			"        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_set_header Host $host;\n" +
			"        proxy_set_header X-Forwarded-Proto $scheme;\n    }\n}",
		Fix: "Add proxy_set_header X-Forwarded-Proto $scheme;. ngxlint fix adds it at the level whose proxy_set_header list the " +
			"location uses, so no inherited header is dropped.",
		SeverityNote: "Info only, and only where it earns its place: the location is the endpoint of an application known to " +
			"build the origin from the scheme (Action Cable), or it is declared WebSocket (a comment, --ws-path) and the application " +
			"is unknown, at most one note per server. Many WebSocket servers never look at the scheme; headers alone, or a known " +
			"application that does not need it, give nothing. A TLS server is one with listen ... ssl, " +
			"listen ... quic or ssl on. Forwarded, X-Forwarded-Scheme, X-Scheme (JupyterHub's guide), X-Forwarded-Ssl, " +
			"Front-End-Https and X-Url-Scheme count as telling the scheme.",
		Since: "0.1.0",
		Refs:  []string{"https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header"},
	},
}

func (*missingForwardedProto) Meta() *rules.Meta { return missingForwardedProtoMeta }

func (*missingForwardedProto) Check(p *rules.Pass) {
	noted := map[*model.Block]bool{} // one note per server
	for _, pl := range proxyLocationsOf(p) {
		in := pl.intent(p)
		if in.Evidence == noEvidence {
			continue
		}
		srv := pl.Block.Server()
		if srv == nil || srv.Synthetic || !srv.TLS() || noted[srv] {
			continue
		}
		app := wsAppFor(pl.Block, in)
		needs := app != nil && app.SchemeInOrigin && in.Certain()
		declared := app == nil && in.Has(declared)
		if !needs && !declared {
			continue
		}
		hs := pl.headers(p)
		told := false
		for _, h := range schemeHeaders {
			if len(hs.Get(h)) > 0 {
				told = true
			}
		}
		if told {
			continue
		}
		t, _ := p.Cfg.ProxyTarget(pl.Handler.D)
		if t.Scheme == "https" {
			continue // the backend sees TLS itself
		}
		noted[srv] = true
		f := p.Report(anchor(pl.Block),
			"%s proxies WebSocket%s on a TLS server but sets no X-Forwarded-Proto, so the backend believes the client used http:// and ws://; apps that rebuild the origin from it (Action Cable, which answers 404) refuse the handshake, others build wrong URLs; add proxy_set_header X-Forwarded-Proto $scheme;",
			pl.Block.Name(), because(in))
		level := hs.Level
		if level == nil {
			level = pl.Block
		}
		if e, ok := rules.InsertInLevel(level, []string{"proxy_set_header"}, []string{"proxy_set_header X-Forwarded-Proto $scheme;"}); ok {
			f.WithFix(&rules.Fix{Message: "pass the scheme", Edits: []rules.Edit{e}})
		}
	}
}
