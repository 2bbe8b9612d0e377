package websocket

import (
	"fmt"

	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&workerConnectionsLow{}) }

type workerConnectionsLow struct{}

// The sizing WS024 checks against: room for wsSocketEstimate open
// WebSockets per worker (two connections each) plus wsHeadroom connections
// for listening sockets, plain requests and keepalive. nginx's accounting
// (the default, what a connection takes) is parser/model's (workers.go).
const (
	wsSocketEstimate = 256
	wsHeadroom       = 64
)

var workerConnectionsLowMeta = &rules.Meta{
	ID: "WS024", Name: "worker-connections-low", Severity: rules.Info, Fixable: false,
	Doc: rules.Doc{
		Summary: "worker_connections (or the open-files limit) leaves little room for proxied WebSockets.",
		Why: "worker_connections counts every connection of a worker, \"connections with proxied servers\" included, and " +
			"defaults to 512. A proxied WebSocket holds two (client and backend) for its whole life, and each listening socket " +
			"takes one more, so 512 means about 255 open sockets per worker. Past that nginx logs \"worker_connections are not " +
			"enough\" and resets new connections (run: worker_connections 8 allowed 3 WebSockets; the 4th got a TCP reset). " +
			"Grafana's guide warns about the same limit for Grafana Live. Each connection is also a file descriptor: " +
			"worker_rlimit_nofile below worker_connections (or, when it is unset, the usual 1024 soft limit) caps the sockets " +
			"first, with \"Too many open files\"; SEC015 reports that for every configuration.",
		Bad:  "events {\n    worker_connections 256;\n}\n\nhttp {\n    server {\n        location /ws/ {\n            proxy_pass http://127.0.0.1:9001;\n            proxy_http_version 1.1;\n            proxy_set_header Upgrade $http_upgrade;\n            proxy_set_header Connection \"upgrade\";\n        }\n    }\n}",
		Good: "worker_rlimit_nofile 8192;\n\nevents {\n    worker_connections 4096;\n}\n\nhttp {\n    server {\n        location /ws/ {\n            proxy_pass http://127.0.0.1:9001;\n            proxy_http_version 1.1;\n            proxy_set_header Upgrade $http_upgrade;\n            proxy_set_header Connection \"upgrade\";\n        }\n    }\n}",
		Fix: "Size worker_connections for 2 x the open WebSockets you expect per worker plus headroom (events { worker_connections 4096; }), " +
			"and set worker_rlimit_nofile at least as high (worker_rlimit_nofile 8192;). ngxlint does not pick the number for you: " +
			"it depends on your traffic.",
		SeverityNote: "Info only, and only when ngxlint read the main configuration (the one with events{}) and that configuration " +
			"proxies WebSocket by declaration or a known application's path. The check assumes 256 sockets per worker plus 64 " +
			"connections of headroom, so worker_connections below 576 (the default 512 included) is reported. A " +
			"worker_connections so small that any proxy suffers (room for fewer than 32 proxied requests), and the " +
			"descriptor limits, are SEC015's: one finding per directive, on the same accounting.",
		Since: "0.1.0",
		Refs: []string{"https://nginx.org/en/docs/ngx_core_module.html#worker_connections",
			"https://nginx.org/en/docs/ngx_core_module.html#worker_rlimit_nofile"},
	},
}

func (*workerConnectionsLow) Meta() *rules.Meta { return workerConnectionsLowMeta }

func (*workerConnectionsLow) Check(p *rules.Pass) {
	w, ok := model.WorkersOf(p.Cfg)
	if !ok {
		return
	}
	// The descriptor limits (worker_rlimit_nofile), and a worker_connections
	// far below what any proxy needs, are SEC015's, for every configuration:
	// one finding per directive, on the same accounting (parser/model).
	if w.TooFewForProxy() || w.Connections >= model.ConnectionsPerProxied*wsSocketEstimate+wsHeadroom {
		return
	}
	var ws *proxyLocation
	var wsIn intent
	for _, pl := range proxyLocationsOf(p) {
		if in := pl.intent(p); in.Certain() {
			ws, wsIn = &pl, in
			break
		}
	}
	if ws == nil {
		return
	}
	from := w.Events.Dir.File
	what, span := fmt.Sprintf("worker_connections %d", w.Connections), rules.DirectiveSpan(w.Events.Dir)
	if w.ConnectionsAt != nil {
		span = rules.DirectiveSpan(w.ConnectionsAt)
	} else {
		what += " (the default)"
	}
	p.Report(span,
		"%s leaves room for about %d open WebSockets per worker (each uses two connections, client and backend, and %s), and %s (%s) proxies WebSocket%s; past that nginx logs \"worker_connections are not enough\" and resets new connections; size it for 2 x your open sockets plus headroom, e.g. worker_connections 4096;",
		what, w.ProxiedRoom(), w.ReservedNote(), ws.Block.Name(), rules.Line(ws.Block.Dir, from), because(wsIn))
}
