package websocket

import (
	"fmt"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&hardcodedUpgradeValue{}) }

type hardcodedUpgradeValue struct{}

var hardcodedUpgradeValueMeta = &rules.Meta{
	ID: "WS007", Name: "hardcoded-upgrade-value", Severity: rules.Warning, Fixable: true,
	Doc: rules.Doc{
		Summary: "proxy_set_header Upgrade is a fixed value such as \"websocket\" instead of $http_upgrade.",
		Why: "With a fixed Upgrade value every request through the location looks like a WebSocket handshake to the backend, " +
			"including ordinary page, API and long-polling requests. WebSocket itself works, but servers that route upgrades first " +
			"answer the ordinary requests with an error: Node's ws answers 400 \"Missing or invalid Sec-WebSocket-Key header\", Python " +
			"websockets 400 \"missing Sec-WebSocket-Key header\". $http_upgrade is empty for ordinary requests, and nginx omits a header " +
			"whose value is empty, so it forwards exactly what the client asked for. (A hard-coded Connection \"upgrade\" is fine: it is " +
			"the nginx documentation's own first example, and backends ignore it without an Upgrade header.)",
		Bad:  "location /chat/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade websocket;\n    proxy_set_header Connection \"upgrade\";\n}",
		Good: "location /chat/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n}",
		Fix:  "Set proxy_set_header Upgrade $http_upgrade;. ngxlint fix replaces the value.",
		SeverityNote: "Info instead of warning when every location the header reaches is an exact-match location (location = /ws) on a " +
			"WebSocket path: such a location receives nothing but handshakes, so the fixed value only hides what the client sent. " +
			"An empty value (Upgrade \"\") is WS001's: it sends no Upgrade at all.",
		Since: "0.1.0",
		Refs:  []string{"https://nginx.org/en/docs/http/websocket.html"},
	},
}

func (*hardcodedUpgradeValue) Meta() *rules.Meta { return hardcodedUpgradeValueMeta }

func (*hardcodedUpgradeValue) Check(p *rules.Pass) {
	seen := map[*parser.Directive]bool{}
	walk(p, func(b *model.Block, e model.Entry) {
		d := e.D
		if d.Name != "proxy_set_header" || len(d.Args) != 2 || !strings.EqualFold(d.Args[0].Value, "Upgrade") {
			return
		}
		value := d.Args[1].Value
		if value == "" || strings.Contains(value, "$") || seen[d] {
			return
		}
		seen[d] = true
		// the proxied locations this header reaches
		var reached, wsOnly []*model.Block
		var why string
		for _, pl := range proxyLocationsOf(p) {
			for _, h := range pl.headers(p).Get("Upgrade") {
				if h.Entry.D != d {
					continue
				}
				reached = append(reached, pl.Block)
				if r, ok := exactWSPath(p, pl.Block); ok {
					wsOnly = append(wsOnly, pl.Block)
					why = r
				}
			}
		}
		fix := &rules.Fix{Message: "set Upgrade to $http_upgrade", Edits: []rules.Edit{rules.ReplaceWord(d, d.Args[1], "$http_upgrade")}}
		raw := d.File.Raw(d.Args[1])
		if len(reached) > 0 && len(wsOnly) == len(reached) {
			p.ReportSev(rules.Info, rules.WordSpan(d, d.Args[1]),
				"proxy_set_header Upgrade %s sends a fixed value; %s only receives WebSocket handshakes (%s), so this works, but $http_upgrade forwards what the client sent and keeps working if the location ever serves more",
				raw, names(reached), why).WithFix(fix)
			return
		}
		where := "every request it applies to"
		if len(reached) > 0 {
			where = "every request through " + names(reached)
		} else if b.IsLocationLike() || b.Kind == model.Server {
			where = fmt.Sprintf("every request in %s", levelName(b))
		}
		p.Report(rules.WordSpan(d, d.Args[1]),
			"proxy_set_header Upgrade %s makes %s look like a WebSocket handshake: ordinary requests reach the backend with Upgrade: %s, and servers such as Node's ws or Python websockets answer them with 400; use $http_upgrade, which is empty (and then not sent) for ordinary requests",
			raw, where, value).WithFix(fix)
	})
}

// exactWSPath reports whether a location can only receive WebSocket
// handshakes: an exact-match location (location = /ws) whose path is a
// WebSocket path (a --ws-path, a known application path or one that looks
// like it).
func exactWSPath(p *rules.Pass, b *model.Block) (string, bool) {
	if b.Kind != model.Location || b.Loc == nil || b.Loc.Modifier != "=" {
		return "", false
	}
	return pathEvidence(p, b)
}
