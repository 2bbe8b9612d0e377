package websocket

import (
	"fmt"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&handshakeHeaderRemoved{}) }

type handshakeHeaderRemoved struct{}

var handshakeHeaderRemovedMeta = &rules.Meta{
	ID: "WS016", Name: "handshake-header-removed", Severity: rules.Error, Fixable: true,
	Doc: rules.Doc{
		Summary: "A WebSocket location hides or clears a header the handshake needs.",
		Why: "Sec-WebSocket-* are ordinary end-to-end headers: nginx passes them both ways unless told otherwise. " +
			"proxy_hide_header Sec-WebSocket-Accept or Upgrade strips them from the backend's 101, and the browser rejects it " +
			"(\"'Sec-WebSocket-Accept' header is missing\", \"'Upgrade' header is missing\"). " +
			"proxy_set_header Sec-WebSocket-Key \"\" (or Sec-WebSocket-Version \"\") stops the client's value from reaching the backend, " +
			"which answers 400; a fixed Sec-WebSocket-Key makes the backend compute the Accept value for the wrong key " +
			"(\"Incorrect 'Sec-WebSocket-Accept' header value\"). proxy_pass_request_headers off drops every client header, " +
			"Sec-WebSocket-Key and Sec-WebSocket-Version included, so the backend answers 400 unless both are set again with proxy_set_header. " +
			"Hiding Sec-WebSocket-Protocol breaks clients that ask for a subprotocol (Chrome: \"Sent non-empty 'Sec-WebSocket-Protocol' header " +
			"but no response was received\"); hiding Sec-WebSocket-Extensions hides an accepted permessage-deflate, and the client then fails on " +
			"compressed frames it did not negotiate (RFC 6455 §5.2). proxy_hide_header is inherited all-or-nothing like proxy_set_header, " +
			"so a line in server{} or http{} applies to every location that has none of its own.",
		Bad:  "location /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n    proxy_hide_header Sec-WebSocket-Accept;\n}",
		Good: "location /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n}",
		Fix: "Delete the directive. ngxlint fix deletes it when it is written in the configuration file itself; a line that comes from an " +
			"include is left alone, since other places may include the same file.",
		SeverityNote: "Error for Upgrade, Sec-WebSocket-Accept, Sec-WebSocket-Key and Sec-WebSocket-Version, and for proxy_pass_request_headers off: " +
			"every handshake fails. Warning for Sec-WebSocket-Protocol and Sec-WebSocket-Extensions: only clients that use a subprotocol, or " +
			"compression the backend accepts, fail. A location whose only WebSocket evidence is its path gets at most a warning.",
		Since: "0.1.0",
		Refs:  []string{"https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_hide_header", "RFC 6455 §4.2.2, §5.2"},
	},
}

func (*handshakeHeaderRemoved) Meta() *rules.Meta { return handshakeHeaderRemovedMeta }

// hiddenEffect says what hiding a response header does to a handshake, and
// the severity it deserves; "" when hiding it is harmless.
func hiddenEffect(field string) (string, rules.Severity) {
	switch strings.ToLower(field) {
	case "upgrade":
		return "removes Upgrade from the backend's 101 answer, so the browser rejects the handshake with \"'Upgrade' header is missing\"", rules.Error
	case "sec-websocket-accept":
		return "removes Sec-WebSocket-Accept from the backend's 101 answer, so the browser rejects the handshake with \"'Sec-WebSocket-Accept' header is missing\"", rules.Error
	case "sec-websocket-protocol":
		return "hides the subprotocol the backend chose, so a client that asks for one fails (Chrome: \"Sent non-empty 'Sec-WebSocket-Protocol' header but no response was received\")", rules.Warning
	case "sec-websocket-extensions":
		return "hides the extensions the backend accepted, so when it agrees to permessage-deflate the client gets compressed frames it did not negotiate and fails the connection", rules.Warning
	}
	return "", rules.Off
}

// headerHit is one directive that breaks the handshake, with the WebSocket
// locations it applies to.
type headerHit struct {
	e      model.Entry
	level  *model.Block // where it is written; nil for the location itself
	what   string       // the directive as shown
	effect string
	sev    rules.Severity // before the evidence scales it
	fixMsg string
	alt    string // what else the user can do, after "delete it"
	locs   []*model.Block
	in     intent // the strongest evidence among locs
}

func (*handshakeHeaderRemoved) Check(p *rules.Pass) {
	type key struct{ d, at *parser.Directive }
	hits := map[key]*headerHit{}
	var order []key
	add := func(loc *model.Block, in intent, h headerHit) {
		k := key{h.e.D, h.e.At()}
		hit := hits[k]
		if hit == nil {
			hit = &h
			hits[k] = hit
			order = append(order, k)
		}
		hit.locs = append(hit.locs, loc)
		if len(hit.locs) == 1 || in.Evidence > hit.in.Evidence {
			hit.in = in
		}
	}
	for _, pl := range proxyLocationsOf(p) {
		loc := pl.Block
		in := webSocket(p, loc)
		if in.Evidence == noEvidence {
			continue
		}
		hides, level := loc.Lookup("proxy_hide_header")
		for _, e := range hides {
			if effect, sev := hiddenEffect(e.D.Arg(0)); effect != "" {
				add(loc, in, headerHit{e: e, level: level, what: "proxy_hide_header " + e.D.Arg(0), effect: effect, sev: sev,
					fixMsg: "delete proxy_hide_header " + e.D.Arg(0)})
			}
		}
		hs := headersOf(p, loc)
		for _, h := range hs.List {
			if effect, sev := clearedEffect(h); effect != "" {
				e := h.Entry
				add(loc, in, headerHit{e: e, level: hs.Level, what: "proxy_set_header " + h.Name() + " " + e.D.File.Raw(e.D.Args[1]),
					effect: effect, sev: sev, fixMsg: "delete proxy_set_header " + h.Name()})
			}
		}
		if e, ok := loc.Scalar("proxy_pass_request_headers"); ok && e.D.Arg(0) == "off" {
			var missing []string
			for _, field := range []string{"Sec-WebSocket-Key", "Sec-WebSocket-Version"} {
				set := false
				for _, h := range hs.Get(field) {
					set = set || h.Value() != ""
				}
				if !set {
					missing = append(missing, field)
				}
			}
			if len(missing) > 0 {
				_, level := loc.Lookup("proxy_pass_request_headers")
				add(loc, in, headerHit{e: e, level: level, what: "proxy_pass_request_headers off",
					effect: fmt.Sprintf("keeps the client's %s from the backend, so the WebSocket handshake fails with 400", andList(missing)),
					alt:    fmt.Sprintf(", or set %s with proxy_set_header", andList(missingSetters(missing))),
					sev:    rules.Error, fixMsg: "delete proxy_pass_request_headers off"})
			}
		}
	}
	for _, k := range order {
		h := hits[k]
		at := entrySpan(h.e, 0)
		where := ""
		if h.level != nil && h.level != h.locs[0] {
			where = fmt.Sprintf(" (set in %s)", levelName(h.level))
		}
		f := p.ReportSev(h.in.Severity(h.sev), at, "%s%s%s applies to %s%s: it %s; delete it%s",
			h.what, where, viaNote(h.e), locNames(h.locs), because(h.in), h.effect, h.alt)
		deleteFix(f, h.e, h.fixMsg)
	}
}

// locNames names up to three locations, and how many more there are.
func locNames(locs []*model.Block) string {
	var names []string
	for i, l := range locs {
		if i == 3 {
			names = append(names, fmt.Sprintf("%d more", len(locs)-3))
			break
		}
		names = append(names, l.Name())
	}
	return andList(names)
}

// clearedEffect says what a proxy_set_header line does to the handshake
// request, and its severity; "" when it is harmless.
func clearedEffect(h header) (string, rules.Severity) {
	switch strings.ToLower(h.Name()) {
	case "sec-websocket-key":
		if h.Value() == "" {
			return "stops nginx from passing the client's key, so the backend refuses the handshake (400)", rules.Error
		}
		if !strings.Contains(h.Value(), "$") {
			return "replaces the client's key with a fixed one, so the backend answers with the Sec-WebSocket-Accept of that key and the browser rejects it (\"Incorrect 'Sec-WebSocket-Accept' header value\")", rules.Error
		}
	case "sec-websocket-version":
		if h.Value() == "" {
			return "stops nginx from passing the client's protocol version, so the backend refuses the handshake (400)", rules.Error
		}
	case "sec-websocket-protocol":
		if h.Value() == "" {
			return "drops the subprotocols the client asked for, so the backend picks none and a client that needs one fails", rules.Warning
		}
	}
	return "", rules.Off
}

// missingSetters names the proxy_set_header lines that restore fields.
func missingSetters(fields []string) []string {
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		out = append(out, fmt.Sprintf("%s $http_%s", f, strings.ReplaceAll(strings.ToLower(f), "-", "_")))
	}
	return out
}
