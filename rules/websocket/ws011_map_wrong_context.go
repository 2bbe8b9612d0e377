package websocket

import (
	"fmt"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&mapWrongContext{}) }

type mapWrongContext struct{}

var mapWrongContextMeta = &rules.Meta{
	ID: "WS011", Name: "map-wrong-context", Severity: rules.Error, Fixable: true,
	Doc: rules.Doc{
		Summary: "A map block is written outside http{} (in a server, a location, or at the top of nginx.conf).",
		Why: "The map directive is declared for the http{} level only (NGX_HTTP_MAIN_CONF in ngx_http_map_module), so nginx -t fails " +
			"with \"map\" directive is not allowed here. Maps are global anyway: a map in http{} defines its variable for every server " +
			"and location, so the WebSocket map ($connection_upgrade) belongs there. The same holds for a file of server-level " +
			"directives (location blocks, listen, server_name) that is included inside server{}: a map at its top ends up in the " +
			"server. A map at the top of a conf.d or sites-enabled file is fine: those files are included in http{}.",
		Bad: "server {\n    listen 80;\n    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        ''      close;\n    }\n" +
			"    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;\n    }\n}",
		Good: "map $http_upgrade $connection_upgrade {\n    default upgrade;\n    ''      close;\n}\n\nserver {\n    listen 80;\n" +
			"    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;\n    }\n}",
		Fix: "Move the map block into http{} (in a conf.d file: to the top of the file, outside server{}). ngxlint fix moves it to just " +
			"before the server block that holds it, or to the start of http{} for a map above it, when both are in the same file. " +
			"It does not move maps written in included files or in a file of server-level directives: put those in a conf.d file yourself.",
		Since: "0.1.0",
		Refs:  []string{"https://nginx.org/en/docs/http/ngx_http_map_module.html#map"},
	},
}

func (*mapWrongContext) Meta() *rules.Meta { return mapWrongContextMeta }

const mapNotAllowed = "nginx -t fails with \"map\" directive is not allowed here; a map is global and belongs directly in http{}"

func (*mapWrongContext) Check(p *rules.Pass) {
	seen := map[*parser.Directive]bool{}
	walk(p, func(b *model.Block, e model.Entry) {
		d := e.D
		if d.Name != "map" || d.Block == nil || seen[d] {
			return
		}
		seen[d] = true
		if b.Kind == model.HTTP {
			serverFragmentMap(p, b, e)
			return
		}
		if b.Context() == 0 {
			return // a block whose body a module reads itself, or one the model does not know
		}
		var where string
		switch {
		case b.Kind == model.Main:
			where = "at the top of nginx.conf, outside http{}"
		case b.Synthetic && b.Kind == model.Server:
			where = "in a file of server-level directives (it is included inside server{})"
		default:
			where = "in " + b.Name()
		}
		if e.Via != nil {
			where += fmt.Sprintf(", brought in by the include on %s", rules.Line(e.Via, d.File))
		}
		f := p.Report(rules.DirectiveSpan(d), "%s is written %s: %s", mapLabel(d), where, mapNotAllowed)
		edits, why := moveMapToHTTP(b, e)
		if edits == nil {
			f.NoFix = why
			return
		}
		f.WithFix(&rules.Fix{Message: "move the map into http{}", Edits: edits})
	})
}

// mapLabel names a map by the variable it sets: "map $x" ("map" for one
// written without arguments).
func mapLabel(d *parser.Directive) string {
	if len(d.Args) == 0 {
		return "map"
	}
	return "map " + d.File.Raw(d.Args[len(d.Args)-1])
}

// serverFragmentMap reports a map at the top of a fragment linted alone in
// http context when the same file also holds directives that only a
// server{} takes (location, listen...): the file is meant for server{}.
func serverFragmentMap(p *rules.Pass, b *model.Block, e model.Entry) {
	u := p.Cfg.Unit
	if !b.Synthetic || e.Via != nil || u.Context != parser.CtxHTTP || e.D.File != u.Root {
		return
	}
	for _, d := range u.Root.Top {
		c := spec.AllowedIn(d.Name)
		if c&spec.CtxHTTPServer != 0 && c&spec.CtxHTTPMain == 0 {
			f := p.Report(rules.DirectiveSpan(e.D),
				"%s is at the top of a file that also has %s at its top level (%s), which only server{} takes: the file is included inside server{}, where %s; move the map to a conf.d file",
				mapLabel(e.D), d.Name, rules.Line(d, e.D.File), mapNotAllowed)
			f.NoFix = "the map must go to another file (a conf.d file included in http{})"
			return
		}
	}
}

// moveMapToHTTP returns the edits that move a misplaced map into http{},
// or why it cannot: a map in a block of http{} (server, upstream) goes just
// before that block, a map outside http{} to the start of http{}.
func moveMapToHTTP(b *model.Block, e model.Entry) ([]rules.Edit, string) {
	if e.Via != nil {
		return nil, "the map is in an included file; move it to a file included in http{}"
	}
	top := b
	for top.Parent != nil && top.Parent.Kind != model.HTTP && top.Parent.Kind != model.Main {
		top = top.Parent
	}
	if b.Kind != model.Main && top.Parent != nil && top.Parent.Kind == model.HTTP {
		if top.Synthetic || top.Dir == nil {
			return nil, "the map is in a file of server-level directives; move it to a file included in http{}"
		}
		if top.Via() != nil || top.Dir.File != e.D.File {
			return nil, "the block that holds it is in another file"
		}
		if edits, ok := rules.MoveBlockBefore(e.D, top.Dir); ok {
			return edits, ""
		}
		return nil, "the map or the block that holds it shares its line with other directives"
	}
	main := b
	for main.Parent != nil {
		main = main.Parent
	}
	for _, h := range main.Children {
		if h.Kind == model.HTTP && h.Dir != nil {
			if edits, ok := rules.MoveBlockInto(e.D, h.Dir); ok {
				return edits, ""
			}
			return nil, "the map or http{} shares its line with other directives, or http{} is in another file"
		}
	}
	return nil, "no http{} block in the same file to move it into"
}
