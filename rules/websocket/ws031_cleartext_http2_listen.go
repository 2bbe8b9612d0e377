package websocket

import (
	"fmt"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&cleartextHTTP2{}) }

type cleartextHTTP2 struct{}

var cleartextHTTP2Meta = &rules.Meta{
	ID: "WS031", Name: "cleartext-http2-listen", Severity: rules.Error, Fixable: true,
	Doc: rules.Doc{
		Summary: "listen ... http2 without ssl makes the port HTTP/2-only before nginx 1.25.1, so no WebSocket handshake can reach it.",
		Why: "Before nginx 1.25.1 a listen with http2 and without ssl starts HTTP/2 on every connection of that address and port " +
			"(ngx_http_init_connection sets ngx_http_v2_init; release-1.22.1 src/http/ngx_http_request.c:329). Browsers, and every " +
			"WebSocket client, open WebSockets over HTTP/1.1, which such a port cannot speak: the handshake never gets an HTTP answer. " +
			"The http2 flag is merged across all listens of the address and port, so one server's listen 80 http2 affects every server " +
			"on port 80. From 1.25.1 a cleartext port reads the HTTP/2 connection preface and serves HTTP/1.x otherwise (src/http/" +
			"ngx_http_request.c:493). With ssl, ALPN decides per connection and HTTP/2 does not break WebSocket. " +
			"Seen with nginx 1.22.1 in ngxlint's end-to-end suite: the handshake fails before any status line.",
		Bad:  "server {\n    listen 8080 http2;\n\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n    }\n}",
		Good: "server {\n    listen 8080;\n\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n    }\n}",
		Fix: "Drop http2 from the cleartext listen, or serve HTTP/2 over TLS (listen 443 ssl http2), or upgrade to nginx 1.25.1 or later " +
			"(where http2 on; is the way to write it). ngxlint fix removes the http2 parameter.",
		SeverityNote: "Reported when a server on that port proxies WebSocket (the evidence of its locations sets the severity: a path hint alone gives a warning), " +
			"and the target nginx is older than 1.25.1 or unknown (ngxlint then assumes an older one and says so).",
		Since: "0.1.0",
		Refs: []string{"https://nginx.org/en/docs/http/ngx_http_core_module.html#listen",
			"https://nginx.org/en/docs/http/ngx_http_v2_module.html#http2", "https://nginx.org/en/CHANGES (1.25.1: the http2 directive)"},
	},
}

func (*cleartextHTTP2) Meta() *rules.Meta { return cleartextHTTP2Meta }

func (*cleartextHTTP2) Check(p *rules.Pass) {
	v := p.Cfg.Version
	if v.AtLeast(spec.GateHTTP2Directive) {
		return
	}
	// The WebSocket location with the strongest evidence in each server.
	type wsLoc struct {
		loc *model.Block
		in  intent
	}
	best := map[*model.Block]wsLoc{}
	for _, pl := range proxyLocationsOf(p) {
		srv := pl.Block.Server()
		if srv == nil || srv.Synthetic {
			continue
		}
		in := pl.intent(p)
		if cur, ok := best[srv]; in.Evidence > noEvidence && (!ok || in.Evidence > cur.in.Evidence) {
			best[srv] = wsLoc{pl.Block, in}
		}
	}
	assumed := ""
	if !v.Known {
		assumed = " (the target version is unknown, so ngxlint assumes an older one; set --nginx-version)"
	}
	for _, srv := range p.Cfg.Servers {
		for _, l := range srv.Listens() {
			if !l.HTTP2 || l.SSL || l.QUIC || l.Unix || l.Variable {
				continue
			}
			w := httpTwoWord(l.D)
			// The servers sharing the port: nginx merges http2 over all
			// listens of an address and port.
			var affected []*model.Block
			var strongest wsLoc
			for _, other := range p.Cfg.Servers {
				ws, ok := best[other]
				if !ok || !contains(listensOrDefault(other), l.Port) {
					continue
				}
				affected = append(affected, other)
				if strongest.loc == nil || ws.in.Evidence > strongest.in.Evidence {
					strongest = ws
				}
			}
			if len(affected) == 0 {
				continue
			}
			p.ReportSev(strongest.in.Severity(rules.Error), rules.WordSpan(l.D, w),
				"listen %s http2 without ssl makes port %d speak only HTTP/2 on nginx before 1.25.1%s: browsers open WebSockets over HTTP/1.1, so the handshake for %s%s never gets an answer; drop http2 here (or use it with ssl)",
				l.D.Arg(0), l.Port, assumed, strongest.loc.Name(), because(strongest.in)).
				WithFix(&rules.Fix{Message: "drop http2 from this listen", Edits: []rules.Edit{dropWord(l.D, w)}})
			for _, other := range affected {
				if other == srv {
					continue
				}
				ws := best[other]
				p.ReportSev(ws.in.Severity(rules.Error), listenSpan(other, l.Port),
					"port %d is HTTP/2-only on nginx before 1.25.1%s because another server on it says listen %s http2 (%s): nginx applies http2 to every server on the address and port, so the WebSocket handshake for %s%s never gets an answer; drop http2 there",
					l.Port, assumed, l.D.Arg(0), rules.Line(l.D, other.Dir.File), ws.loc.Name(), because(ws.in))
			}
		}
	}
}

// listenSpan is where a server takes a port: its listen directive for the
// port, or the server directive when it listens on the default port.
func listenSpan(srv *model.Block, port int) rules.Span {
	for _, l := range srv.Listens() {
		if l.Port == port {
			return rules.DirectiveSpan(l.D)
		}
	}
	return rules.DirectiveSpan(srv.Dir)
}

func contains(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}

// listensOrDefault returns the ports a server listens on: its listen
// directives, or nginx's default *:80.
func listensOrDefault(srv *model.Block) []int {
	ls := srv.Listens()
	if len(ls) == 0 {
		return []int{model.DefaultListenPort}
	}
	var out []int
	for _, l := range ls {
		if !l.Unix && !l.Variable {
			out = append(out, l.Port)
		}
	}
	return out
}

func httpTwoWord(d *parser.Directive) parser.Word {
	for _, a := range d.Args[1:] {
		if strings.EqualFold(a.Value, "http2") {
			return a
		}
	}
	panic(fmt.Sprintf("listen at %d has no http2 parameter", d.Start()))
}

// dropWord removes one argument and the white space before it.
func dropWord(d *parser.Directive, w parser.Word) rules.Edit {
	start := int(w.Start)
	for start > 0 && (d.File.Src[start-1] == ' ' || d.File.Src[start-1] == '\t') {
		start--
	}
	return rules.Edit{File: d.File, Start: start, End: int(w.End)}
}
