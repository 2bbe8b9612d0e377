package websocket

import (
	"fmt"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&http2UpstreamWS{}) }

type http2UpstreamWS struct{}

var http2UpstreamWSMeta = &rules.Meta{
	ID: "WS005", Name: "http2-upstream-ws", Severity: rules.Error, Fixable: true,
	Doc: rules.Doc{
		Summary: "A WebSocket location proxies to the backend over HTTP/2 (proxy_http_version 2), or an nginx older than 1.29.4 is given proxy_http_version 2 at all.",
		Why: "nginx 1.29.4 added proxy_http_version 2 (the proxy_v2 module), and that module has no upgrade code: it never switches a " +
			"connection to a tunnel. The Upgrade and Connection headers set with proxy_set_header are sent as HTTP/2 header fields, " +
			"which HTTP/2 forbids: an h2c backend answers 400 (request header \"Connection\" is not valid in HTTP/2) for WebSocket and " +
			"for ordinary requests alike, and an HTTP/1.1-only backend gets a 502 (upstream sent too large http2 frame). " +
			"Before 1.29.4, and in any build without the HTTP/2 module, the value does not exist and nginx -t fails with invalid value \"2\".",
		Bad: "location /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_http_version 2;\n" +
			"    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection $connection_upgrade;\n}",
		Good: "location /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_http_version 1.1;\n" +
			"    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection $connection_upgrade;\n}",
		Fix: "Use proxy_http_version 1.1 in the WebSocket location; keep HTTP/2 for the locations that want it by giving WebSocket its own location. " +
			"ngxlint fix changes 2 to 1.1 when the location sets it itself, and adds proxy_http_version 1.1; to the location when it inherits 2 " +
			"from server or http (so the other locations keep HTTP/2). It does not edit a shared include.",
		SeverityNote: "Error when the location is declared WebSocket or its path is a known application's endpoint; warning on a path hint alone, " +
			"unless the target nginx (--nginx-version) is older than 1.29.4, where nginx -t fails and the finding is always an error. " +
			"With such a target every proxy_http_version 2 is reported, WebSocket or not, since the configuration does not load.",
		Since: "0.1.0",
		Refs: []string{"https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_http_version",
			"https://nginx.org/en/CHANGES (1.29.4)"},
	},
}

func (*http2UpstreamWS) Meta() *rules.Meta { return http2UpstreamWSMeta }

func (*http2UpstreamWS) Check(p *rules.Pass) {
	v := p.Cfg.Version
	reported := map[*parser.Directive]bool{}
	for _, pl := range proxyLocationsOf(p) {
		in := pl.intent(p)
		if in.Evidence == noEvidence {
			continue
		}
		e, ok := pl.Block.Scalar("proxy_http_version")
		if !ok || e.D.Arg(0) != "2" {
			continue
		}
		_, level := pl.Block.Lookup("proxy_http_version")
		sev := in.Severity(rules.Error)
		var version string
		switch {
		case v.Before(spec.GateProxyHTTP2):
			sev = rules.Error
			version = fmt.Sprintf("; nginx %s does not even know the value: nginx -t fails with invalid value \"2\"", v)
		case !v.Known:
			version = "; before nginx 1.29.4 nginx -t even refuses the value (the target version is unknown; set --nginx-version)"
		}
		const what = "nginx's HTTP/2 proxy cannot upgrade a connection: it sends Upgrade and Connection as HTTP/2 fields, which are invalid there, " +
			"so the handshake fails (400 from an h2c backend, 502 from an HTTP/1.1 one)"
		if level == pl.Block {
			f := p.ReportSev(sev, rules.WordSpan(e.D, e.D.Args[0]),
				"proxy_http_version 2 makes %s proxy WebSocket%s over HTTP/2, and %s%s; use proxy_http_version 1.1 here (give HTTP/2 backends a location of their own)",
				pl.Block.Name(), because(in), what, version)
			if e.Via != nil {
				f.NoFix = fmt.Sprintf("the directive comes from %s, which other locations may share", rules.Line(e.D, e.Via.File))
				continue
			}
			reported[e.D] = true
			f.WithFix(&rules.Fix{Message: "use proxy_http_version 1.1", Edits: []rules.Edit{rules.ReplaceWord(e.D, e.D.Args[0], "1.1")}})
			continue
		}
		f := p.ReportSev(sev, anchor(pl.Block),
			"%s proxies WebSocket%s but inherits proxy_http_version 2 from %s (%s), and %s%s; add proxy_http_version 1.1; to this location",
			pl.Block.Name(), because(in), levelName(level), rules.Line(e.D, anchor(pl.Block).File), what, version)
		if ins, ok := rules.InsertInLevel(pl.Block, nil, []string{httpVersionLine()}); ok {
			f.WithFix(&rules.Fix{Message: "add proxy_http_version 1.1 to " + pl.Block.Name(), Edits: []rules.Edit{ins}})
		}
	}
	if !v.Before(spec.GateProxyHTTP2) {
		return
	}
	// On a target that predates the value, every proxy_http_version 2 stops nginx -t.
	walk(p, func(_ *model.Block, e model.Entry) {
		d := e.D
		if d.Name != "proxy_http_version" || d.Arg(0) != "2" || len(d.Args) != 1 || reported[d] {
			return
		}
		reported[d] = true
		p.ReportSev(rules.Error, rules.WordSpan(d, d.Args[0]),
			"nginx %s does not know proxy_http_version 2 (it came with nginx 1.29.4, in builds with the HTTP/2 module): nginx -t fails with invalid value \"2\"; use 1.1, or target a newer nginx with --nginx-version",
			v).WithFix(&rules.Fix{Message: "use proxy_http_version 1.1", Edits: []rules.Edit{rules.ReplaceWord(d, d.Args[0], "1.1")}})
	})
}
