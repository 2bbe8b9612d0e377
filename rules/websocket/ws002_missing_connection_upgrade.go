package websocket

import (
	"fmt"
	"strings"

	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&missingConnectionUpgrade{}) }

type missingConnectionUpgrade struct{}

var missingConnectionUpgradeMeta = &rules.Meta{
	ID: "WS002", Name: "missing-connection-upgrade", Severity: rules.Error, Fixable: true,
	Doc: rules.Doc{
		Summary: "A WebSocket location sends no Connection header carrying the upgrade token.",
		Why: "Connection is hop-by-hop, so nginx replaces the client's: before 1.29.7 it sends Connection: close, " +
			"from 1.29.7 on it sends none. A WebSocket server accepts the handshake only when Connection lists " +
			"\"upgrade\" (gorilla: 'upgrade' token not found in 'Connection' header → 400; coder/websocket → 426). " +
			"The same happens when the value cannot yield the token: a literal such as \"\" (the upstream keepalive recipe), " +
			"close or keep-alive, or a map that yields no upgrade for a WebSocket request.",
		Bad:  "location /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"\";\n}",
		Good: "map $http_upgrade $connection_upgrade {\n    default upgrade;\n    ''      close;\n}\n\nlocation /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection $connection_upgrade;\n}",
		Fix: "Set proxy_set_header Connection $connection_upgrade; with map $http_upgrade $connection_upgrade { default upgrade; '' close; } in http{} " +
			"(a hard-coded Connection \"upgrade\" works too). ngxlint fix inserts or rewrites the header and adds the map when none exists.",
		SeverityNote: "Error when the location is declared WebSocket or its path is a known application's endpoint; warning on a path hint alone. Values ngxlint cannot evaluate (set or if-computed variables) are not reported.",
		Since:        "0.1.0",
		Refs:         []string{"https://nginx.org/en/docs/http/websocket.html"},
	},
}

func (*missingConnectionUpgrade) Meta() *rules.Meta { return missingConnectionUpgradeMeta }

func (*missingConnectionUpgrade) Check(p *rules.Pass) {
	for _, pl := range proxyLocationsOf(p) {
		in := pl.intent(p)
		if in.Evidence == noEvidence {
			continue
		}
		sev := in.Severity(rules.Error)
		hs := pl.headers(p)
		conns := hs.Get("Connection")
		if len(conns) == 0 {
			if hasTypoHeader(hs, "connection") {
				continue // WS008
			}
			if outer, ok := outerWSHeaders(p.Cfg, pl.Block, hs.Level); ok && len(outer.Get("Connection")) > 0 {
				continue // WS003
			}
			sent := "Connection: close (the default before nginx 1.29.7)"
			if p.Cfg.Version.DefaultHTTP11() {
				sent = "no Connection header (the default since nginx 1.29.7)"
			}
			f := p.ReportSev(sev, anchor(pl.Block),
				"%s proxies WebSocket%s but sets no Connection header, so nginx sends %s and the backend refuses the handshake (400 or 426); add proxy_set_header Connection $connection_upgrade; with its map in http{}",
				pl.Block.Name(), because(in), sent)
			level := hs.Level
			if level == nil {
				level = pl.Block
			}
			addConnectionFix(p, f, level, nil)
			continue
		}
		worst := connUpgrade
		var bad header
		var yields string
		for _, h := range conns {
			st, y := connectionStatusOf(p, h.Value())
			if st == connUpgrade || st == connUnknown {
				worst = st
				break
			}
			worst, bad, yields = st, h, y
		}
		if worst != connMissing {
			continue // fine, unknown, or reported by WS009/WS013
		}
		d := bad.Entry.D
		what := fmt.Sprintf("yields %q for a WebSocket handshake", yields)
		if !strings.Contains(bad.Value(), "$") {
			what = "is a fixed value without it"
		}
		hint := ""
		if bad.Value() == "" {
			hint = " (Connection \"\" is the upstream keepalive recipe; it belongs in non-WebSocket locations)"
		}
		f := p.ReportSev(sev, rules.WordSpan(d, d.Args[1]),
			"proxy_set_header Connection %s never carries the upgrade token: it %s, so the backend refuses the handshake in %s%s%s; use $connection_upgrade with its map",
			d.File.Raw(d.Args[1]), what, pl.Block.Name(), because(in), hint)
		addConnectionFix(p, f, nil, &bad)
	}
}

// addConnectionFix sets Connection to $connection_upgrade (inserting the
// header at level, or rewriting the value of h) and adds the map when the
// configuration has none. When h already uses a map on $http_upgrade, the
// map itself is repaired instead: the entry a WebSocket request reaches
// gets the value upgrade (a normal request, where $http_upgrade is empty,
// keeps what it had).
func addConnectionFix(p *rules.Pass, f *rules.Finding, level *model.Block, h *header) {
	var edits []rules.Edit
	if h != nil {
		if e, ok := repairUpgradeMap(p.Cfg, h.Value()); ok {
			f.WithFix(&rules.Fix{Message: "make the map yield upgrade for a WebSocket request", Edits: []rules.Edit{e}})
			return
		}
		d := h.Entry.D
		if st, _ := connectionStatusOf(p, "$"+ConnectionVar); st != connUpgrade && definedByMap(p.Cfg, ConnectionVar) {
			f.NoFix = "$" + ConnectionVar + " is defined by a map that does not yield upgrade either; correct that map"
			return
		}
		edits = append(edits, rules.ReplaceWord(d, d.Args[1], "$"+ConnectionVar))
	} else {
		e, ok := rules.InsertInLevel(level, []string{"proxy_set_header"}, []string{connectionHeaderLine()})
		if !ok {
			f.NoFix = "the headers in effect here come from a level with no place to write to"
			return
		}
		edits = append(edits, e)
	}
	mapEdit, needed, reason := connectionMapFixOf(p)
	if needed && reason != "" {
		f.NoFix = reason
		return
	}
	if needed {
		edits = append(edits, mapEdit)
	}
	f.WithFix(&rules.Fix{Message: "set Connection to $connection_upgrade", Edits: edits})
}

// repairUpgradeMap returns the edit that makes the map on $http_upgrade
// that value uses yield upgrade for a WebSocket request.
func repairUpgradeMap(cfg *model.Config, value string) (rules.Edit, bool) {
	vars := model.Variables(value)
	if len(vars) != 1 || strings.TrimSpace(value) != "$"+vars[0] && strings.TrimSpace(value) != "${"+vars[0]+"}" {
		return rules.Edit{}, false
	}
	m, ok := cfg.Map(vars[0])
	if !ok || !strings.EqualFold(m.Source, "$http_upgrade") || m.Dir == nil || m.Dir.Block == nil {
		return rules.Edit{}, false
	}
	_, e, known := m.Eval("websocket")
	if !known {
		return rules.Edit{}, false
	}
	if e == nil {
		return rules.InsertFirst(m.Dir, []string{"default upgrade;"}), true
	}
	return rules.ReplaceWord(e.D, e.ValueWord(), "upgrade"), true
}
