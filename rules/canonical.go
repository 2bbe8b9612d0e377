package rules

import (
	"strings"

	"github.com/tufanbarisyildirim/gonginx/config"
	"github.com/tufanbarisyildirim/gonginx/dumper"
)

// The canonical WebSocket proxy configuration (NGINX-WEBSOCKET.md §4), the
// single definition that fixes insert and `ngxlint block` prints. Directives
// are built as gonginx nodes and printed with gonginx's dumper.

// ConnectionVar is the variable the canonical map defines.
const ConnectionVar = "connection_upgrade"

func directive(name string, params ...string) *config.Directive {
	d := &config.Directive{Name: name}
	for _, p := range params {
		d.Parameters = append(d.Parameters, config.Parameter{Value: p})
	}
	return d
}

// UpgradeHeader is `proxy_set_header Upgrade $http_upgrade;`.
func UpgradeHeader() *config.Directive {
	return directive("proxy_set_header", "Upgrade", "$http_upgrade")
}

// ConnectionHeader is `proxy_set_header Connection $connection_upgrade;`.
func ConnectionHeader() *config.Directive {
	return directive("proxy_set_header", "Connection", "$"+ConnectionVar)
}

// HTTPVersion is `proxy_http_version 1.1;`.
func HTTPVersion() *config.Directive { return directive("proxy_http_version", "1.1") }

// ConnectionMap is the map that yields "upgrade" for a WebSocket request.
// For a normal request it yields "close" (nginx's pre-1.29.7 default), or
// nothing at all when keepalive is true, so that upstream keepalive works.
func ConnectionMap(keepalive bool) *config.Directive {
	empty := "close"
	if keepalive {
		empty = "''"
	}
	m := directive("map", "$http_upgrade", "$"+ConnectionVar)
	m.Block = &config.Block{Directives: []config.IDirective{
		directive("default", "upgrade"),
		directive("''", empty),
	}}
	return m
}

// Render prints one simple directive on one line.
func Render(d config.IDirective) string {
	return strings.TrimSpace(dumper.DumpDirective(d, dumper.NoIndentStyle))
}

// RenderBlock prints a block directive as lines, indented by unit per level.
func RenderBlock(d config.IDirective, unit string) []string {
	style := &dumper.Style{Indent: 4, StartIndent: 0}
	text := dumper.DumpDirective(d, style)
	var out []string
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		trimmed := strings.TrimLeft(l, " ")
		depth := (len(l) - len(trimmed)) / 4
		out = append(out, strings.Repeat(unit, depth)+trimmed)
	}
	return out
}
