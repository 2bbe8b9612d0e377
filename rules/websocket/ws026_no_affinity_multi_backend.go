package websocket

import (
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&noAffinityMultiBackend{}) }

type noAffinityMultiBackend struct{}

var noAffinityMultiBackendMeta = &rules.Meta{
	ID: "WS026", Name: "no-affinity-multi-backend", Severity: rules.Warning, Fixable: true,
	Doc: rules.Doc{
		Summary: "A WebSocket location balances over several backends without session affinity.",
		Why: "A WebSocket is one long TCP connection, so it stays on the server it reached. But Socket.IO and SignalR open a " +
			"session with plain HTTP requests first (the Engine.IO handshake and long-polling transport, SignalR's /negotiate) and " +
			"then upgrade: every request of a session must reach the process that created it. Socket.IO: \"you have to make sure " +
			"that all requests associated with a particular session ID reach the process that originated them\"; SignalR: " +
			"\"sticky sessions must be added\" unless every client is WebSockets-only with SkipNegotiation. nginx's default " +
			"round-robin (and least_conn, random) spreads those requests, and the session fails with 400 \"Session ID unknown\" " +
			"or 404 on negotiate.",
		Bad: "upstream nodes {\n    server 127.0.0.1:3000;\n    server 127.0.0.1:3001;\n}\n\nserver {\n    location /socket.io/ {\n" +
			"        proxy_pass http://nodes;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n" +
			"        proxy_set_header Connection \"upgrade\";\n    }\n}",
		Good: "upstream nodes {\n    ip_hash;\n    server 127.0.0.1:3000;\n    server 127.0.0.1:3001;\n}\n\nserver {\n    location /socket.io/ {\n" +
			"        proxy_pass http://nodes;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n" +
			"        proxy_set_header Connection \"upgrade\";\n    }\n}",
		Fix: "Add ip_hash; (or hash $remote_addr consistent;) to the upstream, before keepalive; from nginx 1.29.6 the open-source " +
			"sticky cookie srv_id; works too. ngxlint fix adds ip_hash; at the top of the upstream block, or puts it in place of a " +
			"least_conn or random line; it does not when a server is marked backup, which ip_hash does not support.",
		SeverityNote: "Warning on the WebSocket path of an application that needs affinity (Socket.IO, SignalR); info on other " +
			"locations declared WebSocket or whose path names it, where it matters only if the application keeps per-session state " +
			"in one process or falls back to long polling; nothing where only upgrade headers suggest WebSocket. Servers marked down or backup do not count toward the two.",
		Since: "0.1.0",
		Refs: []string{"https://nginx.org/en/docs/http/ngx_http_upstream_module.html#ip_hash",
			"https://socket.io/docs/v4/using-multiple-nodes/"},
	},
}

func (*noAffinityMultiBackend) Meta() *rules.Meta { return noAffinityMultiBackendMeta }

func (*noAffinityMultiBackend) Check(p *rules.Pass) {
	// One finding per upstream, at its strongest location: the endpoint of
	// an application that needs affinity (a warning) before other WebSocket
	// locations (info), in configuration order among equals.
	type cand struct {
		pl  proxyLocation
		in  intent
		app *App
		sev rules.Severity
	}
	best := map[*model.Block]*cand{}
	var order []*model.Block
	for _, pl := range proxyLocationsOf(p) {
		if pl.Handler.D == nil {
			continue
		}
		in := pl.intent(p)
		app := wsAppFor(pl.Block, in)
		if !in.Carries() && (app == nil || !app.Sticky || !in.Certain()) {
			continue // headers alone do not make the location a WebSocket endpoint
		}
		t, ok := p.Cfg.ProxyTarget(pl.Handler.D)
		if !ok || t.Upstream == nil {
			continue
		}
		sev := rules.Info
		if app != nil && app.Sticky {
			sev = rules.Warning
		}
		c, seen := best[t.Upstream]
		if !seen {
			order = append(order, t.Upstream)
		}
		if !seen || sev > c.sev {
			best[t.Upstream] = &cand{pl, in, app, sev}
		}
	}
	for _, up := range order {
		c := best[up]
		pl, in, app := c.pl, c.in, c.app
		active := 0
		backup := false
		for _, s := range up.Servers() {
			if s.Backup {
				backup = true
			}
			if !s.Backup && !s.Down {
				active++
			}
		}
		if active < 2 {
			continue
		}
		method, has := up.Balancing()
		if has && (method.D.Name == "ip_hash" || method.D.Name == "hash" || method.D.Name == "sticky") {
			continue
		}
		why := "that matters when the application keeps a session in one process or falls back to long polling"
		if c.sev == rules.Warning {
			why = app.Name + " needs every request of a session (handshake, long polling, negotiate) on the server that created it, or the session fails with 400 or 404"
		}
		spread := "round-robin"
		if has {
			spread = "by " + method.D.Name
		}
		d := pl.Handler.D
		f := p.ReportSev(c.sev, rules.WordSpan(d, d.Args[0]),
			"%s proxies WebSocket%s to upstream %s (%s), which spreads requests over %d servers %s, with no ip_hash, hash or sticky: %s; add ip_hash; to the upstream",
			pl.Block.Name(), because(in), up.Dir.Arg(0), rules.Line(up.Dir, d.File), active, spread, why)
		switch {
		case backup:
			f.NoFix = "a server of the upstream is marked backup, which ip_hash and hash do not support; use sticky (nginx 1.29.6+) or remove backup"
		case has:
			f.WithFix(&rules.Fix{Message: "balance by client address", Edits: []rules.Edit{{File: method.D.File, Start: method.D.Start(), End: int(method.D.End), New: "ip_hash;"}}})
		case up.Dir.Block != nil:
			f.WithFix(&rules.Fix{Message: "balance by client address", Edits: []rules.Edit{rules.InsertFirst(up.Dir, []string{"ip_hash;"})}})
		}
	}
}
