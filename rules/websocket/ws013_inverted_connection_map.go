package websocket

import (
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&invertedConnectionMap{}) }

type invertedConnectionMap struct{}

var invertedConnectionMapMeta = &rules.Meta{
	ID: "WS013", Name: "inverted-connection-map", Severity: rules.Error, Fixable: true,
	Doc: rules.Doc{
		Summary: "The map on $http_upgrade that gives the Connection header has its branches swapped: upgrade for ordinary requests, close for WebSocket.",
		Why: "The canonical map is map $http_upgrade $connection_upgrade { default upgrade; '' close; }: $http_upgrade is empty for an " +
			"ordinary request and \"websocket\" for a handshake. Written the other way round (default close; '' upgrade;) every " +
			"handshake is proxied with Connection: close, so the backend does not see the upgrade token and refuses it (400 or 426), " +
			"while ordinary requests carry a pointless Connection: upgrade. nginx -t cannot notice. ngxlint evaluates the map the way " +
			"nginx does (string keys ignoring case, then regexes in order, then default) for the input \"websocket\" and for the " +
			"empty input, and reports a map whose result lacks the upgrade token for the first and has it for the second.",
		Bad:  "map $http_upgrade $connection_upgrade {\n    default close;\n    ''      upgrade;\n}\n\n" + ws013Location,
		Good: "map $http_upgrade $connection_upgrade {\n    default upgrade;\n    ''      close;\n}\n\n" + ws013Location,
		Fix: "Swap the two values: default upgrade; '' close; ('' ''; instead of '' close; keeps upstream keepalive working). " +
			"ngxlint fix swaps the values of the two entries that match a handshake and an ordinary request, or, when the map has " +
			"no default, sets '' to close and adds default upgrade;.",
		Since: "0.1.0",
		Refs:  []string{"https://nginx.org/en/docs/http/websocket.html"},
	},
}

const ws013Location = "server {\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_http_version 1.1;\n" +
	"        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;\n    }\n}"

func (*invertedConnectionMap) Meta() *rules.Meta { return invertedConnectionMapMeta }

func (*invertedConnectionMap) Check(p *rules.Pass) {
	type use struct {
		h    header
		in   intent
		locs []*model.Block
	}
	uses := map[*model.Map]*use{}
	var order []*model.Map
	for _, pl := range proxyLocationsOf(p) {
		in := pl.intent(p)
		if in.Evidence == noEvidence {
			continue
		}
		for _, h := range pl.headers(p).Get("Connection") {
			if st, _ := connectionStatusOf(p, h.Value()); st != connInverted {
				continue
			}
			m := invertedMapOf(p.Cfg, h.Value())
			if m == nil {
				continue
			}
			u := uses[m]
			if u == nil {
				u = &use{h: h, in: in}
				uses[m] = u
				order = append(order, m)
			}
			u.locs = append(u.locs, pl.Block)
		}
	}
	for _, m := range order {
		u := uses[m]
		ws, wsEntry, _ := m.Eval("websocket")
		plain, plainEntry, _ := m.Eval("")
		target := "$" + m.Target
		at := rules.DirectiveSpan(m.Dir)
		if !p.Cfg.Unit.Report[m.Dir.File] {
			d := u.h.Entry.D
			at = rules.WordSpan(d, d.Args[1])
		}
		f := p.ReportSev(u.in.Severity(rules.Error), at,
			"map %s %s is inverted: it yields %s for a WebSocket handshake (Upgrade: websocket) and %s for requests without Upgrade, "+
				"so every handshake through %s%s goes out %s and the backend refuses it; swap the values: default upgrade; '' close;",
			m.Source, target, quoteValue(ws), quoteValue(plain), names(u.locs), because(u.in), emptyAsNone(ws))
		edits, why := swapMapValues(m, wsEntry, plainEntry)
		if edits == nil {
			f.NoFix = why
			continue
		}
		f.WithFix(&rules.Fix{Message: "swap the map's values", Edits: edits})
	}
}

func swapMapValues(m *model.Map, wsEntry, plainEntry *model.MapEntry) ([]rules.Edit, string) {
	if plainEntry == nil {
		return nil, "no entry of the map matches an ordinary request"
	}
	if plainEntry.D.File != m.Dir.File || wsEntry != nil && wsEntry.D.File != m.Dir.File {
		return nil, "the map's entries are in an included file"
	}
	if wsEntry == nil {
		// no default: the handshake yields ""; give it upgrade
		if m.Dir.Block == nil {
			return nil, "the map has no body"
		}
		return []rules.Edit{
			rules.ReplaceWord(plainEntry.D, plainEntry.ValueWord(), "close"),
			rules.InsertFirst(m.Dir, []string{"default upgrade;"}),
		}, ""
	}
	if wsEntry == plainEntry {
		return nil, "one entry matches both requests"
	}
	// swap the values as written, quotes and all
	ww, pw := wsEntry.ValueWord(), plainEntry.ValueWord()
	f := m.Dir.File
	return []rules.Edit{
		{File: f, Start: int(ww.Start), End: int(ww.End), New: f.Raw(pw)},
		{File: f, Start: int(pw.Start), End: int(pw.End), New: f.Raw(ww)},
	}, ""
}

func quoteValue(v string) string {
	if v == "" {
		return "nothing"
	}
	return "\"" + v + "\""
}

func emptyAsNone(v string) string {
	if v == "" {
		return "without a Connection header"
	}
	return "with Connection: " + v
}
