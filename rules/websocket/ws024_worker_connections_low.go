package websocket

import (
	"fmt"
	"strconv"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&workerConnectionsLow{}) }

type workerConnectionsLow struct{}

// The sizing WS024 checks against: room for wsSocketEstimate open
// WebSockets per worker (two connections each) plus wsHeadroom connections
// for listening sockets, plain requests and keepalive.
const (
	wsSocketEstimate         = 256
	wsHeadroom               = 64
	defaultWorkerConnections = 512
	// typicalNofile is the soft open-files limit most systems give a
	// service (systemd, Debian, RHEL) when worker_rlimit_nofile is unset.
	typicalNofile = 1024
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
			"first, with \"Too many open files\".",
		Bad:  "events {\n    worker_connections 256;\n}\n\nhttp {\n    server {\n        location /ws/ {\n            proxy_pass http://127.0.0.1:9001;\n            proxy_http_version 1.1;\n            proxy_set_header Upgrade $http_upgrade;\n            proxy_set_header Connection \"upgrade\";\n        }\n    }\n}",
		Good: "worker_rlimit_nofile 8192;\n\nevents {\n    worker_connections 4096;\n}\n\nhttp {\n    server {\n        location /ws/ {\n            proxy_pass http://127.0.0.1:9001;\n            proxy_http_version 1.1;\n            proxy_set_header Upgrade $http_upgrade;\n            proxy_set_header Connection \"upgrade\";\n        }\n    }\n}",
		Fix: "Size worker_connections for 2 x the open WebSockets you expect per worker plus headroom (events { worker_connections 4096; }), " +
			"and set worker_rlimit_nofile at least as high (worker_rlimit_nofile 8192;). ngxlint does not pick the number for you: " +
			"it depends on your traffic.",
		SeverityNote: "Info only, and only when ngxlint read the main configuration (the one with events{}) and that configuration " +
			"proxies WebSocket by declaration or a known application's path. The check assumes 256 sockets per worker plus 64 " +
			"connections of headroom, so worker_connections below 576 (the default 512 included) is reported.",
		Since: "0.1.0",
		Refs: []string{"https://nginx.org/en/docs/ngx_core_module.html#worker_connections",
			"https://nginx.org/en/docs/ngx_core_module.html#worker_rlimit_nofile"},
	},
}

func (*workerConnectionsLow) Meta() *rules.Meta { return workerConnectionsLowMeta }

func (*workerConnectionsLow) Check(p *rules.Pass) {
	if p.Cfg.Unit.Context != parser.CtxMain {
		return
	}
	var events *model.Block
	for _, c := range p.Cfg.Main.Children {
		if c.Dir != nil && c.Dir.Name == "events" {
			events = c
		}
	}
	if events == nil {
		return
	}
	var ws *proxyLocation
	var wsIn intent
	for _, pl := range proxyLocationsOf(p) {
		if in := webSocket(p, pl.Block); in.Certain() {
			ws, wsIn = &pl, in
			break
		}
	}
	if ws == nil {
		return
	}
	from := events.Dir.File
	evidence := fmt.Sprintf("%s (%s) proxies WebSocket%s", ws.Block.Name(), rules.Line(ws.Block.Dir, from), because(wsIn))
	conns, written := defaultWorkerConnections, (*parser.Directive)(nil)
	if e, ok := events.Scalar("worker_connections"); ok {
		n, err := strconv.Atoi(e.D.Arg(0))
		if err != nil || n <= 0 {
			return
		}
		conns, written = n, e.At()
	}
	listening := listeningSockets(p.Cfg)
	need := 2*wsSocketEstimate + wsHeadroom
	if conns < need {
		sockets := (conns - listening) / 2
		if sockets < 0 {
			sockets = 0
		}
		what, span := fmt.Sprintf("worker_connections %d", conns), rules.DirectiveSpan(events.Dir)
		if written != nil {
			span = rules.DirectiveSpan(written)
		} else {
			what += " (the default)"
		}
		p.Report(span,
			"%s leaves room for about %d open WebSockets per worker (each uses two connections, client and backend, and listening sockets take %d), and %s; past that nginx logs \"worker_connections are not enough\" and resets new connections; size it for 2 x your open sockets plus headroom, e.g. worker_connections 4096;",
			what, sockets, listening, evidence)
	}
	rl, hasRL := p.Cfg.Main.Scalar("worker_rlimit_nofile")
	switch {
	case hasRL:
		n, err := strconv.Atoi(rl.D.Arg(0))
		if err != nil || n >= conns {
			return
		}
		p.Report(rules.DirectiveSpan(rl.At()),
			"worker_rlimit_nofile %d is below worker_connections %d, and %s: every connection is a file descriptor, so a worker runs out of them (\"Too many open files\") at about %d open WebSockets, before it reaches worker_connections; set worker_rlimit_nofile to at least worker_connections, e.g. %d",
			n, conns, evidence, n/2, 2*conns)
	case written != nil && conns > typicalNofile:
		p.Report(rules.DirectiveSpan(written),
			"worker_connections %d is above 1024, the soft open-files limit systemd gives a service by default, and no worker_rlimit_nofile raises it, while %s: where that limit applies nginx warns \"%d worker_connections exceed open file resource limit: 1024\" and a worker runs out of descriptors at about 500 open WebSockets; add worker_rlimit_nofile %d; in the main context",
			conns, evidence, conns, 2*conns)
	}
}

// listeningSockets counts the distinct addresses servers listen on; each is
// a connection of every worker. A server without listen uses *:80.
func listeningSockets(cfg *model.Config) int {
	seen := map[string]bool{}
	for _, s := range cfg.Servers {
		ls := s.Listens()
		if len(ls) == 0 {
			seen[fmt.Sprintf("*:%d", model.DefaultListenPort)] = true
		}
		for _, l := range ls {
			seen[l.D.Arg(0)] = true
		}
	}
	if len(seen) == 0 {
		return 1
	}
	return len(seen)
}
