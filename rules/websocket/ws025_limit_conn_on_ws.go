package websocket

import (
	"fmt"
	"strings"

	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&limitConnOnWS{}) }

type limitConnOnWS struct{}

var limitConnOnWSMeta = &rules.Meta{
	ID: "WS025", Name: "limit-conn-on-ws", Severity: rules.Info, Fixable: false,
	Doc: rules.Doc{
		Summary: "limit_conn applies to a WebSocket location, where every open socket counts for its whole life.",
		Why: "limit_conn counts a connection \"only if it has a request being processed by the server\", and an upgraded WebSocket " +
			"is a request being processed until it closes. A limit sized for short requests (limit_conn perip 10) therefore caps " +
			"the number of open sockets: browser tabs, reconnects that overlap, users behind one NAT address. The next handshake " +
			"gets 503 (run: limit_conn perip 2 let two WebSockets open, the third got 503 Service Temporarily Unavailable). " +
			"limit_conn is inherited all-or-nothing like proxy_set_header: a limit in server{} or http{} applies to every " +
			"location that sets none of its own.",
		Bad: "limit_conn_zone $binary_remote_addr zone=perip:10m;\n\nserver {\n    limit_conn perip 10;\n\n    location /ws/ {\n" +
			"        proxy_pass http://127.0.0.1:9001;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n" +
			"        proxy_set_header Connection \"upgrade\";\n    }\n}",
		Good: "limit_conn_zone $binary_remote_addr zone=perip:10m;\n\nserver {\n    location / {\n        limit_conn perip 10;\n" +
			"        proxy_pass http://127.0.0.1:8000;\n    }\n\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n" +
			"        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n    }\n}",
		Fix: "Size the limit for the sockets a client keeps open, or give the WebSocket location its own limit_conn with a " +
			"separate zone (its own limit_conn replaces the inherited ones). There is nothing to rewrite automatically: the " +
			"right number depends on your clients.",
		SeverityNote: "Info only: a limit can be deliberate. Not reported with limit_conn_dry_run on.",
		Since:        "0.1.0",
		Refs:         []string{"https://nginx.org/en/docs/http/ngx_http_limit_conn_module.html#limit_conn"},
	},
}

func (*limitConnOnWS) Meta() *rules.Meta { return limitConnOnWSMeta }

func (*limitConnOnWS) Check(p *rules.Pass) {
	type group struct {
		level *model.Block
		limit []model.Entry
		locs  []proxyLocation
		ins   []intent
	}
	var groups []*group
	byLevel := map[*model.Block]*group{}
	for _, pl := range proxyLocationsOf(p) {
		in := pl.intent(p)
		if in.Evidence <= sharedHeaders {
			continue // nothing, or only shared boilerplate, says WebSocket
		}
		es, lvl := pl.Block.Lookup("limit_conn")
		if lvl == nil {
			continue
		}
		if dry, ok := pl.Block.Scalar("limit_conn_dry_run"); ok && strings.EqualFold(dry.D.Arg(0), "on") {
			continue
		}
		g := byLevel[lvl]
		if g == nil {
			g = &group{level: lvl, limit: es}
			byLevel[lvl] = g
			groups = append(groups, g)
		}
		g.locs = append(g.locs, pl)
		g.ins = append(g.ins, in)
	}
	for _, g := range groups {
		first := g.limit[0]
		span := rules.DirectiveSpan(first.At())
		if rep := p.Cfg.Unit.Report; rep != nil && !rep[span.File] {
			// the limit is written in a file that is only read for context
			// (another conf.d file at http level): show it at the location
			span = anchor(g.locs[0].Block)
		}
		var limits []string
		for _, e := range g.limit {
			if len(e.D.Args) == 2 {
				limits = append(limits, fmt.Sprintf("%s %s%s", e.D.Args[0].Value, e.D.Args[1].Value, zoneKey(p, e.D.Args[0].Value)))
			}
		}
		if len(limits) == 0 {
			continue
		}
		where := g.locs[0].Block.Name() + because(g.ins[0])
		if len(g.locs) > 1 {
			var names []string
			for _, pl := range g.locs {
				names = append(names, pl.Block.Name())
			}
			where = strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
		}
		inherited := ""
		if g.level != g.locs[0].Block || len(g.locs) > 1 {
			inherited = fmt.Sprintf(", set in %s,", levelName(g.level))
			if span.File != first.At().File {
				inherited = fmt.Sprintf(", set in %s (%s),", levelName(g.level), rules.Line(first.D, span.File))
			}
		}
		status := "503"
		if st, ok := g.locs[0].Block.Scalar("limit_conn_status"); ok {
			status = st.D.Arg(0)
		}
		p.Report(span,
			"limit_conn %s%s applies to WebSocket traffic in %s: every open WebSocket counts for its whole life, so the limit caps how many sockets can be open at once (browser tabs and overlapping reconnects count too) and the next handshake gets %s; size it for concurrent sockets, or give the WebSocket location its own limit_conn with a separate zone",
			strings.Join(limits, "; limit_conn "), inherited, where, status)
	}
}

type zoneKeysKey struct{}

// zoneKey describes what a limit_conn zone counts by, from its
// limit_conn_zone: " (per client address)", or "" when unknown. The
// zones are read once per unit, with those a fragment's siblings define.
func zoneKey(p *rules.Pass, zone string) string {
	keys := rules.Memo(p, zoneKeysKey{}, func() map[string]string {
		m := map[string]string{}
		add := func(e model.Entry) {
			if e.D.Name != "limit_conn_zone" || len(e.D.Args) < 2 {
				return
			}
			for _, a := range e.D.Args[1:] {
				name, _, _ := strings.Cut(strings.TrimPrefix(a.Value, "zone="), ":")
				if strings.HasPrefix(a.Value, "zone=") {
					m[name] = e.D.Args[0].Value
				}
			}
		}
		for _, b := range p.Cfg.Main.Children {
			if b.Kind == model.HTTP && b.Synthetic {
				for _, e := range b.Own("limit_conn_zone") { // the siblings' too
					add(e)
				}
			}
		}
		walk(p, func(_ *model.Block, e model.Entry) { add(e) })
		return m
	})
	key := keys[zone]
	switch strings.ToLower(key) {
	case "":
		return ""
	case "$binary_remote_addr", "$remote_addr":
		return " (per client address)"
	case "$server_name":
		return " (per server)"
	}
	return " (per " + key + ")"
}
