package websocket

import (
	"fmt"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&redirectOnWSPath{}) }

type redirectOnWSPath struct{}

var redirectOnWSPathMeta = &rules.Meta{
	ID: "WS015", Name: "redirect-on-ws-path", Severity: rules.Error, Fixable: false,
	Doc: rules.Doc{
		Summary: "nginx answers a WebSocket handshake with a redirect.",
		Why: "Browsers never follow a redirect for a WebSocket: Chromium treats any status other than 101, 401 and 407 as " +
			"\"Error during WebSocket handshake: Unexpected response code: 301\". nginx redirects in three ways. " +
			"return 301/302/303/307/308 (or return with a URL) and rewrite ... redirect|permanent (or a replacement starting with " +
			"http://, https:// or $scheme) in the location, or at server level: server-level return and rewrite run for every request " +
			"before the location is even chosen. And nginx's own 301: a prefix location whose name ends with '/' and that is served by " +
			"proxy_pass (or another *_pass) answers the same path without the slash with a 301 to the slash form, so location /cable/ " +
			"redirects an Action Cable client that connects to /cable. A plain-HTTP server that sends everything to https:// fails " +
			"every ws:// client the same way; wss:// clients are not affected.",
		Bad: "server {\n    listen 80;\n\n    # strip trailing slashes\n    rewrite ^/(.*)/$ /$1 permanent;\n\n    location /ws/ {\n" +
			"        proxy_pass http://127.0.0.1:9001;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n" +
			"        proxy_set_header Connection \"upgrade\";\n    }\n}",
		Good: "server {\n    listen 80;\n\n    location / {\n        # strip trailing slashes, for pages only\n        rewrite ^/(.*)/$ /$1 permanent;\n" +
			"        proxy_pass http://127.0.0.1:8000;\n    }\n\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n" +
			"        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n    }\n}",
		Fix: "Let the WebSocket path through without a redirect: exempt it from the server-level redirect, proxy it where the " +
			"redirect pointed, or point the client at the final URL. For nginx's automatic 301, add an exact location for the path " +
			"without the slash (location = /cable { proxy_pass ...; <the WebSocket headers> }) or make the client use the slash form; " +
			"for an HTTP-to-HTTPS redirect, make clients use wss://. ngxlint does not change redirects itself: they usually serve " +
			"other paths too, and only you know what the redirect is for.",
		SeverityNote: "Error when a return or rewrite redirect answers a path the configuration or --ws-path declares WebSocket, or a " +
			"known application's endpoint, and for nginx's automatic 301 on a --ws-path. Warning for the automatic 301 on a known " +
			"application's path (the application may connect with the slash), and for a redirect to https:// on a server that listens " +
			"without TLS (only ws:// clients fail): it is reported only when that server has WebSocket locations, so a server that " +
			"only redirects to HTTPS is fine. Redirects inside if blocks other than to https:// are not reported (the condition may " +
			"exclude the handshake), nor are locations that only look like WebSocket paths.",
		Since: "0.1.0",
		Refs:  []string{"https://nginx.org/en/docs/http/ngx_http_core_module.html#location", "https://nginx.org/en/docs/http/ngx_http_rewrite_module.html"},
	},
}

func (*redirectOnWSPath) Meta() *rules.Meta { return redirectOnWSPathMeta }

// wsTarget is a request path where clients open WebSockets, and the
// location nginx serves it from.
type wsTarget struct {
	URI     string
	Matched *model.Block // the location FindLocation picks
	Loc     *model.Block // the location that serves it (a named location behind try_files)
	In      intent
}

// redirectHit collects the WebSocket paths one redirect answers.
type redirectHit struct {
	r       model.Redirect
	level   *model.Block
	https   bool // a redirect to https:// on a server that accepts plain HTTP
	targets []wsTarget
}

func (*redirectOnWSPath) Check(p *rules.Pass) {
	for _, srv := range p.Cfg.Servers {
		checkServerRedirects(p, srv)
	}
	declared := map[slashKey]bool{}
	_, src := wsPaths(p.Opts)
	for _, r := range wsRedirects(p) {
		declared[slashKey{r.Server, r.Path}] = true
		h, _ := r.Loc.Handler()
		at := anchor(r.Loc)
		p.ReportSev(rules.Error, at,
			"%s %s gets nginx's automatic 301 to %s/: %s ends with '/' and is served by %s, so nginx redirects the path without the slash, and browsers never follow redirects for WebSocket (\"Unexpected response code: 301\"); add location = %s with the same proxy settings, or have clients use %s/",
			src, r.Path, r.Path, r.Loc.Name(), h.D.Name, r.Path, r.Path)
	}
	for _, srv := range p.Cfg.Servers {
		checkAppSlashRedirects(p, srv, declared)
	}
}

// wsTargets lists the WebSocket paths of a server: the declared ones, the
// literal path of every prefix or exact location declared WebSocket (its
// headers, a marker, --ws-path) or named exactly like an application's
// endpoint, and the endpoints of the application a location's path names,
// each when nginx serves it from that location.
func wsTargets(p *rules.Pass, srv *model.Block) []wsTarget {
	locs := p.Cfg.ServerLocations(srv)
	var out []wsTarget
	var seen map[string]bool
	add := func(uri string, want *model.Block) {
		if seen[uri] {
			return
		}
		m := srv.FindLocation(uri)
		if m.Loc == nil || m.Redirect || m.Unknown != nil || (want != nil && m.Loc != want) {
			return
		}
		loc := Serving(m.Loc)
		in := webSocket(p, m.Loc)
		if i := webSocket(p, loc); i.Evidence > in.Evidence {
			in = i
		}
		if !in.Certain() {
			return
		}
		if seen == nil {
			// sized for a target per location, what a server of many
			// WebSocket locations has
			seen, out = make(map[string]bool, len(locs)), make([]wsTarget, 0, len(locs))
		}
		seen[uri] = true
		out = append(out, wsTarget{URI: uri, Matched: m.Loc, Loc: loc, In: in})
	}
	for _, uri := range serverWSPaths(p.Opts, srv) {
		add(uri, nil)
	}
	for _, l := range locs {
		if l.Kind != model.Location || l.Synthetic || l.Loc == nil || l.Loc.IsNamed() {
			continue
		}
		own := webSocket(p, l)
		in := own
		if s := Serving(l); s != l {
			in = webSocket(p, s)
			if own.Evidence > in.Evidence {
				in = own
			}
		}
		if app := own.App; app != nil {
			in.App = app
		}
		// The location's own path is a WebSocket URL when the location is
		// declared, or when the path is exactly an application's endpoint:
		// location = /socket.io redirecting to /socket.io/ is harmless.
		if !l.Loc.IsRegex() && (in.Has(declared) || in.Has(ownHeaders) || appWithExactPath(l.Loc.Pattern)) {
			add(l.Loc.Pattern, l)
		}
		if in.App != nil {
			for _, uri := range in.App.Paths {
				add(uri, l)
			}
		}
	}
	return out
}

func checkServerRedirects(p *rules.Pass, srv *model.Block) {
	targets := wsTargets(p, srv)
	if len(targets) == 0 {
		return
	}
	plain, known := srv.ServesPlainHTTP()
	plain = plain && known
	hits := map[*parser.Directive]*redirectHit{}
	var order []*parser.Directive
	note := func(level *model.Block, r model.Redirect, t wsTarget) {
		https := plain && strings.HasPrefix(r.Target, "https://")
		if r.If != nil && !https {
			return // the condition may leave the handshake alone
		}
		if https && servedOverTLS(p, srv, r, t.URI) {
			return // pages on https:// open wss:// directly
		}
		at := r.Entry.At()
		h := hits[at]
		if h == nil {
			h = &redirectHit{r: r, level: level, https: https}
			hits[at] = h
			order = append(order, at)
		}
		h.targets = append(h.targets, t)
	}
	for _, t := range targets {
		w := srv.RewritePhase(t.URI)
		for _, c := range w.Conditional {
			note(srv, c, t)
		}
		if w.Redirect != nil {
			note(srv, *w.Redirect, t)
		}
		if w.Redirect != nil || w.Returned != nil || w.Unknown != nil || w.URI != t.URI {
			continue // answered, unknown, or the location is searched with another URI
		}
		levels := []*model.Block{t.Matched}
		if t.Loc != t.Matched {
			levels = append(levels, t.Loc)
		}
		for _, l := range levels {
			w := l.RewritePhase(t.URI)
			for _, c := range w.Conditional {
				note(l, c, t)
			}
			if w.Redirect != nil {
				note(l, *w.Redirect, t)
			}
			if w.Redirect != nil || w.Returned != nil || w.Ended != nil || w.Unknown != nil || w.URI != t.URI {
				break
			}
		}
	}
	for _, at := range order {
		reportRedirect(p, hits[at])
	}
}

func reportRedirect(p *rules.Pass, h *redirectHit) {
	best := h.targets[0]
	for _, t := range h.targets[1:] {
		if t.In.Evidence > best.In.Evidence {
			best = t
		}
	}
	var paths []string
	for _, t := range h.targets {
		paths = append(paths, t.URI)
	}
	d := h.r.Entry.D
	at := rules.DirectiveSpan(h.r.Entry.At())
	text := directiveHead(d)
	where := "in " + levelName(h.level)
	if h.level.Kind == model.Server {
		where = "at server level, which runs for every request before a location is chosen,"
	}
	if h.r.If != nil {
		where = "inside " + h.r.If.Name() + " " + where
	}
	what := fmt.Sprintf("WebSocket handshakes for %s (served by %s: %s)", andList(paths), best.Loc.Name(), best.In.Reason())
	if len(paths) == 1 && best.Loc.Loc != nil && best.Loc.Loc.Pattern == paths[0] {
		what = fmt.Sprintf("WebSocket handshakes for %s%s", best.Loc.Name(), because(best.In))
	}
	if h.https {
		p.ReportSev(rules.Warning, at,
			"%s%s %s redirects plain-HTTP requests to https://, and with them %s: browsers never follow redirects for WebSocket, so ws:// clients fail; use wss:// URLs (or exempt the WebSocket path)",
			text, viaNote(h.r.Entry), where, what)
		return
	}
	p.ReportSev(best.In.Severity(rules.Error), at,
		"%s%s %s answers %s with a %d redirect: browsers never follow redirects for WebSocket and fail with \"Unexpected response code: %d\"; let the WebSocket path through without a redirect",
		text, viaNote(h.r.Entry), where, what, h.r.Status, h.r.Status)
}

// servedOverTLS reports whether the https:// side of a plain-HTTP
// redirect serves a WebSocket path: a TLS server nginx would pick for the
// redirect's host (its literal host, or else one of srv's names; any TLS
// server when srv has only a catch-all name such as _) answers uri
// without nginx's automatic 301 (what it answers is judged on that server). srv itself
// counts when it listens with TLS too and the redirect is conditional (if
// ($scheme = http)). Pages served over https open wss:// URLs, so no
// handshake ever meets the redirect: the ordinary port-80 server beside a
// TLS server is fine.
func servedOverTLS(p *rules.Pass, srv *model.Block, r model.Redirect, uri string) bool {
	var hosts []string
	if h := redirectHost(r.Target); h != "" {
		hosts = []string{h}
	} else {
		for _, n := range srv.ServerNames() {
			if n != "" && n != "_" && !strings.HasPrefix(n, "~") && !strings.ContainsAny(n, "*$") && !strings.HasPrefix(n, ".") {
				hosts = append(hosts, n)
			}
		}
	}
	for _, s2 := range p.Cfg.Servers {
		if !s2.TLS() || s2 == srv && r.If == nil {
			continue
		}
		named := len(hosts) == 0
		for _, h := range hosts {
			named = named || s2.MatchesHost(h)
		}
		if !named {
			continue
		}
		// The TLS server answers the path; whether that answer suits a
		// handshake is for WS015 to say about that server.
		if m := s2.FindLocation(uri); !m.Redirect {
			return true
		}
	}
	return false
}

// redirectHost is the literal host of an https:// redirect target, lower
// case without port, or "" when a variable gives it.
func redirectHost(target string) string {
	rest := strings.TrimPrefix(target, "https://")
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		rest = rest[:i]
	}
	if rest == "" || strings.Contains(rest, "$") {
		return ""
	}
	if i := strings.LastIndex(rest, ":"); i >= 0 && !strings.HasSuffix(rest, "]") {
		rest = rest[:i]
	}
	return strings.ToLower(rest)
}

// directiveHead is a directive as written, without its ';', for messages.
func directiveHead(d *parser.Directive) string {
	s := strings.TrimSuffix(string(d.File.Src[d.Start():d.HeaderEnd()]), ";")
	return strings.Join(strings.Fields(s), " ")
}

// slashKey is a declared path nginx redirects in one server.
type slashKey struct {
	srv  *model.Block
	path string
}

// slashSafePaths are application paths that are only the prefix of the
// URLs clients open (the SockJS protocol and classic ASP.NET SignalR add
// /info, /connect, /<server>/<session>/websocket...), so a location with
// the trailing slash serves them without a redirect.
var slashSafePaths = map[string]bool{"/signalr": true, "/sockjs-node": true}

// checkAppSlashRedirects finds known applications' WebSocket paths without
// a trailing slash that nginx answers with its automatic 301.
func checkAppSlashRedirects(p *rules.Pass, srv *model.Block, declared map[slashKey]bool) {
	for _, app := range apps {
		for _, path := range app.Paths {
			if strings.HasSuffix(path, "/") || slashSafePaths[path] || declared[slashKey{srv, path}] || appWithExactPath(path+"/") {
				continue
			}
			m := srv.FindLocation(path)
			if !m.Redirect || m.Loc == nil || m.Unknown != nil {
				continue
			}
			in := webSocket(p, m.Loc)
			if !in.Certain() {
				continue
			}
			h, _ := m.Loc.Handler()
			p.ReportSev(rules.Warning, anchor(m.Loc),
				"%s clients open WebSockets at %s, which gets nginx's automatic 301 to %s/: %s ends with '/' and is served by %s, and browsers never follow redirects for WebSocket; add location = %s with the same proxy settings, or point the client at %s/",
				app.Name, path, path, m.Loc.Name(), h.D.Name, path, path)
		}
	}
}

// appWithExactPath reports whether some application's WebSocket path is
// exactly p (so a location for p serves that application, not one whose
// path is p without the slash).
func appWithExactPath(p string) bool {
	for _, app := range apps {
		for _, ap := range app.Paths {
			if ap == p {
				return true
			}
		}
	}
	return false
}
