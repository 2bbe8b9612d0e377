package websocket

import (
	"fmt"
	"strings"

	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&wsHeadersDropped{}) }

type wsHeadersDropped struct{}

var wsHeadersDroppedMeta = &rules.Meta{
	ID: "WS003", Name: "ws-headers-dropped-by-inheritance", Severity: rules.Error, Fixable: true,
	Doc: rules.Doc{
		Summary: "A proxy_set_header at an inner level silently drops the Upgrade/Connection headers set further out.",
		Why: "nginx inherits proxy_set_header from the enclosing level if and only if the current level has none: " +
			"the list is merged as one piece (ngx_conf_merge_ptr_value on headers_source). One proxy_set_header Host in a " +
			"location, or an include of proxy_params, throws away the Upgrade and Connection headers set in server{} or http{}, " +
			"and the handshake fails with 400. if blocks cannot hold proxy_set_header, so they always inherit the location's list.",
		Bad:  "server {\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n\n    location /ws/ {\n        proxy_set_header Host $host;\n        proxy_pass http://127.0.0.1:9001;\n    }\n}",
		Good: "server {\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n\n    location /ws/ {\n        proxy_set_header Host $host;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_pass http://127.0.0.1:9001;\n    }\n}",
		Fix: "Repeat the outer Upgrade and Connection lines at the level that sets its own proxy_set_header, or keep every proxy_set_header in one include used at one level. " +
			"ngxlint fix copies the outer lines, exactly as written, after the inner level's last proxy_set_header.",
		SeverityNote: "Error when the location shows WebSocket intent of its own (its path, a comment, --ws-path); warning when the outer headers, written for this location alone, are the only sign; info when they are boilerplate that several proxied locations inherit. Only Upgrade and a Connection that carries the upgrade token count: Connection \"\" (the keepalive idiom) is not an upgrade header.",
		Since:        "0.1.0",
		Refs:         []string{"https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header"},
	},
}

func (*wsHeadersDropped) Meta() *rules.Meta { return wsHeadersDroppedMeta }

func (*wsHeadersDropped) Check(p *rules.Pass) {
	// Group the proxied locations by the level whose proxy_set_header list
	// they use: one finding per level that drops the outer headers.
	type group struct {
		level *model.Block
		locs  []proxyLocation
	}
	var groups []*group
	byLevel := map[*model.Block]*group{}
	// under counts the proxied locations inside each level.
	under := map[*model.Block]int{}
	for _, pl := range proxyLocationsOf(p) {
		for l := pl.Block.Parent; l != nil; l = l.Parent {
			under[l]++
		}
	}
	for _, pl := range proxyLocationsOf(p) {
		hs := pl.headers(p)
		if hs.Level == nil {
			continue
		}
		g := byLevel[hs.Level]
		if g == nil {
			g = &group{level: hs.Level}
			byLevel[hs.Level] = g
			groups = append(groups, g)
		}
		g.locs = append(g.locs, pl)
	}
	for _, g := range groups {
		hs := headersOf(p, g.locs[0].Block)
		outer, ok := outerWSHeaders(p.Cfg, g.locs[0].Block, hs.Level)
		if !ok {
			continue
		}
		var missing []header
		for _, field := range []string{"Upgrade", "Connection"} {
			if len(hs.Get(field)) == 0 && !hasTypoHeader(hs, strings.ToLower(field)) {
				missing = append(missing, outer.Get(field)...)
			}
		}
		if len(missing) == 0 {
			continue
		}
		// The location with the strongest WebSocket evidence speaks for the group.
		rep, in := g.locs[0], webSocket(p, g.locs[0].Block)
		for _, pl := range g.locs[1:] {
			if i := pl.intent(p); i.Evidence > in.Evidence {
				rep, in = pl, i
			}
		}
		// The location's own evidence makes the loss certain; without it the
		// outer headers are the only sign: a warning where they were written
		// for this location alone, an info note where the outer level is
		// boilerplate that several proxied locations inherit or drop.
		sev := rules.Error
		switch {
		case in.Carries():
		case under[outer.Level] > 1:
			sev = rules.Info
		default:
			sev = rules.Warning
		}
		culprit := hs.List[0].Entry
		at := culprit.At()
		var names []string
		for _, h := range missing {
			names = append(names, h.Name())
		}
		cause := fmt.Sprintf("it sets proxy_set_header %s", culprit.D.Arg(0))
		if culprit.Via != nil {
			cause = fmt.Sprintf("its include %s sets proxy_set_header %s (%s)", culprit.Via.Arg(0), culprit.D.Arg(0), rules.Line(culprit.D, at.File))
		}
		affected := ""
		if hs.Level != rep.Block {
			affected = fmt.Sprintf(" for %s", rep.Block.Name())
		}
		f := p.ReportSev(sev, rules.DirectiveSpan(at),
			"%s drops the %s header%s that %s sets on %s%s because %s: nginx inherits proxy_set_header only when a level sets none%s; repeat them here",
			levelName(hs.Level), strings.Join(names, " and "), plural(len(names)), levelName(outer.Level),
			rules.Line(missing[0].Entry.D, at.File), affected, cause, because(in))
		var lines []string
		for _, h := range missing {
			d := h.Entry.D
			lines = append(lines, strings.TrimSpace(string(d.File.Src[d.Start():d.End])))
		}
		if e, ok := rules.InsertInLevel(hs.Level, []string{"proxy_set_header"}, lines); ok {
			f.WithFix(&rules.Fix{Message: "repeat the " + strings.Join(names, " and ") + " headers here", Edits: []rules.Edit{e}})
		}
	}
}
