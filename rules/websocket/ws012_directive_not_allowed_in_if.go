package websocket

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&directiveNotAllowedInIf{}) }

type directiveNotAllowedInIf struct{}

var directiveNotAllowedInIfMeta = &rules.Meta{
	ID: "WS012", Name: "directive-not-allowed-in-if", Severity: rules.Error,
	Doc: rules.Doc{
		Summary: "A directive that nginx refuses inside if (proxy_set_header, proxy_http_version, proxy_read_timeout...) is written in an if block.",
		Why: "An if block takes only the directives whose module declares them for it: NGX_HTTP_LIF_CONF for an if in a location, " +
			"NGX_HTTP_SIF_CONF for an if directly in a server. Anything else fails nginx -t with \"NAME\" directive is not allowed here. " +
			"In a location's if that leaves the rewrite directives (return, rewrite, set, break), the content handlers (proxy_pass, " +
			"fastcgi_pass, uwsgi_pass, scgi_pass, grpc_pass, memcached_pass), add_header, expires, root, error_page, limit_rate, gzip, " +
			"access_log and a few others; in a server's if only return, rewrite, set, break, rewrite_log and uninitialized_variable_warn. " +
			"proxy_set_header, proxy_http_version, proxy_hide_header and the proxy_*_timeout directives are never allowed, so the " +
			"common attempt to send the WebSocket headers only for upgrade requests (if ($http_upgrade) { proxy_set_header ... }) does not " +
			"load. It is not needed either: $http_upgrade is empty for ordinary requests and nginx omits an empty header, and the map on " +
			"$http_upgrade gives Connection per request. The list is generated from the nginx source (every ngx_command_t array), and " +
			"the contexts of every directive that already existed in 1.22.1 are the same; directives that nginx itself does not declare " +
			"(third-party modules such as headers-more) are not judged.",
		Bad: "location /app/ {\n    proxy_pass http://127.0.0.1:9001;\n    if ($http_upgrade) {\n        proxy_set_header Upgrade $http_upgrade;\n" +
			"        proxy_set_header Connection \"upgrade\";\n    }\n}",
		Good: "location /app/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n" +
			"    proxy_set_header Connection $connection_upgrade;   # map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n}",
		Fix: "Move the directive out of the if block into the location (or server). To vary a value per request, compute it with a map " +
			"variable in http{} and use the variable. ngxlint does not fix this automatically: what the if was meant to do needs a person.",
		Since: "0.1.0",
		Refs: []string{"NGINX-WEBSOCKET.md §3", "https://nginx.org/en/docs/http/ngx_http_rewrite_module.html#if",
			"nginx source: NGX_HTTP_LIF_CONF / NGX_HTTP_SIF_CONF in the ngx_command_t arrays; ngx_http_rewrite_if"},
	},
}

func (*directiveNotAllowedInIf) Meta() *rules.Meta { return directiveNotAllowedInIfMeta }

func (*directiveNotAllowedInIf) Check(p *rules.Pass) {
	for _, b := range p.Cfg.Locations {
		if b.Kind != model.If {
			continue
		}
		ctx := b.Context()
		outer := b.Parent
		// directives an include brings in are reported once, at the include
		type group struct {
			via   *parser.Directive
			first *parser.Directive
			names []string
			lines []string
		}
		var groups []*group
		byVia := map[*parser.Directive]*group{}
		for _, e := range b.Directives {
			d := e.D
			_, known, allowed := model.DirectiveIn(d.Name, ctx)
			if !known || allowed {
				continue
			}
			if e.Via == nil {
				p.Report(rules.DirectiveSpan(d), "%s is not allowed inside %s: nginx -t fails with \"%s\" directive is not allowed here; %s",
					d.Name, b.Name(), d.Name, ifAdvice(d, ctx, outer))
				continue
			}
			g := byVia[e.Via]
			if g == nil {
				g = &group{via: e.Via, first: d}
				byVia[e.Via] = g
				groups = append(groups, g)
			}
			if !slices.Contains(g.names, d.Name) {
				g.names = append(g.names, d.Name)
			}
			g.lines = append(g.lines, rules.Line(d, e.Via.File))
		}
		for _, g := range groups {
			lines := g.lines[0]
			if len(g.lines) > 1 {
				lines += fmt.Sprintf(", and %d more", len(g.lines)-1)
			}
			args := make([]string, 0, len(g.via.Args))
			for _, a := range g.via.Args {
				args = append(args, g.via.File.Raw(a))
			}
			p.Report(rules.DirectiveSpan(g.via), "include %s brings %s (%s) into %s, where nginx does not allow it: nginx -t fails with \"%s\" directive is not allowed here; %s",
				strings.Join(args, " "), strings.Join(g.names, ", "), lines, b.Name(), g.first.Name, ifAdvice(g.first, ctx, outer))
		}
	}
}

// ifAdvice says what to do instead, in the terms of the directive.
func ifAdvice(d *parser.Directive, ctx model.Ctx, outer *model.Block) string {
	where := levelName(outer)
	switch {
	case d.Name == "if":
		return "nginx does not nest if blocks; combine the conditions with a map variable"
	case d.Name == "location":
		return "nginx takes no location inside if; write the location next to the others"
	case d.Name == "proxy_set_header" && len(d.Args) == 2 &&
		(strings.EqualFold(d.Args[0].Value, "Upgrade") || strings.EqualFold(d.Args[0].Value, "Connection")):
		return fmt.Sprintf("set the WebSocket headers in %s without an if: proxy_set_header Upgrade $http_upgrade; is empty (and not sent) for ordinary requests, "+
			"and proxy_set_header Connection $connection_upgrade; with map $http_upgrade $connection_upgrade { default upgrade; '' close; } in http{} gives the right value per request", where)
	}
	if _, _, ok := model.DirectiveIn(d.Name, outer.Context()); !ok {
		return fmt.Sprintf("nginx takes it only in %s", model.AllowedIn(d.Name))
	}
	s := fmt.Sprintf("move it to %s; to vary its value per request, compute the value with a map variable in http{} and use the variable", where)
	if ctx == model.CtxHTTPServerIf {
		s += " (an if directly in server takes only " + allowedIn(model.CtxHTTPServerIf) + ")"
	}
	return s
}

// allowedIn lists the directives nginx takes in a context, without include.
func allowedIn(ctx model.Ctx) string {
	var out []string
	for _, n := range model.DirectiveNames() {
		if _, _, ok := model.DirectiveIn(n, ctx); ok && model.AllowedIn(n) != model.CtxAny {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
