package websocket

import (
	"fmt"
	"strings"

	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&hostOriginMismatch{}) }

type hostOriginMismatch struct{}

var hostOriginMismatchMeta = &rules.Meta{
	ID: "WS021", Name: "host-origin-mismatch", Severity: rules.Warning, Fixable: true,
	Doc: rules.Doc{
		Summary: "A WebSocket location sends the backend a Host that cannot match the browser's Origin.",
		Why: "Browsers send Origin with every WebSocket handshake, and many servers accept it only when it names the Host they " +
			"received: gorilla/websocket's and coder/websocket's default origin check, Jupyter (Tornado), Grafana Live, " +
			"Rails Action Cable (allow_same_origin_as_host; it answers 404) and code-server. Without proxy_set_header Host nginx " +
			"sends $proxy_host, the address written in proxy_pass (127.0.0.1:9001, or the upstream's name), so the check fails " +
			"with 403. proxy_set_header Host $host is right on ports 80 and 443 only: $host drops the port, so on a server that " +
			"listens on 8080 Origin says example.com:8080 and Host says example.com (403 in both nginx 1.22 and 1.31; " +
			"JupyterHub's guide: \"if nginx is not running on port 443, substitute $http_host for $host\"). " +
			"$http_host forwards what the client sent, port included; from nginx 1.29.3, $host$is_request_port$request_port " +
			"gives the same from the validated host.",
		Bad: "server {\n    listen 8080;\n\n    location /api/live/ {\n        proxy_pass http://127.0.0.1:3000;\n        proxy_http_version 1.1;\n" +
			"        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_set_header Host $host;\n    }\n}",
		Good: "server {\n    listen 8080;\n\n    location /api/live/ {\n        proxy_pass http://127.0.0.1:3000;\n        proxy_http_version 1.1;\n" +
			"        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_set_header Host $http_host;\n    }\n}",
		Fix: "Set proxy_set_header Host $http_host; (or $host$is_request_port$request_port on nginx 1.29.3 and later), and on TLS " +
			"servers proxy_set_header X-Forwarded-Proto $scheme; so that apps that rebuild the origin from the scheme (Action Cable) " +
			"see https (WS028). ngxlint fix adds the Host line at the level whose proxy_set_header list the location uses, or " +
			"rewrites $host; it uses $host$is_request_port$request_port when the target nginx is known to be 1.29.3 or later.",
		SeverityNote: "Warning when the location is the WebSocket endpoint of an application known to compare Origin with Host " +
			"(Grafana Live, Jupyter, Action Cable); info otherwise, since servers such as Node's ws, Socket.IO and ASP.NET Core " +
			"do not check Origin by default. Never reported when the location sets proxy_set_header Origin itself, nor for Host " +
			"values other than a missing one and $host (a literal or $server_name may be exactly what the backend expects). " +
			"A server that listens on 8080 behind a port mapping or another proxy (clients use port 80/443) is reported too: " +
			"$http_host is right there as well.",
		Since: "0.1.0",
		Refs: []string{"https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header",
			"https://nginx.org/en/docs/http/ngx_http_core_module.html#var_host"},
	},
}

func (*hostOriginMismatch) Meta() *rules.Meta { return hostOriginMismatchMeta }

func (*hostOriginMismatch) Check(p *rules.Pass) {
	for _, pl := range proxyLocationsOf(p) {
		in := webSocket(p, pl.Block)
		if in.Evidence == noEvidence {
			continue
		}
		hs := headersOf(p, pl.Block)
		if len(hs.Get("Origin")) > 0 {
			continue
		}
		sev, who := rules.Info, "servers that compare Origin with Host (gorilla/websocket and coder/websocket by default, Jupyter, Grafana, Action Cable, code-server) refuse"
		if in.App != nil && in.App.ChecksOrigin {
			sev, who = rules.Warning, in.App.Name+" compares Origin with Host and refuses"
		}
		status := "403"
		if in.App != nil && in.App.Name == "Rails Action Cable" {
			status = "404"
		}
		value, alt := betterHost(p)
		hosts := hs.Get("Host")
		if len(hosts) == 0 {
			f := p.ReportSev(sev, anchor(pl.Block),
				"%s proxies WebSocket%s without proxy_set_header Host, so the backend gets Host: %s (nginx's default, $proxy_host) while the browser's Origin names your site; %s such a handshake (%s); add proxy_set_header Host %s;%s",
				pl.Block.Name(), because(in), proxyHostOf(p, pl), who, status, value, alt)
			level := hs.Level
			if level == nil {
				level = pl.Block
			}
			if e, ok := rules.InsertInLevel(level, []string{"proxy_set_header"}, []string{"proxy_set_header Host " + value + ";"}); ok {
				f.WithFix(&rules.Fix{Message: "set Host to " + value, Edits: []rules.Edit{e}})
			}
			continue
		}
		if len(hosts) > 1 {
			continue // two Host lines: WS020
		}
		h := hosts[0]
		if !strings.EqualFold(strings.TrimSpace(h.Value), "$host") {
			continue
		}
		srv := pl.Block.Server()
		if srv == nil || srv.Synthetic {
			continue // the ports are unknown
		}
		var odd []string
		for _, l := range srv.Listens() {
			if l.Unix || l.Variable || l.Port == 80 || l.Port == 443 {
				continue
			}
			odd = append(odd, fmt.Sprintf("%d (%s)", l.Port, rules.Line(l.D, h.Entry.D.File)))
		}
		if len(odd) == 0 {
			continue
		}
		d := h.Entry.D
		p.ReportSev(sev, rules.WordSpan(d, d.Args[1]),
			"%s proxies WebSocket%s with proxy_set_header Host $host, which drops the port, on a server that listens on port %s: the browser's Origin carries the port, the Host the backend gets does not, and %s such a handshake (%s); use %s%s",
			pl.Block.Name(), because(in), strings.Join(odd, ", "), who, status, value, alt).
			WithFix(&rules.Fix{Message: "set Host to " + value, Edits: []rules.Edit{rules.ReplaceWord(d, d.Args[1], value)}})
	}
}

// betterHost is the Host value that keeps the client's port: $http_host, or
// $host$is_request_port$request_port when the target nginx has those
// variables (1.29.3). alt mentions the other choice for the message.
func betterHost(p *rules.Pass) (value, alt string) {
	if p.Cfg.Version.AtLeast(spec.GateRequestPort) {
		return "$host$is_request_port$request_port", " ($http_host works too)"
	}
	return "$http_host", " (or $host$is_request_port$request_port on nginx 1.29.3 and later)"
}
