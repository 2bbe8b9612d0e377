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
		Summary: "Directives that do something else than they seem: error_log off, add_header Content-Type, a header value with a line break, try_files beside proxy_pass, keepalive_requests far below the default, merge_slashes off, servers sharing a port without a default_server.",
		Why: "error_log off does not turn logging off: it writes the error log to a file named \"off\" in nginx's prefix. " +
			"add_header Content-Type adds a second Content-Type header next to the one nginx sends from types/default_type, " +
			"and clients pick either. A line break inside an add_header value is sent as is and splits or folds the header. " +
			"keepalive_requests far below its default (1000 since nginx 1.19.10) closes client connections every few " +
			"requests. try_files in a location that also has proxy_pass does not serve the files it finds: proxy_pass stays the " +
			"location's handler, so a file found on disk is proxied to the backend under the file's URI (and a path that " +
			"matches nothing goes to the fallback). merge_slashes off lets //admin miss location /admin/ and its access " +
			"checks. When several servers listen on one address and port and none says default_server, nginx hands every " +
			"request with an unknown Host (or none: scanners, clients by IP address) to the first of them, whichever file " +
			"it happens to come from.",
		Bad:  "error_log off;\n\nhttp {\n    server {\n        location /feed {\n            add_header Content-Type application/rss+xml;\n        }\n    }\n}",
		Good: "error_log /var/log/nginx/error.log crit;\n\nhttp {\n    server {\n        location /feed {\n            default_type application/rss+xml;\n        }\n    }\n}",
		Fix: "error_log /dev/null crit; (or stderr) to silence the log; default_type or types { } to set the content type; one " +
			"line per header value; proxy_pass in a named location that try_files falls back to (try_files $uri @backend;); " +
			"leave keepalive_requests at its default; keep merge_slashes on; a server with listen ... default_server that " +
			"rejects unknown names (return 444;).",
		SeverityNote: "Warning for error_log off, add_header Content-Type, a header value with a line break and try_files " +
			"beside proxy_pass (each shown against nginx or certain from nginx's source); info for keepalive_requests under " +
			"100, merge_slashes off, and servers sharing a port without a default_server (only in a whole configuration, " +
			"and not when the first server is plainly the catch-all: server_name _ or a return 4xx/444 at its top).",
		Since: "0.2.0",
		Refs: []string{"https://nginx.org/en/docs/ngx_core_module.html#error_log",
			"https://nginx.org/en/docs/http/ngx_http_core_module.html#default_type",
			"https://nginx.org/en/docs/http/ngx_http_core_module.html#keepalive_requests",
			"https://nginx.org/en/docs/http/ngx_http_core_module.html#merge_slashes",
			"https://nginx.org/en/docs/http/ngx_http_core_module.html#try_files",
			"https://nginx.org/en/docs/http/request_processing.html"},
	},
}

func (*operations) Meta() *rules.Meta { return operationsMeta }

func (*operations) Check(p *rules.Pass) {
	implicitDefaults(p)
	p.Cfg.Walk(func(b *model.Block, e model.Entry) {
		d := e.D
		switch d.Name {
		case "try_files":
			if b.Kind != model.Location || len(d.Args) < 2 {
				return
			}
			if pp := b.Own("proxy_pass"); len(pp) > 0 {
				p.Report(rules.DirectiveSpan(d),
					"try_files in %s does not serve the files it finds: proxy_pass (%s) stays the location's handler, so a file found on disk is proxied to the backend under the file's URI; move proxy_pass into a named location and make it try_files' fallback (try_files %s @backend;)",
					b.Name(), rules.Line(pp[0].D, d.File), strings.Join(argValues(d.Args[:len(d.Args)-1]), " "))
			}
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

func argValues(ws []parser.Word) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.Value
	}
	return out
}

// implicitDefaults notes the sockets several servers share without a
// default_server, unless the first server is plainly the catch-all.
func implicitDefaults(p *rules.Pass) {
	for _, id := range stateOf(p).hosts.ImplicitDefaults() {
		if catchAll(id.Server) {
			continue
		}
		d := id.Listen.D
		p.ReportSev(rules.Info, rules.DirectiveSpan(d),
			"%d servers listen on %s and none is marked default_server, so requests with an unknown Host (or none) go to the first, %s; add a server with listen %s default_server; that rejects them (return 444;), or mark the one meant to answer them",
			id.Servers, d.Arg(0), levelName(id.Server), d.Arg(0))
	}
}

// catchAll reports whether a server is written to take unknown hosts:
// server_name _ (or ""), or a return of 444 or 4xx at its top.
func catchAll(s *model.Block) bool {
	for _, e := range s.Own("server_name") {
		for _, a := range e.D.Args {
			if a.Value == "_" || a.Value == "" {
				return true
			}
		}
	}
	for _, e := range s.Own("return") {
		if c, err := strconv.Atoi(e.D.Arg(0)); err == nil && c >= 400 && c < 500 {
			return true
		}
	}
	return false
}
