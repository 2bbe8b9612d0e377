package websocket

import "github.com/ngxlint/ngxlint/rules"

func init() { rules.Register(&http10Upstream{}) }

type http10Upstream struct{}

var http10UpstreamMeta = &rules.Meta{
	ID: "WS004", Name: "http-1.0-upstream", Severity: rules.Error, Fixable: true,
	Doc: rules.Doc{
		Summary: "A WebSocket location talks HTTP/1.0 to the backend.",
		Why: "Before nginx 1.29.7 (1.30.0 stable) proxy_pass speaks HTTP/1.0 to upstreams unless proxy_http_version 1.1 is set, " +
			"and RFC 6455 requires HTTP/1.1 for the handshake. Node's ws and gorilla accept it anyway; Python websockets (400), " +
			"coder/websocket (426 Upgrade Required), Cowboy/Phoenix and Mattermost refuse it. An explicit proxy_http_version 1.0 " +
			"breaks the same way on every version. From 1.29.7 on HTTP/1.1 is the default, so a missing directive is fine there.",
		Bad:  "location /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n}",
		Good: "location /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n}",
		Fix:  "Add proxy_http_version 1.1; (harmless on every version), or change 1.0 to 1.1. ngxlint fix does either.",
		SeverityNote: "The target version comes from --nginx-version or nginx-version in .ngxlint.yml. When it is unknown, ngxlint assumes an nginx older than 1.29.7 " +
			"(Debian 12 ships 1.22, Ubuntu 24.04 1.24) and says so in the message; with 1.29.7 or later a missing directive is not reported. " +
			"Official snippets that omit the directive (code-server, Gitea, the nginx.org page since 1.29.7) are correct only on 1.29.7+.",
		Since: "0.1.0",
		Refs:  []string{"https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_http_version"},
	},
}

func (*http10Upstream) Meta() *rules.Meta { return http10UpstreamMeta }

func (*http10Upstream) Check(p *rules.Pass) {
	for _, pl := range proxyLocationsOf(p) {
		in := pl.intent(p)
		if in.Evidence == noEvidence {
			continue
		}
		if e, ok := pl.Block.Scalar("proxy_http_version"); ok {
			if e.D.Arg(0) != "1.0" {
				continue // 1.1 is right; 2 is WS005's
			}
			p.ReportSev(in.Severity(rules.Error), rules.WordSpan(e.D, e.D.Args[0]),
				"proxy_http_version 1.0 makes %s proxy WebSocket%s over HTTP/1.0; RFC 6455 requires HTTP/1.1 and many servers refuse the handshake (400/426); use 1.1",
				pl.Block.Name(), because(in)).
				WithFix(&rules.Fix{Message: "use proxy_http_version 1.1", Edits: []rules.Edit{rules.ReplaceWord(e.D, e.D.Args[0], "1.1")}})
			continue
		}
		v := p.Cfg.Version
		if v.DefaultHTTP11() {
			continue
		}
		assumed := "nginx " + v.String()
		if !v.Known {
			assumed = "nginx before 1.29.7 (the target version is unknown, so ngxlint assumes an older one; set --nginx-version)"
		}
		f := p.ReportSev(in.Severity(rules.Error), anchor(pl.Block),
			"%s proxies WebSocket%s without proxy_http_version 1.1, so %s sends HTTP/1.0 upstream; RFC 6455 requires HTTP/1.1 and Python websockets, coder/websocket, Cowboy and Mattermost refuse the handshake; add proxy_http_version 1.1;",
			pl.Block.Name(), because(in), assumed)
		if e, ok := rules.InsertInLevel(pl.Block, nil, []string{httpVersionLine()}); ok {
			f.WithFix(&rules.Fix{Message: "add proxy_http_version 1.1", Edits: []rules.Edit{e}})
		}
	}
}
