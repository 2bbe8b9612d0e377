package websocket

import (
	"fmt"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&zeroTimeout{}) }

type zeroTimeout struct{}

var zeroTimeoutMeta = &rules.Meta{
	ID: "WS030", Name: "zero-timeout", Severity: rules.Error, Fixable: true,
	Doc: rules.Doc{
		Summary: "A timeout of 0 that makes nginx give up at once: proxy_connect_timeout 0 or client_header_timeout 0.",
		Why: "0 is not \"no timeout\" for nginx: the timer fires immediately. With proxy_connect_timeout 0 nginx abandons every " +
			"connection to the backend and answers 504 Gateway Time-out, WebSocket handshakes included. With client_header_timeout 0 " +
			"it drops every client connection before reading the request (\"client timed out while waiting for request\"; the " +
			"client sees a connection reset). Both pass nginx -t. Measured with nginx 1.22.1: 504 for a handshake and a plain GET; " +
			"connection reset for every request. (proxy_read_timeout 0 is WS017's.)",
		Bad:  "server {\n    client_header_timeout 0;\n\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_connect_timeout 0;\n    }\n}",
		Good: "server {\n    client_header_timeout 60s;\n\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_connect_timeout 5s;\n    }\n}",
		Fix: "Give the timeout a real value; to wait long, use a long value (proxy_connect_timeout rarely needs more than 75s, " +
			"which most systems cap it at). ngxlint fix writes nginx's default, 60s.",
		SeverityNote: "proxy_connect_timeout 0 is reported where a proxied location uses it; client_header_timeout 0 always.",
		Since:        "0.1.0",
		Refs:         []string{"https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_connect_timeout"},
	},
}

func (*zeroTimeout) Meta() *rules.Meta { return zeroTimeoutMeta }

func (*zeroTimeout) Check(p *rules.Pass) {
	// proxy_connect_timeout 0 where a proxied location uses it.
	used := map[*parser.Directive][]string{}
	var order []*parser.Directive
	for _, pl := range proxyLocationsOf(p) {
		e, ok := pl.Block.Scalar("proxy_connect_timeout")
		if !ok || !isZeroTime(e.D) {
			continue
		}
		if _, seen := used[e.D]; !seen {
			order = append(order, e.D)
		}
		used[e.D] = append(used[e.D], pl.Block.Name())
	}
	for _, d := range order {
		locs := used[d]
		where := locs[0]
		if len(locs) > 1 {
			where = fmt.Sprintf("%s and %d more location%s", locs[0], len(locs)-1, plural(len(locs)-1))
		}
		p.Report(rules.WordSpan(d, d.Args[0]),
			"proxy_connect_timeout 0 does not disable the timeout: nginx gives up connecting to the backend at once and answers 504 to every request in %s, WebSocket handshakes included; use a real value such as 5s or 60s",
			where).WithFix(zeroFix(d))
	}
	// client_header_timeout 0 anywhere it is written.
	walk(p, func(_ *model.Block, e model.Entry) {
		if e.D.Name == "client_header_timeout" && isZeroTime(e.D) {
			p.Report(rules.WordSpan(e.D, e.D.Args[0]),
				"client_header_timeout 0 does not disable the timeout: nginx drops every client connection before reading its request (the client sees a reset); use a real value such as 60s").
				WithFix(zeroFix(e.D))
		}
	})
}

func isZeroTime(d *parser.Directive) bool {
	if len(d.Args) != 1 {
		return false
	}
	v, err := model.ParseTime(d.Args[0].Value, false)
	return err == nil && v == 0
}

func zeroFix(d *parser.Directive) *rules.Fix {
	return &rules.Fix{Message: "use nginx's default, 60s", Edits: []rules.Edit{rules.ReplaceWord(d, d.Args[0], "60s")}}
}
