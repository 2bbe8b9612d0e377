package websocket

import "github.com/ngxlint/ngxlint/rules"

func init() { rules.Register(&missingUpgradeHeader{}) }

type missingUpgradeHeader struct{}

var missingUpgradeHeaderMeta = &rules.Meta{
	ID: "WS001", Name: "missing-upgrade-header", Severity: rules.Error, Fixable: true,
	Doc: rules.Doc{
		Summary: "A WebSocket location does not pass the Upgrade header to the backend.",
		Why: "Upgrade is a hop-by-hop header: nginx never forwards the client's Upgrade unless " +
			"proxy_set_header sets it, in every nginx version (its default header table sets Upgrade \"\"). " +
			"The backend then sees a plain GET and answers 400 (gorilla: 'websocket' token not found in 'Upgrade' header); " +
			"the browser reports \"Error during WebSocket handshake: Unexpected response code: 400\". " +
			"nginx also switches to tunnel mode only when the client sent Upgrade and the backend answered 101.",
		Bad:  "location /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_http_version 1.1;\n    proxy_set_header Connection \"upgrade\";\n}",
		Good: "location /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n}",
		Fix: "Add proxy_set_header Upgrade $http_upgrade; at the level whose proxy_set_header list the location uses " +
			"(adding it to the location alone would drop the headers it inherits). ngxlint fix does this.",
		SeverityNote: "Error when the location is declared WebSocket (it sets Connection upgrade, a comment, --ws-path) or its path is a known application's WebSocket endpoint; warning when only the path looks like one.",
		Since:        "0.1.0",
		Refs:         []string{"https://nginx.org/en/docs/http/websocket.html"},
	},
}

func (*missingUpgradeHeader) Meta() *rules.Meta { return missingUpgradeHeaderMeta }

func (*missingUpgradeHeader) Check(p *rules.Pass) {
	for _, pl := range proxyLocationsOf(p) {
		in := pl.intent(p)
		if in.Evidence == noEvidence {
			continue
		}
		hs := pl.headers(p)
		if ups := hs.Get("Upgrade"); len(ups) > 0 {
			for _, h := range ups {
				if h.Value() == "" {
					p.ReportSev(in.Severity(rules.Error), rules.WordSpan(h.Entry.D, h.Entry.D.Args[1]),
						"proxy_set_header Upgrade has an empty value, so nginx sends no Upgrade header and the WebSocket handshake in %s fails with 400; use $http_upgrade",
						pl.Block.Name()).
						WithFix(&rules.Fix{Message: "set Upgrade to $http_upgrade", Edits: []rules.Edit{{File: h.Entry.D.File, Start: int(h.Entry.D.Args[1].Start), End: int(h.Entry.D.Args[1].End), New: "$http_upgrade"}}})
				}
			}
			continue
		}
		if hasTypoHeader(hs, "upgrade") {
			continue // WS008 names the misspelled field
		}
		if outer, ok := outerWSHeaders(p.Cfg, pl.Block, hs.Level); ok && len(outer.Get("Upgrade")) > 0 {
			continue // WS003 explains the inheritance drop
		}
		f := p.ReportSev(in.Severity(rules.Error), anchor(pl.Block),
			"%s proxies WebSocket%s but sends no Upgrade header: nginx does not forward the client's Upgrade (a hop-by-hop header), so the backend sees a plain GET and the handshake fails with 400; add proxy_set_header Upgrade $http_upgrade;",
			pl.Block.Name(), because(in))
		level := hs.Level
		if level == nil {
			level = pl.Block
		}
		if e, ok := rules.InsertInLevel(level, []string{"proxy_set_header"}, []string{upgradeHeaderLine()}); ok {
			f.WithFix(&rules.Fix{Message: "add proxy_set_header Upgrade $http_upgrade", Edits: []rules.Edit{e}})
		} else {
			f.NoFix = "the headers in effect here come from a level with no place to write to"
		}
	}
}
