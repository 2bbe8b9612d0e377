package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/parser/nginxtest"
	"github.com/ngxlint/ngxlint/rules/websocket"
)

// wsTarget is a request path the end-to-end suite opens a WebSocket on.
type wsTarget struct {
	srv  *model.Block // the server that receives it
	loc  *model.Block // the location the path was derived from; nil for a --ws-path nginx serves nowhere
	path string
	// why is the WebSocket evidence, in the user's terms.
	why string
	// strong is true for evidence that allows error-level findings (the
	// headers, a marker, a declared path, a known application's path);
	// false for a path that only looks like WebSocket.
	strong bool
}

func (w wsTarget) String() string {
	s := w.path
	if w.loc != nil && w.loc.Loc != nil && !w.loc.Synthetic {
		s += " (" + w.loc.Name() + ")"
	}
	return s + " [" + w.why + "]"
}

// wsTargets finds where the configuration carries WebSocket, from the same
// evidence ngxlint's intent helper uses (rules/intent.go), derived here
// independently so that a location the helper would miss is still tested:
//   - the proxy_set_header list in effect sets Upgrade, or a Connection
//     value that can carry the upgrade token (or a near-misspelling of
//     either name: the author meant it);
//   - a "# ngxlint: websocket" comment marks it;
//   - a --ws-path of the fixture is served there;
//   - its path is a known application's WebSocket endpoint;
//   - its path looks like one (/ws, /socket...): weak evidence.
//
// The path of a location: its prefix or exact URI, a known application
// path or a sample string for a regex, for a named location the path of a
// location that hands requests to it (try_files, error_page).
func wsTargets(cfg *model.Config, wsPaths []string, extra []string) []wsTarget {
	var out []wsTarget
	seen := map[string]bool{}
	add := func(w wsTarget) {
		key := fmt.Sprintf("%p %s", w.srv, w.path)
		if w.path == "" || seen[key] {
			return
		}
		seen[key] = true
		out = append(out, w)
	}
	// A plain /PATH is another site's where a server answers it with a
	// less specific location than another server does (its catch-all
	// location / or /api/, where another server has /ws/ or /api/live/):
	// the intent helper's reading.
	strength := func(srv, l *model.Block) int {
		if srv.Synthetic || l.Loc == nil || l.Synthetic || l.Loc.Modifier == "=" || l.Loc.IsRegex() {
			return 1 << 20
		}
		return len(l.Loc.Pattern)
	}
	best := map[string]int{}
	for _, srv := range cfg.Servers {
		for _, p := range wsPaths {
			if strings.HasPrefix(p, "/") {
				if m := srv.FindLocation(p); m.Loc != nil && !m.Redirect {
					best[p] = max(best[p], strength(srv, m.Loc))
				}
			}
		}
	}
	for _, srv := range cfg.Servers {
		for _, p := range wsPaths {
			// as the intent helper does: the servers where a location
			// answers the path (HOST/PATH: the servers that name HOST)
			plain := strings.HasPrefix(p, "/")
			if host, rest, scoped := strings.Cut(p, "/"); scoped && host != "" {
				if !srv.Synthetic && !srv.MatchesHost(host) {
					continue
				}
				p = "/" + rest
			}
			m := srv.FindLocation(p)
			if m.Loc == nil {
				continue
			}
			if plain && !m.Redirect && strength(srv, m.Loc) < best[p] {
				continue
			}
			add(wsTarget{srv: srv, loc: m.Loc, path: p, why: "--ws-path " + p, strong: true})
		}
		for _, p := range extra {
			m := srv.FindLocation(p)
			add(wsTarget{srv: srv, loc: m.Loc, path: p, why: "path given in fixtures/e2e/cases.yaml", strong: true})
		}
		for _, loc := range cfg.Locations {
			if loc.Kind != model.Location || loc.Server() != srv {
				continue
			}
			why, strong, ok := wsEvidence(cfg, loc)
			if !ok {
				continue
			}
			for _, p := range locationPaths(srv, loc) {
				add(wsTarget{srv: srv, loc: loc, path: p, why: why, strong: strong})
			}
		}
	}
	return out
}

// handlerOf returns the content handler serving a location: its own *_pass,
// or one in an if or limit_except block inside it.
func handlerOf(loc *model.Block) (string, bool) {
	if h, ok := loc.Handler(); ok {
		return h.D.Name, true
	}
	for _, c := range loc.Children {
		if c.Kind == model.If || c.Kind == model.LimitExcept {
			if h, ok := handlerOf(c); ok {
				return h, true
			}
		}
	}
	return "", false
}

// wsEvidence says why a location carries WebSocket, and whether the
// evidence is strong. Only a location that hands requests to a backend
// carries WebSocket. For proxy_pass the proxy_set_header list in effect
// counts; the other handlers do not read it, so only what is written at
// the location counts for them (as rule WS006 does).
func wsEvidence(cfg *model.Config, loc *model.Block) (string, bool, bool) {
	if websocket.Serving(loc) != loc {
		return "", false, false // the named location it hands requests to is the WebSocket one
	}
	handler, hasHandler := handlerOf(loc)
	upgradeHeader := func(name, value string) bool {
		return strings.EqualFold(name, "Upgrade") || nearly(name, "upgrade") ||
			(strings.EqualFold(name, "Connection") || nearly(name, "connection")) && websocket.ConnectionIntent(cfg, value)
	}
	switch {
	case !hasHandler:
		// Headers in effect at a location that proxies nothing are
		// inherited, not meant for it.
	case handler == "proxy_pass":
		// Upgrade headers only shared with other locations (an include
		// such as proxy.conf, a server-wide list) are boilerplate: ngxlint
		// claims nothing from them alone, so they make no target.
		shared := websocket.UpgradeHeadersShared(cfg, loc)
		for _, h := range websocket.Headers(loc).List {
			if upgradeHeader(h.Name(), h.Value()) && !shared {
				return "sets proxy_set_header " + h.Name(), true, true
			}
		}
	default:
		for _, e := range loc.Directives {
			d := e.D
			switch {
			case (d.Name == "proxy_set_header" || d.Name == "grpc_set_header") && len(d.Args) == 2 && upgradeHeader(d.Args[0].Value, d.Args[1].Value):
				return "sets " + d.Name + " " + d.Args[0].Value, true, true
			case strings.HasSuffix(d.Name, "_param") && strings.EqualFold(d.Arg(0), "HTTP_UPGRADE"):
				return "sets " + d.Name + " HTTP_UPGRADE", true, true
			}
		}
	}
	if marked(loc) {
		return "marked # ngxlint: websocket", true, true
	}
	if loc.Loc == nil || loc.Synthetic || loc.Loc.IsNamed() {
		return "", false, false
	}
	if !hasHandler || handler == "proxy_pass" {
		// an application's path, whatever answers it (a redirect there
		// fails the application's clients all the same)
		for _, app := range websocket.KnownApps() {
			for _, p := range app.Paths {
				if appPathMatches(loc.Loc, app, p) {
					return "the WebSocket path of " + app.Name, true, true
				}
			}
		}
	}
	switch {
	case handler == "proxy_pass" && wsLooking.MatchString(loc.Loc.Pattern):
		return "its path looks like a WebSocket endpoint", false, true
	case hasHandler && handler != "proxy_pass" && wsNamed.MatchString(loc.Loc.Pattern):
		// a PHP or gRPC location at /push/ or /live/ likely belongs to
		// another application; a path that names WebSocket less so
		return "its path names WebSocket", false, true
	case hasHandler && handler != "proxy_pass":
		for _, app := range websocket.KnownApps() {
			for _, p := range app.Paths {
				if appPathMatches(loc.Loc, app, p) {
					return "the WebSocket path of " + app.Name + ", handed to " + handler, false, true
				}
			}
		}
	}
	return "", false, false
}

// wsNamed matches paths that name WebSocket itself.
var wsNamed = regexp.MustCompile(`(?i)(^|[/^(|_.-])(ws|wss|websockets?|socket\.io|sockjs)([/$)|_.?-]|$)`)

// wsLooking matches paths that name WebSocket (the intent helper's path
// hint); words that name ordinary pages too (live, push, hub, cable) count
// only as a known application's endpoint.
var wsLooking = regexp.MustCompile(`(?i)(^|[/^(|_.-])(ws|wss|websockets?|sockets?|socket\.io|sockjs)([/$)|_.?-]|$)`)

// appPathMatches reports whether location l is where app's path p is
// served: a prefix or exact location with that path, or a regex location
// that matches it and names one of the app's keywords (~ ^/x catches
// /xmpp-websocket too, but says nothing about Jitsi Meet).
func appPathMatches(l *model.LocationSpec, app websocket.App, p string) bool {
	switch {
	case l.IsRegex():
		named := false
		for _, k := range app.Keywords {
			named = named || strings.Contains(strings.ToLower(l.Pattern), k)
		}
		return named && l.Regexp != nil && l.Regexp.MatchString(p)
	case l.IsNamed():
		return false
	}
	return strings.TrimSuffix(l.Pattern, "/") == strings.TrimSuffix(p, "/")
}

// marked finds a "# ngxlint: websocket" comment above the location, after
// its '{', or inside it (or anywhere in a snippet linted as a location).
func marked(loc *model.Block) bool {
	isMarker := func(text string) bool {
		rest, ok := strings.CutPrefix(strings.ToLower(strings.TrimSpace(text)), "ngxlint:")
		return ok && strings.TrimSpace(rest) == "websocket"
	}
	var cs []parser.Comment
	switch {
	case loc.Dir != nil && loc.Dir.Block != nil:
		cs = append(cs, loc.Dir.LeadingComments()...)
		cs = append(cs, loc.Dir.File.CommentsBetween(int(loc.Dir.Block.Open), int(loc.Dir.Block.Close))...)
	case loc.Synthetic && len(loc.Directives) > 0:
		cs = loc.Directives[0].D.File.Comments
	}
	for _, c := range cs {
		if isMarker(c.Text) {
			return true
		}
	}
	return false
}

// nearly reports a misspelling of want: an optimal-string-alignment
// distance of 1 or 2, ignoring case, for names of 5 letters or more.
func nearly(s, want string) bool {
	a, b := []rune(strings.ToLower(s)), []rune(want)
	if len(a) < 5 || strings.EqualFold(s, want) {
		return false
	}
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)] <= 2
}

// locationPaths returns request paths that reach a location.
func locationPaths(srv, loc *model.Block) []string {
	l := loc.Loc
	switch {
	case loc.Synthetic:
		return []string{nginxtest.FragmentPath}
	case l == nil:
		return nil
	case l.IsNamed():
		// the paths of the locations that hand their requests to it
		var out []string
		for _, m := range srv.Config().Locations {
			if m != loc && m.Kind == model.Location && m.Server() == srv && m.Loc != nil && !m.Loc.IsNamed() && websocket.Serving(m) == loc {
				out = append(out, locationPaths(srv, m)...)
			}
		}
		return out
	case l.IsRegex():
		for _, app := range websocket.KnownApps() {
			for _, p := range app.Paths {
				if l.Regexp != nil && l.Regexp.MatchString(p) {
					return []string{p}
				}
			}
		}
		expr := l.Pattern
		if l.Modifier == "~*" {
			expr = "(?i)" + expr
		}
		s, ok := nginxtest.Sample(expr)
		if !ok {
			return nil
		}
		if !strings.HasPrefix(s, "/") && l.Regexp != nil && l.Regexp.MatchString("/"+s) {
			s = "/" + s
		}
		if !strings.HasPrefix(s, "/") {
			return nil
		}
		return []string{s}
	}
	if l.Pattern == "" || !strings.HasPrefix(l.Pattern, "/") {
		return nil
	}
	out := []string{l.Pattern}
	// The location of a known application's path: also the application's
	// other paths it serves (/api/live/ serves Grafana's /api/live/ws).
	for _, app := range websocket.KnownApps() {
		exact := false
		for _, p := range app.Paths {
			exact = exact || p == l.Pattern
		}
		if !exact {
			continue
		}
		for _, p := range app.Paths {
			if m := srv.FindLocation(p); p != l.Pattern && m.Loc == loc && !m.Redirect {
				out = append(out, p)
			}
		}
	}
	return out
}
