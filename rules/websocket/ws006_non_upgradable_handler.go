package websocket

import (
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&nonUpgradableHandler{}) }

type nonUpgradableHandler struct{}

var nonUpgradableHandlerMeta = &rules.Meta{
	ID: "WS006", Name: "non-upgradable-handler", Severity: rules.Error,
	Doc: rules.Doc{
		Summary: "A WebSocket location is served by fastcgi_pass, grpc_pass or memcached_pass, which cannot carry a WebSocket.",
		Why: "nginx switches a connection to a tunnel only when the module serving the request sets the upgrade flag on a 101 " +
			"response. proxy_pass (HTTP/1.x, since 1.3.13), uwsgi_pass and scgi_pass (since 1.3.14) do; fastcgi_pass, grpc_pass and " +
			"memcached_pass have no upgrade code at all, so a WebSocket handshake through them never becomes a WebSocket: PHP-FPM " +
			"and other FastCGI servers answer it as a normal request, grpc_pass speaks gRPC over HTTP/2, and memcached_pass only reads " +
			"cached responses. These handlers do not read proxy_set_header, so the evidence that the location carries WebSocket is what " +
			"is written for it: a --ws-path it serves, a \"# ngxlint: websocket\" comment, an Upgrade or Connection header set at the " +
			"location (proxy_set_header, grpc_set_header, fastcgi_param HTTP_UPGRADE), or a path segment that " +
			"names WebSocket (ws, wss, websocket, socket.io, sockjs). A known application path without such a word (Nextcloud's /push/, " +
			"SignalR's /hub, Action Cable's /cable) is only a hint, since a location handed to PHP or gRPC there may belong to another " +
			"application, and the other words of the path heuristics (live, push, hub elsewhere) do not count. proxy_set_header inherited from the server is not evidence: the " +
			"server may proxy WebSockets elsewhere. uwsgi_pass, scgi_pass and proxy_pass are never reported.",
		Bad:  "location /ws/ {\n    include fastcgi_params;\n    fastcgi_pass unix:/run/php/php-fpm.sock;\n}",
		Good: "location /ws/ {\n    proxy_pass http://127.0.0.1:9001;   # the app's WebSocket (HTTP) listener\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection $connection_upgrade;\n}",
		Fix: "Serve the WebSocket path with proxy_pass to an HTTP listener of the WebSocket server (for uWSGI apps uwsgi_pass works too, " +
			"or uWSGI's http-socket with proxy_pass), with proxy_http_version 1.1 and the Upgrade and Connection headers. " +
			"ngxlint cannot fix this: it does not know the backend's HTTP address.",
		SeverityNote: "Error when the location is declared WebSocket or its path is a known application's endpoint that names WebSocket " +
			"(/socket.io/, /api/websocket); warning when only the path suggests it (/ws/, Nextcloud's /push/).",
		Since: "0.1.0",
		Refs:  []string{"NGINX-WEBSOCKET.md §1.4, §6.5", "https://nginx.org/en/docs/http/websocket.html"},
	},
}

func (*nonUpgradableHandler) Meta() *rules.Meta { return nonUpgradableHandlerMeta }

var handlerAdvice = map[string]string{
	"fastcgi_pass": "the FastCGI module never switches a connection to a tunnel, so the handshake is answered as a plain request " +
		"(PHP-FPM cannot hold a WebSocket); proxy_pass the path to the HTTP listener of a WebSocket server instead, " +
		"with the Upgrade and Connection headers (uwsgi_pass also works for a uWSGI app)",
	"grpc_pass": "grpc_pass speaks gRPC over HTTP/2 to the backend and cannot upgrade a connection; " +
		"proxy_pass the path to the backend's HTTP/1.1 listener instead, with proxy_http_version 1.1 and the Upgrade and Connection headers",
	"memcached_pass": "memcached_pass only reads cached responses from memcached and cannot open a tunnel; " +
		"proxy_pass the path to the WebSocket server instead, with the Upgrade and Connection headers",
}

func (*nonUpgradableHandler) Check(p *rules.Pass) {
	for _, b := range p.Cfg.Locations {
		if !b.IsLocationLike() {
			continue
		}
		for _, e := range b.Directives {
			advice, bad := handlerAdvice[e.D.Name]
			if !bad {
				continue
			}
			in := handlerIntent(p, b)
			if in.Evidence == NoEvidence {
				break
			}
			where := b.Name()
			if b.Kind != model.Location {
				if loc := b.EnclosingLocation(); loc != nil {
					where = b.Name() + " in " + loc.Name()
				}
			}
			p.ReportSev(in.Severity(rules.Error), rules.DirectiveSpan(e.At()),
				"%s cannot carry a WebSocket, but %s is meant for WebSocket%s: %s",
				e.D.Name, where, because(in), advice)
			break
		}
	}
}
