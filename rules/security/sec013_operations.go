package security

import (
	"strconv"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&operations{}) }

type operations struct{}

var operationsMeta = &rules.Meta{
	ID: "SEC013", Name: "operations-traps", Severity: rules.Warning,
	Doc: rules.Doc{
		Summary: "Directives that do something else than they seem: error_log off, add_header Content-Type, a header value with a line break, keepalive_requests far below the default, merge_slashes off.",
		Why: "error_log off does not turn logging off: it writes the error log to a file named \"off\" in nginx's prefix. " +
			"add_header Content-Type adds a second Content-Type header next to the one nginx sends from types/default_type, " +
			"and clients pick either. A line break inside an add_header value is sent as is and splits or folds the header. " +
			"keepalive_requests far below its default (1000 since nginx 1.19.10) closes client connections every few " +
			"requests. merge_slashes off lets //admin miss location /admin/ and its access checks.",
		Bad:  "error_log off;\n\nhttp {\n    server {\n        location /feed {\n            add_header Content-Type application/rss+xml;\n        }\n    }\n}",
		Good: "error_log /var/log/nginx/error.log crit;\n\nhttp {\n    server {\n        location /feed {\n            default_type application/rss+xml;\n        }\n    }\n}",
		Fix: "error_log /dev/null crit; (or stderr) to silence the log; default_type or types { } to set the content type; one " +
			"line per header value; leave keepalive_requests at its default; keep merge_slashes on.",
		SeverityNote: "Warning for error_log off, add_header Content-Type and a header value with a line break (each shown " +
			"against nginx or certain from nginx's source); info for keepalive_requests under 100 and merge_slashes off.",
		Since: "0.2.0",
		Refs: []string{"https://nginx.org/en/docs/ngx_core_module.html#error_log",
			"https://nginx.org/en/docs/http/ngx_http_core_module.html#default_type",
			"https://nginx.org/en/docs/http/ngx_http_core_module.html#keepalive_requests",
			"https://nginx.org/en/docs/http/ngx_http_core_module.html#merge_slashes"},
	},
}

func (*operations) Meta() *rules.Meta { return operationsMeta }

func (*operations) Check(p *rules.Pass) {
	p.Cfg.Walk(func(b *model.Block, e model.Entry) {
		d := e.D
		switch d.Name {
		case "error_log":
			if b.Kind != model.Other && strings.EqualFold(d.Arg(0), "off") {
				p.Report(rules.WordSpan(d, d.Args[0]),
					"error_log off writes the error log to a file named \"off\" in nginx's prefix, it does not turn logging off; use error_log /dev/null crit; or stderr")
			}
		case "add_header":
			if len(d.Args) < 2 {
				return
			}
			if strings.EqualFold(d.Arg(0), "Content-Type") {
				p.Report(rules.DirectiveSpan(d),
					"add_header Content-Type sends a second Content-Type header beside the one nginx sets from types and default_type, and clients pick either; set default_type %s; (or a types { } block) instead", headerValue(d))
			}
			if v := d.Args[1].Value; strings.ContainsAny(v, "\r\n") {
				p.Report(rules.WordSpan(d, d.Args[1]),
					"the value of add_header %s holds a line break, which nginx sends as is: the header is folded or split into another header; write it on one line", d.Arg(0))
			}
		case "keepalive_requests":
			if b.Kind == model.Upstream {
				return
			}
			if n, err := strconv.Atoi(d.Arg(0)); err == nil && n < 100 {
				p.ReportSev(opinion(p), rules.DirectiveSpan(d),
					"keepalive_requests %d closes each client connection after %d requests (the default is 1000 since nginx 1.19.10): pages with many resources reconnect, and HTTP/2 connections are cut short; leave it at the default", n, n)
			}
		case "merge_slashes":
			if strings.EqualFold(d.Arg(0), "off") {
				p.ReportSev(opinion(p), rules.DirectiveSpan(d),
					"merge_slashes off makes //admin/ miss location /admin/ and its access checks, while many backends treat both alike; keep it on unless a backend needs double slashes")
			}
		}
	})
}

func headerValue(d *parser.Directive) string {
	v := d.Arg(1)
	if i := strings.IndexByte(v, ';'); i >= 0 {
		v = v[:i]
	}
	if strings.ContainsAny(v, " \t\"'{};$") {
		return "TYPE"
	}
	return v
}
