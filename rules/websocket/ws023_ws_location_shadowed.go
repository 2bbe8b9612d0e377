package websocket

import (
	"fmt"
	"strings"

	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&wsLocationShadowed{}) }

type wsLocationShadowed struct{}

var wsLocationShadowedMeta = &rules.Meta{
	ID: "WS023", Name: "ws-location-shadowed", Severity: rules.Error, Fixable: true,
	Doc: rules.Doc{
		Summary: "WebSocket requests never reach the WebSocket location: a regex location takes them.",
		Why: "nginx picks a location in this order (ngx_http_core_find_location): an exact = match wins at once; otherwise the " +
			"longest matching prefix is remembered, and unless it carries ^~, the regex locations are tried in file order and the " +
			"first one that matches wins. So location /ws/ with the WebSocket headers loses every request for /ws/... to an " +
			"earlier or later location ~ ^/ws or ~ \\.php$ that matches it, and if that location does not pass Upgrade and Connection " +
			"the handshake fails (400). ngxlint runs the same search for the WebSocket paths it knows: the path of each WebSocket " +
			"prefix or exact location, the --ws-path / ws-paths entries, and the endpoints of the application the location serves.",
		Bad:  "location /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n}\n\nlocation ~ ^/(ws|api)/ {\n    proxy_pass http://127.0.0.1:9001;\n}",
		Good: "location ^~ /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n}\n\nlocation ~ ^/(ws|api)/ {\n    proxy_pass http://127.0.0.1:9001;\n}",
		Fix: "Add ^~ to the WebSocket prefix location (regexes are then not tried for its paths), make it an exact = location, or " +
			"pass the WebSocket headers in the location that wins. ngxlint fix adds ^~.",
		SeverityNote: "Error when the WebSocket location is declared (its headers, a comment, --ws-path) or is a known application's endpoint; " +
			"a location that only looks like a WebSocket path is not checked. Not reported when a regex in the way cannot be evaluated " +
			"(PCRE syntax Go lacks), or when the winning location passes WebSocket itself (its own Upgrade/Connection headers, uwsgi_pass, scgi_pass).",
		Since: "0.1.0",
		Refs:  []string{"https://nginx.org/en/docs/http/ngx_http_core_module.html#location"},
	},
}

func (*wsLocationShadowed) Meta() *rules.Meta { return wsLocationShadowedMeta }

func (*wsLocationShadowed) Check(p *rules.Pass) {
	for _, srv := range p.Cfg.Servers {
		type pair struct{ ws, winner *model.Block }
		uris := map[pair][]string{}
		var order []pair
		try := func(uri string) {
			ws := srv.PrefixLocation(uri)
			if ws == nil || ws.Loc == nil || ws.Loc.Modifier != "" {
				return // only a plain prefix can lose to a regex
			}
			if !shadowCandidate(p, ws) {
				return
			}
			m := srv.FindLocation(uri)
			if m.Unknown != nil || m.Redirect || m.Loc == nil || m.Loc == ws || isInside(m.Loc, ws) {
				return
			}
			if forwardsUpgrade(p.Cfg, Serving(m.Loc)) {
				return
			}
			k := pair{ws, m.Loc}
			if _, ok := uris[k]; !ok {
				order = append(order, k)
			}
			for _, u := range uris[k] {
				if u == uri {
					return
				}
			}
			uris[k] = append(uris[k], uri)
		}
		for _, uri := range serverWSPaths(p.Opts, srv) {
			try(uri)
		}
		for _, loc := range p.Cfg.ServerLocations(srv) {
			if loc.Kind != model.Location || loc.Loc == nil || loc.Synthetic {
				continue
			}
			if loc.Loc.Modifier == "" || loc.Loc.Modifier == "=" || loc.Loc.Modifier == "^~" {
				try(loc.Loc.Pattern)
			}
			if app := webSocket(p, loc).App; app != nil {
				for _, uri := range app.Paths {
					try(uri)
				}
			}
		}
		for _, k := range order {
			reportShadowed(p, k.ws, k.winner, uris[k])
		}
	}
}

// shadowCandidate reports whether a location is one ngxlint is sure carries
// WebSocket: its headers, a marker comment or --ws-path declare it, or its
// path is a known application's endpoint.
func shadowCandidate(p *rules.Pass, loc *model.Block) bool {
	in := webSocket(p, loc)
	if !in.Certain() {
		return false
	}
	_, ok := Serving(loc).Handler()
	return ok
}

// isInside reports whether b is nested in (or is an if block of) outer.
func isInside(b, outer *model.Block) bool {
	for l := b.Parent; l != nil; l = l.Parent {
		if l == outer {
			return true
		}
	}
	return false
}

func reportShadowed(p *rules.Pass, ws, winner *model.Block, uris []string) {
	in := webSocket(p, ws)
	at := anchor(ws)
	how := "regex locations are tried after the longest prefix, and the first one that matches wins unless the prefix has ^~"
	lack := "does not pass the Upgrade and Connection headers"
	if _, ok := Serving(winner).Handler(); !ok {
		lack = "does not proxy at all"
	}
	f := p.ReportSev(in.Severity(rules.Error), at,
		"WebSocket requests for %s never reach %s%s: nginx picks %s (%s), which %s, so the handshake fails; %s; write location ^~ %s (or =), or pass the WebSocket headers in that location",
		andList(uris), ws.Name(), because(in), winner.Name(), rules.Line(winner.Dir, at.File), lack, how, ws.Loc.Pattern)
	d := ws.Dir
	if d == nil || len(d.Args) != 1 {
		return
	}
	arg := d.Args[0]
	if strings.HasPrefix(arg.Value, "=") || strings.HasPrefix(arg.Value, "~") || strings.HasPrefix(arg.Value, "^~") {
		return
	}
	f.WithFix(&rules.Fix{Message: fmt.Sprintf("make %s a ^~ location", ws.Name()),
		Edits: []rules.Edit{{File: d.File, Start: int(arg.Start), End: int(arg.Start), New: "^~ "}}})
}
