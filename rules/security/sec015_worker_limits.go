package security

import (
	"strconv"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

// SEC015 is an operations trap of its own rather than one more case of
// SEC013: it judges the whole configuration (main and events{}) instead of
// one directive, has its own severities and its own end-to-end proofs, and
// shares its accounting (parser/model/workers.go) with WS024, which yields
// to it on the same directives.

func init() { rules.Register(&workerLimits{}) }

type workerLimits struct{}

var workerLimitsMeta = &rules.Meta{
	ID: "SEC015", Name: "worker-limits", Severity: rules.Warning,
	Doc: rules.Doc{
		Summary: "worker_rlimit_nofile below worker_connections, or worker_connections far below what a proxy needs.",
		Why: "worker_connections (512 by default) is the size of each worker's connection table, and every socket takes an " +
			"entry: the client's connection, the connection to a proxied server, each listening socket and the channel to the " +
			"master, so a proxied request holds two for as long as it runs. Each entry is also a file descriptor, and a worker " +
			"cannot open more than its open-files limit (worker_rlimit_nofile, else the limit it started with). With " +
			"worker_rlimit_nofile below worker_connections the worker runs out of descriptors first: accept() and socket() " +
			"fail with \"Too many open files\" and new clients wait unanswered (run: worker_rlimit_nofile 32 with 20 proxied " +
			"requests in flight left the next client without an answer). nginx says so itself at start, when the limit it " +
			"started with is below worker_connections too: \"N worker_connections exceed open file resource limit: M\". A " +
			"tiny worker_connections on a proxy fills up after a few simultaneous requests: nginx logs \"worker_connections " +
			"are not enough\" and resets new connections (run: worker_connections 16 with 10 proxied requests in flight).",
		Bad:  "worker_rlimit_nofile 1024;\n\nevents {\n    worker_connections 4096;\n}\n\nhttp {\n    server {\n        listen 80;\n        location / {\n            proxy_pass http://127.0.0.1:8080;\n        }\n    }\n}",
		Good: "worker_rlimit_nofile 8192;\n\nevents {\n    worker_connections 4096;\n}\n\nhttp {\n    server {\n        listen 80;\n        location / {\n            proxy_pass http://127.0.0.1:8080;\n        }\n    }\n}",
		Fix: "Set worker_rlimit_nofile at least as high as worker_connections, better twice as high for the files being " +
			"served and logged (worker_rlimit_nofile 8192; for worker_connections 4096;), and size worker_connections for " +
			"2 x the proxied requests a worker runs at once plus the listening sockets. ngxlint does not pick the numbers: " +
			"they depend on your traffic.",
		SeverityNote: "Only when ngxlint reads the main configuration (the one with events{}). Warning when " +
			"worker_rlimit_nofile is set below worker_connections: the configuration itself caps the worker below its own " +
			"table. Info when worker_connections is written above 1024 and no worker_rlimit_nofile raises the usual 1024 " +
			"soft limit (whether it applies depends on how nginx is started), and when a configuration that proxies leaves " +
			"room for fewer than 32 simultaneous proxied requests per worker (warning under security: strict). Where WS024 " +
			"reports worker_connections for WebSockets, this rule leaves it to WS024, and WS024 leaves the descriptor " +
			"limits to this rule.",
		Since: "0.2.0",
		Refs: []string{"https://nginx.org/en/docs/ngx_core_module.html#worker_connections",
			"https://nginx.org/en/docs/ngx_core_module.html#worker_rlimit_nofile",
			"https://nginx.org/en/docs/ngx_core_module.html#worker_processes"},
	},
}

func (*workerLimits) Meta() *rules.Meta { return workerLimitsMeta }

func (*workerLimits) Check(p *rules.Pass) {
	w, ok := model.WorkersOf(p.Cfg)
	if !ok {
		return
	}
	from := w.Events.Dir.File
	conns := connectionsSpan(w)
	switch {
	case w.RlimitBelow():
		p.Report(rules.DirectiveSpan(w.RlimitAt),
			"worker_rlimit_nofile %d is below worker_connections %d (%s): every connection, to a client or to a proxied server, is a file descriptor, so a worker runs out of them at about %d proxied requests (two each) and accept() fails with \"Too many open files\" before worker_connections is reached; where nginx starts with a limit below %d too it warns \"%d worker_connections exceed open file resource limit: %d\"; set worker_rlimit_nofile to at least worker_connections, e.g. worker_rlimit_nofile %d;",
			w.RlimitNofile, w.Connections, connectionsWhere(w, from), w.RlimitNofile/model.ConnectionsPerProxied,
			w.Connections, w.Connections, w.RlimitNofile, 2*w.Connections)
	case w.SoftLimitBelow():
		p.ReportSev(rules.Info, conns,
			"worker_connections %d is above 1024, the soft open-files limit a service gets by default (systemd), and no worker_rlimit_nofile raises it: where that limit applies nginx warns \"%d worker_connections exceed open file resource limit: 1024\" at start and a worker runs out of descriptors at about 500 proxied requests; add worker_rlimit_nofile %d; in the main context",
			w.Connections, w.Connections, 2*w.Connections)
	}
	if w.TooFewForProxy() {
		what := "worker_connections " + strconv.Itoa(w.Connections)
		if w.ConnectionsAt == nil {
			what += " (the default)"
		}
		pl := w.Proxies()
		p.ReportSev(opinion(p), conns,
			"%s leaves room for about %d proxied requests at once per worker (each takes two connections, client and backend, and %s), and %s (%s) proxies; %s; past that nginx logs \"worker_connections are not enough\" and resets new connections; size it for 2 x the requests a worker runs at once plus headroom, e.g. worker_connections 1024;",
			what, w.ProxiedRoom(), w.ReservedNote(), pl.Name(), rules.Line(pl.Dir, from), w.ProcessesNote())
	}
}

// connectionsSpan is where a finding about worker_connections is
// reported: the directive, or events{} when the default applies.
func connectionsSpan(w *model.Workers) rules.Span {
	if w.ConnectionsAt != nil {
		return rules.DirectiveSpan(w.ConnectionsAt)
	}
	return rules.DirectiveSpan(w.Events.Dir)
}

func connectionsWhere(w *model.Workers, from *parser.File) string {
	if w.ConnectionsAt != nil {
		return rules.Line(w.ConnectionsAt, from)
	}
	return "the default, events{} on " + rules.Line(w.Events.Dir, from)
}
