package websocket

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

// Evidence is how sure the linter is that a location carries WebSocket.
type Evidence int

// Evidence levels, weakest first. Error-level "missing X" findings need
// KnownPath or Declared; a PathHint alone lowers them to warnings.
const (
	NoEvidence Evidence = iota
	// PathHint: the location's path looks like a WebSocket path (/ws, /socket, /cable...).
	PathHint
	// KnownPath: the path is the WebSocket endpoint of a known application.
	KnownPath
	// Declared: the configuration or the user says so: the location sets or
	// forwards Upgrade/Connection, a "# ngxlint: websocket" comment marks it,
	// or a --ws-path / ws-paths entry is served by it.
	Declared
)

// App is an application with a known WebSocket path and heartbeat.
type App struct {
	Name string
	// Keywords are words a regex location for this app's endpoint names.
	Keywords []string
	// Paths are request paths where its clients open WebSockets.
	Paths []string
	// Heartbeat is how often the app pings an idle socket, 0 when unknown.
	Heartbeat time.Duration
	// MinReadTimeout is the idle time the app needs without a frame.
	MinReadTimeout time.Duration
	// Sticky is true when several backends need session affinity.
	Sticky bool
	// ChecksOrigin is true when the app compares Origin with Host.
	ChecksOrigin bool
}

// Apps from NGINX-WEBSOCKET.md §8.
var Apps = []*App{
	{Name: "Socket.IO", Keywords: []string{"socket.io"}, Paths: []string{"/socket.io/"}, Heartbeat: 25 * time.Second, MinReadTimeout: 45 * time.Second, Sticky: true},
	{Name: "Home Assistant", Keywords: []string{"websocket"}, Paths: []string{"/api/websocket"}},
	{Name: "Grafana Live", Keywords: []string{"live"}, Paths: []string{"/api/live/ws", "/api/live/"}, ChecksOrigin: true},
	{Name: "Rails Action Cable", Keywords: []string{"cable"}, Paths: []string{"/cable"}, ChecksOrigin: true},
	{Name: "Portainer", Keywords: []string{"websocket"}, Paths: []string{"/api/websocket/"}},
	{Name: "Nextcloud notify_push", Keywords: []string{"push"}, Paths: []string{"/push/ws", "/push/"}},
	{Name: "Node-RED", Keywords: []string{"comms"}, Paths: []string{"/comms"}, Heartbeat: 15 * time.Second},
	{Name: "Mattermost", Keywords: []string{"websocket"}, Paths: []string{"/api/v4/websocket", "/api/v4/users/websocket"}},
	{Name: "Phoenix LiveView", Keywords: []string{"websocket"}, Paths: []string{"/live/websocket", "/socket/websocket"}},
	{Name: "Jupyter", Keywords: []string{"channels", "kernels", "terminals", "events"}, Paths: []string{"/api/kernels/", "/terminals/websocket/", "/api/events/subscribe"}, ChecksOrigin: true},
	{Name: "SignalR", Keywords: []string{"hub", "signalr"}, Paths: []string{"/signalr", "/hubs/", "/hub"}, Sticky: true},
	{Name: "SockJS", Keywords: []string{"sockjs"}, Paths: []string{"/sockjs/", "/sockjs-node"}},
	{Name: "Next.js dev server", Keywords: []string{"webpack-hmr"}, Paths: []string{"/_next/webpack-hmr"}},
}

var wsSegment = regexp.MustCompile(`(?i)(^|[/^(|_.-])(ws|wss|websockets?|sockets?|socket\.io|cable|hubs?|live|signalr|sockjs|comms|push)([/$)|_.?-]|$)`)

// Intent is the linter's view of whether a location carries WebSocket.
type Intent struct {
	Evidence Evidence
	// Why lists the evidence in the user's terms, strongest first.
	Why []string
	App *App
	// Paths are the request paths known to open WebSockets here.
	Paths []string
}

// Reason is the strongest evidence as one phrase.
func (in Intent) Reason() string {
	if len(in.Why) == 0 {
		return ""
	}
	return in.Why[0]
}

// Severity scales a rule's severity to the evidence: a path hint alone gives
// at most a warning.
func (in Intent) Severity(def rules.Severity) rules.Severity {
	if in.Evidence == PathHint && def > rules.Warning {
		return rules.Warning
	}
	return def
}

// intents is the websocket family's per-unit state: the intent of each
// location, computed once, and where the declared paths lead.
type intents struct {
	cfg    *model.Config
	opts   *rules.Options
	mu     sync.Mutex
	byLoc  map[*model.Block]*Intent
	served map[*model.Block][]string // ws paths served, by location
	// Redirects are --ws-path requests nginx answers with its automatic 301.
	Redirects []PathRedirect
}

// PathRedirect is a declared WebSocket path that nginx redirects.
type PathRedirect struct {
	Path   string
	Server *model.Block
	Loc    *model.Block
}

func newIntents(cfg *model.Config, opts *rules.Options) *intents {
	in := &intents{cfg: cfg, opts: opts, byLoc: map[*model.Block]*Intent{}, served: map[*model.Block][]string{}}
	for _, srv := range cfg.Servers {
		paths, _ := wsPaths(opts)
		for _, path := range paths {
			m := srv.FindLocation(path)
			if m.Loc == nil {
				continue
			}
			if m.Redirect {
				in.Redirects = append(in.Redirects, PathRedirect{Path: path, Server: srv, Loc: m.Loc})
				continue
			}
			loc := Serving(m.Loc)
			in.served[loc] = append(in.served[loc], path)
		}
	}
	return in
}

// Serving returns the location that answers a WebSocket handshake nginx
// matched to loc: loc itself, or the named location (same server) it hands
// the request to:
//   - "error_page 418 = @ws;" with "if ($http_upgrade ...) { return 418; }":
//     an if that tests Upgrade or Connection and returns a code that
//     error_page sends to a named location, even when loc has a handler of
//     its own for plain requests;
//   - without a handler of its own: the named location at the end of
//     try_files (Django Channels' "try_files $uri @proxy_to_app"), or the
//     one error_page sends the final "=CODE" of try_files to;
//   - without a handler or try_files: a "return CODE" of loc, or the 404
//     nginx answers for a path that is no file ("error_page 404 = @app").
func Serving(loc *model.Block) *model.Block {
	srv := loc.Server()
	if srv == nil {
		return loc
	}
	named := func(b *model.Block, code string) *model.Block {
		es, _ := b.Lookup("error_page")
		for _, e := range es {
			n := len(e.D.Args)
			if n < 2 || !strings.HasPrefix(e.D.Args[n-1].Value, "@") {
				continue
			}
			for _, a := range e.D.Args[:n-1] {
				if a.Value == code {
					return srv.NamedLocation(e.D.Args[n-1].Value)
				}
			}
		}
		return nil
	}
	for _, c := range loc.Children {
		if c.Kind != model.If || !testsUpgrade(c.Dir) {
			continue
		}
		for _, r := range c.Own("return") {
			if to := named(c, r.D.Arg(0)); to != nil {
				return to
			}
		}
	}
	if _, ok := loc.Handler(); ok {
		return loc
	}
	if e, ok := loc.Scalar("try_files"); ok && len(e.D.Args) > 0 {
		last := e.D.Args[len(e.D.Args)-1].Value
		if strings.HasPrefix(last, "@") {
			if to := srv.NamedLocation(last); to != nil {
				return to
			}
		} else if code, ok := strings.CutPrefix(last, "="); ok {
			if to := named(loc, code); to != nil {
				return to
			}
		}
		return loc
	}
	code := "404"
	if r := loc.Own("return"); len(r) > 0 {
		code = r[0].D.Arg(0)
	}
	if to := named(loc, code); to != nil {
		return to
	}
	return loc
}

// intentsKey is the memo key of the unit's intents.
type intentsKey struct{}

// intentsOf returns the unit's intents, built once per unit.
func intentsOf(p *rules.Pass) *intents {
	return rules.Memo(p, intentsKey{}, func() *intents { return newIntents(p.Cfg, p.Opts) })
}

// webSocket returns the intent for a location-like block, computed once.
func webSocket(p *rules.Pass, b *model.Block) Intent {
	ws := intentsOf(p)
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if in, ok := ws.byLoc[b]; ok {
		return *in
	}
	in := ws.compute(b)
	ws.byLoc[b] = &in
	return in
}

// wsRedirects returns the declared WebSocket paths that nginx redirects.
func wsRedirects(p *rules.Pass) []PathRedirect { return intentsOf(p).Redirects }

func (in *intents) compute(b *model.Block) Intent {
	var out Intent
	add := func(ev Evidence, why string) {
		if ev > out.Evidence {
			out.Evidence = ev
			out.Why = append([]string{why}, out.Why...)
		} else {
			out.Why = append(out.Why, why)
		}
	}
	// The user said so.
	for _, path := range in.served[b] {
		_, src := wsPaths(in.opts)
		add(Declared, fmt.Sprintf("%s %s is served here", src, path))
		out.Paths = append(out.Paths, path)
	}
	// A comment says so.
	if c, ok := marker(b); ok {
		add(Declared, fmt.Sprintf("it is marked %q on %s", "#"+c.Text, lineOf(b, c.Start)))
	}
	// The headers say so.
	if why, ok := headerIntent(in.cfg, b); ok {
		add(Declared, why)
	}
	// The path says so.
	if loc := b.EnclosingLocation(); loc != nil && loc.Loc != nil && !loc.Synthetic {
		if app, path := knownApp(loc.Loc); app != nil {
			out.App = app
			out.Paths = append(out.Paths, path)
			add(KnownPath, fmt.Sprintf("its path %s is where %s opens WebSockets", loc.Loc.String(), app.Name))
		} else if wsSegment.MatchString(loc.Loc.Pattern) {
			add(PathHint, fmt.Sprintf("its path %s looks like a WebSocket endpoint", loc.Loc.String()))
		}
	}
	return out
}

func lineOf(b *model.Block, off int) string {
	var f *parser.File
	if b.Dir != nil {
		f = b.Dir.File
	} else {
		for _, e := range b.Directives {
			f = e.D.File
			break
		}
	}
	if f == nil {
		return "a line"
	}
	return fmt.Sprintf("line %d", f.Position(off).Line)
}

// marker finds a "# ngxlint: websocket" comment above the block, after its
// '{', or directly inside it.
func marker(b *model.Block) (parser.Comment, bool) {
	d := b.Dir
	if d == nil || d.Block == nil {
		if b.Synthetic {
			return fileMarker(b)
		}
		return parser.Comment{}, false
	}
	cands := d.LeadingComments()
	if c, ok := d.TrailingComment(); ok {
		cands = append(cands, c)
	}
	// comments written directly in the block, not in nested blocks
	inner := d.File.CommentsBetween(d.Block.Open, d.Block.Close)
	for _, c := range inner {
		nested := false
		for _, ch := range d.Block.Directives {
			if ch.Block != nil && c.Start > ch.Block.Open && c.Start < ch.Block.Close {
				nested = true
				break
			}
		}
		if !nested {
			cands = append(cands, c)
		}
	}
	for _, c := range cands {
		if isWSMarker(c.Text) {
			return c, true
		}
	}
	return parser.Comment{}, false
}

// fileMarker finds the marker in a snippet file linted as a location.
func fileMarker(b *model.Block) (parser.Comment, bool) {
	if len(b.Directives) == 0 {
		return parser.Comment{}, false
	}
	for _, c := range b.Directives[0].D.File.Comments {
		if isWSMarker(c.Text) {
			return c, true
		}
	}
	return parser.Comment{}, false
}

func isWSMarker(text string) bool {
	t := strings.ToLower(strings.TrimSpace(text))
	rest, ok := strings.CutPrefix(t, "ngxlint:")
	return ok && strings.TrimSpace(rest) == "websocket"
}

// knownApp matches a location against the applications' WebSocket paths.
// A prefix or exact location matches an app whose path it is, an exact
// spelling first (Portainer's /api/websocket/ before Home Assistant's
// /api/websocket), then ignoring a trailing slash. A regex location counts
// only when it matches the app's path and names the app's keyword: a
// catch-all such as ~ ^/(ws|api)/ matching /api/websocket is not Home
// Assistant's endpoint.
func knownApp(l *model.LocationSpec) (*App, string) {
	switch {
	case l.IsNamed():
		return nil, ""
	case l.IsRegex():
		if l.Regexp == nil {
			return nil, ""
		}
		for _, app := range Apps {
			if !containsAny(strings.ToLower(l.Pattern), app.Keywords) {
				continue
			}
			for _, p := range app.Paths {
				if l.Regexp.MatchString(p) {
					return app, p
				}
			}
		}
		return nil, ""
	}
	for _, exact := range []bool{true, false} {
		for _, app := range Apps {
			for _, p := range app.Paths {
				if exact && l.Pattern == p || !exact && strings.TrimSuffix(l.Pattern, "/") == strings.TrimSuffix(p, "/") {
					return app, p
				}
			}
		}
	}
	return nil, ""
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// headerIntent reports whether the headers in effect at b forward a
// WebSocket upgrade: an Upgrade field, or a Connection field that carries
// the upgrade token (literally, misspelled, or through a map).
func headerIntent(cfg *model.Config, b *model.Block) (string, bool) {
	hs := Headers(b)
	for _, h := range hs.List {
		switch {
		case strings.EqualFold(h.Name, "Upgrade"), isTypoOf(h.Name, "upgrade"):
			return fmt.Sprintf("it sets proxy_set_header %s on %s", h.Name, rules.Line(h.Entry.D, h.Entry.D.File)), true
		case strings.EqualFold(h.Name, "Connection"), isTypoOf(h.Name, "connection"):
			if ConnectionIntent(cfg, h.Value) {
				return fmt.Sprintf("it sets proxy_set_header %s %s on %s", h.Name, h.Entry.D.File.Raw(h.Entry.D.Args[1]), rules.Line(h.Entry.D, h.Entry.D.File)), true
			}
		}
	}
	return "", false
}

// ConnectionIntent reports whether a Connection value shows the author
// meant to pass WebSocket upgrades: a token that is or nearly is "upgrade",
// a variable from a map with such a value, or the client's own Connection.
func ConnectionIntent(cfg *model.Config, value string) bool {
	for _, tok := range tokens(value) {
		if strings.EqualFold(tok, "upgrade") || isTypoOf(tok, "upgrade") {
			return true
		}
	}
	for _, v := range model.Variables(value) {
		if v == "http_connection" {
			return true
		}
		if m, ok := cfg.Maps[v]; ok {
			for _, e := range append(m.Entries, m.Default) {
				if e != nil && ConnectionIntent(cfg, e.Value) {
					return true
				}
			}
		}
	}
	return false
}

// The websocket family's setting: request paths where clients open
// WebSockets, from --ws-path or ws-paths in .ngxlint.yml.
const wsPathsKey = "ws-paths"

func init() {
	rules.RegisterSetting(rules.Setting{
		Key:      wsPathsKey,
		Flag:     "ws-path",
		Usage:    "request `PATH` where clients open WebSockets (repeatable); the location nginx picks for it in each server is checked as WebSocket",
		Hint:     "request paths such as /ws/",
		Valid:    func(v string) bool { return strings.HasPrefix(v, "/") },
		FlagRule: "must be a request path starting with /",
		FileRule: "entries are request paths and start with /",
	})
}

// wsPaths returns the declared WebSocket request paths and where they were
// declared ("--ws-path" when nothing says).
func wsPaths(o *rules.Options) ([]string, string) {
	paths, src := o.Setting(wsPathsKey)
	if src == "" {
		src = "--ws-path"
	}
	return paths, src
}

// SetWSPaths declares request paths where clients open WebSockets, with
// where they come from in the user's terms, for messages.
func SetWSPaths(o *rules.Options, paths []string, source string) {
	o.SetSetting(wsPathsKey, paths, source)
}
