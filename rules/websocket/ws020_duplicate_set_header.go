package websocket

import (
	"fmt"
	"strings"

	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&duplicateSetHeader{}) }

type duplicateSetHeader struct{}

var duplicateSetHeaderMeta = &rules.Meta{
	ID: "WS020", Name: "duplicate-set-header", Severity: rules.Warning, Fixable: true,
	Doc: rules.Doc{
		Summary: "Two proxy_set_header lines at one level set the same header field.",
		Why: "nginx does not replace an earlier proxy_set_header with a later one for the same field: it sends both lines " +
			"(Connection: upgrade and Connection: keep-alive), and backends differ on which one they read. Field names compare " +
			"without case, and lines brought in by include count as written where the include is, so include proxy_params; plus " +
			"an own proxy_set_header Host sends two Host headers, which RFC 9112 tells a server to refuse with 400 " +
			"(nginx 1.31.4 and later use only the last Host line, dea68dbf1). A line whose value is the literal \"\" sends nothing, so a " +
			"pair where only one line has a value is not reported.",
		Bad:  "location /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n    proxy_set_header Connection \"keep-alive\";\n}",
		Good: "location /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n}",
		Fix: "Keep one line per field. ngxlint fix deletes the Connection line that carries no upgrade token, the Upgrade line that does " +
			"not forward $http_upgrade, every Host line but the last (what nginx 1.31.4 and later do), or a later line that repeats an earlier " +
			"one exactly; when the values differ otherwise, only you " +
			"know which one the backend needs, and lines that come from an include are left alone.",
		SeverityNote: "Warning. For Host: error before nginx 1.31.4 (or when the version is unknown), since the backend must answer 400 to a " +
			"request with two Host headers and the handshake fails (checked with nginx 1.22.1 and a Go backend); info from 1.31.4 on, " +
			"where nginx sends only the last Host line.",
		Since: "0.1.0",
		Refs:  []string{"https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header", "RFC 9112 §3.2"},
	},
}

func (*duplicateSetHeader) Meta() *rules.Meta { return duplicateSetHeaderMeta }

func (*duplicateSetHeader) Check(p *rules.Pass) {
	var walk func(b *model.Block)
	walk = func(b *model.Block) {
		checkDuplicateHeaders(p, b)
		for _, c := range b.Children {
			walk(c)
		}
	}
	walk(p.Cfg.Main)
}

func checkDuplicateHeaders(p *rules.Pass, b *model.Block) {
	groups := map[string][]header{}
	var order []string
	for _, e := range b.Own("proxy_set_header") {
		if len(e.D.Args) != 2 {
			continue
		}
		key := strings.ToLower(e.D.Args[0].Value)
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], header{Entry: e})
	}
	for _, key := range order {
		var sent []header
		for _, h := range groups[key] {
			if h.Value() != "" {
				sent = append(sent, h)
			}
		}
		if len(sent) < 2 {
			continue
		}
		reportDuplicate(p, b, sent)
	}
}

func reportDuplicate(p *rules.Pass, b *model.Block, hs []header) {
	field := hs[0].Name()
	drop, why := duplicatesToDrop(p.Cfg, hs)
	if strings.EqualFold(field, "Host") {
		// nginx 1.31.4 and later keep only the last Host line: the fix does
		// the same on every version
		drop, why = hs[:len(hs)-1], ", as nginx 1.31.4 and later ignore every Host line but the last"
	}
	// show the finding at a line written here when there is one: the user
	// can act on it, unlike a line of a shared include
	shown := hs[1]
	for _, cands := range [][]header{drop, hs} {
		if h, ok := firstWrittenHere(cands); ok {
			shown = h
			break
		}
	}
	at := entrySpan(shown.Entry, 0)
	var lines, values []string
	for _, h := range hs {
		lines = append(lines, rules.Line(h.Entry.D, at.File))
		values = append(values, fmt.Sprintf("%s: %s", h.Name(), h.Entry.D.File.Raw(h.Entry.D.Args[1])))
	}
	sev := rules.Warning
	effect := fmt.Sprintf("nginx sends every one of them (%s) and backends differ on which one counts", strings.Join(values, " and "))
	if sameValues(hs) {
		effect = fmt.Sprintf("nginx sends the same header %s", times(len(hs)))
	}
	if strings.EqualFold(field, "Host") {
		if p.Cfg.Version.AtLeast(spec.GateHostLastWins) {
			sev = rules.Info
			effect = fmt.Sprintf("nginx %s uses only the last Host line, so the earlier ones do nothing", p.Cfg.Version)
		} else {
			sev = rules.Error
			effect = "before 1.31.4 nginx sends them all, and a server must refuse a request with more than one Host with 400 (RFC 9112), so the handshake fails"
		}
	}
	action := "keep one of them"
	viaInclude := false
	for _, h := range drop {
		viaInclude = viaInclude || h.Entry.Via != nil
	}
	if viaInclude && strings.EqualFold(field, "Host") {
		action = "keep only one of them (nginx 1.31.4 and later use the last)"
	}
	if len(drop) > 0 && !viaInclude {
		var dl []string
		for _, h := range drop {
			dl = append(dl, rules.Line(h.Entry.D, at.File))
		}
		action = fmt.Sprintf("delete the one on %s%s", andList(dl), why)
	}
	f := p.ReportSev(sev, at, "proxy_set_header %s is set %s in %s (%s)%s: %s; %s",
		field, times(len(hs)), levelName(b), andList(lines), viaNote(shown.Entry), effect, action)
	if len(drop) == 0 {
		f.NoFix = "the values differ and only you know which one the backend needs"
		return
	}
	var edits []rules.Edit
	for _, h := range drop {
		if h.Entry.Via != nil {
			f.NoFix = fmt.Sprintf("the line to delete comes from include %s, which other places may share", h.Entry.Via.Arg(0))
			return
		}
		edits = append(edits, rules.DeleteDirective(h.Entry.D))
	}
	f.WithFix(&rules.Fix{Message: "delete the duplicate proxy_set_header " + field, Edits: edits})
}

// duplicatesToDrop chooses the lines to delete among duplicates that are
// all sent: for Connection those without the upgrade token, for Upgrade
// those that do not forward $http_upgrade, when at least one line does;
// else the later lines when all repeat the first exactly. why explains the
// choice for the message.
func duplicatesToDrop(cfg *model.Config, hs []header) (drop []header, why string) {
	var good func(h header) bool
	switch strings.ToLower(hs[0].Name()) {
	case "connection":
		good = func(h header) bool { st, _ := connectionStatus(cfg, h.Value()); return st == connUpgrade }
		why = ", which carries no upgrade token for a WebSocket handshake"
	case "upgrade":
		good = func(h header) bool { return strings.Contains(strings.ToLower(h.Value()), "$http_upgrade") }
		why = ", which does not forward the client's $http_upgrade"
	}
	if good != nil {
		var keep []header
		for _, h := range hs {
			if good(h) {
				keep = append(keep, h)
			} else {
				drop = append(drop, h)
			}
		}
		if len(keep) > 0 && len(drop) > 0 {
			switch {
			case len(keep) == 1:
				return drop, why
			case sameValues(keep):
				return append(drop, keep[1:]...), why + " or repeats an earlier line"
			}
			return nil, ""
		}
	}
	if sameValues(hs) {
		return hs[1:], ", which repeats the first"
	}
	return nil, ""
}

// firstWrittenHere returns the first header not brought in by an include.
func firstWrittenHere(hs []header) (header, bool) {
	for _, h := range hs {
		if h.Entry.Via == nil {
			return h, true
		}
	}
	return header{}, false
}

// times writes a count for messages: "twice", "3 times".
func times(n int) string {
	if n == 2 {
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

func sameValues(hs []header) bool {
	for _, h := range hs[1:] {
		if h.Value() != hs[0].Value() {
			return false
		}
	}
	return true
}
