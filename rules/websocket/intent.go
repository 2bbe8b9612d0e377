package websocket

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

// Evidence is how sure the linter is that a location carries WebSocket.
// The grades, weakest first, and what each rule does with them, are in one
// place: here. A location may have several grades at once (its headers and
// its path); a rule's severity is the highest its table gives any of them.
type Evidence int

// Evidence grades, weakest first.
const (
	NoEvidence Evidence = iota
	// SharedHeaders: Upgrade/Connection headers reach the location only
	// from a source other proxied locations use too: a shared include such
	// as SWAG's proxy.conf, or a server{} or http{} list that several
	// locations inherit. Boilerplate: it passes upgrades through wherever it
	// is used, and says nothing about this location. Never a warning or an
	// error on its own.
	SharedHeaders
	// OwnHeaders: the headers are written in the location itself, or reach
	// it from a source (include, outer level) no other proxied location
	// uses. The author set up this location for upgrades, so a missing piece
	// of that setup is a certain failure; but copy-pasted headers do not make
	// the location a WebSocket endpoint, so advisory notes do not count it.
	OwnHeaders
	// PathHint: the location's path names WebSocket (/ws, /websocket,
	// /socket, /socket.io, /sockjs).
	PathHint
	// KnownPath: the path is the WebSocket endpoint of a known application
	// (the Apps table).
	KnownPath
	// Declared: the user says so: a "# ngxlint: websocket" comment marks
	// the location, or a --ws-path / ws-paths entry is served by it.
	Declared
	numEvidence
)

// String names a grade for documentation and tests.
func (e Evidence) String() string {
	return [...]string{"none", "shared headers", "own headers", "path hint", "known path", "declared"}[e]
}

// SeverityTable gives the severity a rule reports for each evidence grade;
// rules.Off (the zero value) reports nothing.
type SeverityTable [numEvidence]rules.Severity

// MissingPieceTable is the table of the rules that find a piece of the
// WebSocket setup missing or broken (WS001, WS002, WS004...): certain
// failures where the location is declared, a known endpoint, or set up for
// upgrades by its own headers; a warning where only the path names
// WebSocket; an info note where only shared boilerplate passes upgrades.
func MissingPieceTable(def rules.Severity) SeverityTable {
	return SeverityTable{
		SharedHeaders: rules.Info,
		OwnHeaders:    def,
		PathHint:      min(def, rules.Warning),
		KnownPath:     def,
		Declared:      def,
	}
}

// AdvisoryTable is the table of advisory topics (timeouts, Host, scheme):
// only a location that really carries WebSocket (declared, a known
// endpoint, a path naming WebSocket) earns a note; headers alone, written
// or shared, do not.
func AdvisoryTable(sev rules.Severity) SeverityTable {
	return SeverityTable{PathHint: sev, KnownPath: sev, Declared: sev}
}

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
	// SchemeInOrigin is true when the app rebuilds the page's origin from
	// the scheme the proxy reports (X-Forwarded-Proto) to check Origin.
	SchemeInOrigin bool
}

// Apps from NGINX-WEBSOCKET.md §8, and what the applications document
// about their heartbeats: Socket.IO's pingInterval (25 s) and pingTimeout;
// Node-RED's editor comms ping (15 s); ASP.NET Core SignalR's
// KeepAliveInterval (15 s); Action Cable's server beat (every 3 s);
// phoenix.js's heartbeatIntervalMs (30 s); SockJS's heartbeat_delay
// (25 s); Jitsi Meet's XMPP ping (lib-jitsi-meet, every 10 s).
var Apps = []*App{
	{Name: "Socket.IO", Keywords: []string{"socket.io"}, Paths: []string{"/socket.io/"}, Heartbeat: 25 * time.Second, MinReadTimeout: 45 * time.Second, Sticky: true},
	{Name: "Home Assistant", Keywords: []string{"websocket"}, Paths: []string{"/api/websocket"}},
	{Name: "Grafana Live", Keywords: []string{"live"}, Paths: []string{"/api/live/ws", "/api/live/"}, ChecksOrigin: true},
	{Name: "Rails Action Cable", Keywords: []string{"cable"}, Paths: []string{"/cable"}, Heartbeat: 3 * time.Second, ChecksOrigin: true, SchemeInOrigin: true},
	{Name: "Portainer", Keywords: []string{"websocket"}, Paths: []string{"/api/websocket/"}},
	{Name: "Nextcloud notify_push", Keywords: []string{"push"}, Paths: []string{"/push/ws", "/push/"}},
	{Name: "Node-RED", Keywords: []string{"comms"}, Paths: []string{"/comms"}, Heartbeat: 15 * time.Second},
	{Name: "Mattermost", Keywords: []string{"websocket"}, Paths: []string{"/api/v4/websocket", "/api/v4/users/websocket"}},
	{Name: "Phoenix LiveView", Keywords: []string{"websocket"}, Paths: []string{"/live/websocket", "/socket/websocket"}, Heartbeat: 30 * time.Second},
	{Name: "Jupyter", Keywords: []string{"channels", "kernels", "terminals", "events"}, Paths: []string{"/api/kernels/", "/terminals/websocket/", "/api/events/subscribe"}, ChecksOrigin: true},
	{Name: "SignalR", Keywords: []string{"hub", "signalr"}, Paths: []string{"/signalr", "/hubs/", "/hub"}, Heartbeat: 15 * time.Second, Sticky: true},
	{Name: "SockJS", Keywords: []string{"sockjs"}, Paths: []string{"/sockjs/", "/sockjs-node"}, Heartbeat: 25 * time.Second},
	{Name: "Next.js dev server", Keywords: []string{"webpack-hmr"}, Paths: []string{"/_next/webpack-hmr"}},
	{Name: "Jitsi Meet", Keywords: []string{"xmpp-websocket", "colibri-ws"}, Paths: []string{"/xmpp-websocket", "/colibri-ws/"}, Heartbeat: 10 * time.Second},
	{Name: "Cockpit", Keywords: []string{"cockpit"}, Paths: []string{"/cockpit/socket"}, ChecksOrigin: true},
	{Name: "Apache Guacamole", Keywords: []string{"websocket-tunnel"}, Paths: []string{"/websocket-tunnel"}},
}

// Intent is the linter's view of whether a location carries WebSocket.
type Intent struct {
	// Evidence is the strongest grade.
	Evidence Evidence
	grades   uint
	whyGrade []Evidence // the grade of each Why
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

// ReasonBy is the first reason, in message order, whose grade gets the
// highest severity of table t.
func (in Intent) ReasonBy(t SeverityTable) string {
	sev := in.SeverityBy(t)
	for i, g := range in.whyGrade {
		if t[g] == sev {
			return in.Why[i]
		}
	}
	return in.Reason()
}

// Has reports whether the intent has evidence of grade e.
func (in Intent) Has(e Evidence) bool { return in.grades&(1<<e) != 0 }

// add records evidence of grade ev, why in the user's terms. Why is
// ordered for messages: a declaration, then headers written for this
// location (they show what the configuration is set up to do, and make a
// missing piece certain), then a known endpoint, a path hint, and shared
// headers last; evidence of one rank keeps the order it was found in.
func (in *Intent) add(ev Evidence, why string) {
	in.grades |= 1 << ev
	if ev > in.Evidence {
		in.Evidence = ev
	}
	i := len(in.Why)
	for i > 0 && messageRank[ev] < messageRank[in.whyGrade[i-1]] {
		i--
	}
	in.Why = append(in.Why[:i], append([]string{why}, in.Why[i:]...)...)
	in.whyGrade = append(in.whyGrade[:i], append([]Evidence{ev}, in.whyGrade[i:]...)...)
}

// messageRank orders evidence in messages (lower first).
var messageRank = [numEvidence]int{Declared: 0, OwnHeaders: 1, KnownPath: 2, PathHint: 3, SharedHeaders: 4}

// SeverityBy returns the highest severity t gives any grade of the intent;
// rules.Off when none.
func (in Intent) SeverityBy(t SeverityTable) rules.Severity {
	sev := rules.Off
	for e := SharedHeaders; e < numEvidence; e++ {
		if in.Has(e) && t[e] > sev {
			sev = t[e]
		}
	}
	return sev
}

// Severity is the severity of a missing-piece finding whose default is
// def (MissingPieceTable).
func (in Intent) Severity(def rules.Severity) rules.Severity {
	return in.SeverityBy(MissingPieceTable(def))
}

// Certain reports whether the location is declared WebSocket, a known
// application's endpoint, or set up for upgrades by headers of its own:
// what a finding that claims a certain failure needs.
func (in Intent) Certain() bool {
	return in.Has(Declared) || in.Has(KnownPath) || in.Has(OwnHeaders)
}

// Carries reports whether more than headers say the location carries
// WebSocket: a declaration, a known endpoint, or a path naming WebSocket.
func (in Intent) Carries() bool { return in.Evidence >= PathHint }

// intents is the websocket family's per-unit state: the intent of each
// location, computed once, and where the declared paths lead.
type intents struct {
	cfg    *model.Config
	opts   *rules.Options
	mu     sync.Mutex
	byLoc  map[*model.Block]*Intent
	served map[*model.Block][]string // ws paths served, by location
	// users counts, for each source of Upgrade/Connection headers (an
	// included file, or the level whose list is inherited), the proxied
	// locations whose upgrade headers come from it.
	users map[any]int
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
	in := &intents{cfg: cfg, opts: opts, byLoc: map[*model.Block]*Intent{}, served: map[*model.Block][]string{}, users: map[any]int{}}
	for _, pl := range ProxyLocations(cfg) {
		seen := map[any]bool{}
		for _, h := range upgradeHeaders(cfg, pl.Block) {
			if k := headerSource(pl.Block, h); !seen[k] {
				seen[k] = true
				in.users[k]++
			}
		}
	}
	for _, srv := range cfg.Servers {
		for _, path := range serverWSPaths(opts, srv) {
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
	// The user said so.
	for _, path := range in.served[b] {
		_, src := wsPaths(in.opts)
		out.add(Declared, fmt.Sprintf("%s %s is served here", src, path))
		out.Paths = append(out.Paths, path)
		if out.App == nil {
			out.App = appForPath(path)
		}
	}
	// A comment says so.
	if c, ok := marker(b); ok {
		out.add(Declared, fmt.Sprintf("it is marked %q on %s", "#"+c.Text, lineOf(b, c.Start)))
	}
	// The headers say so.
	if why, ev := in.headerIntent(b); ev != NoEvidence {
		out.add(ev, why)
	}
	// The path says so.
	if loc := b.EnclosingLocation(); loc != nil && loc.Loc != nil && !loc.Synthetic {
		if app, path := knownApp(loc.Loc); app != nil {
			out.App = app
			out.Paths = append(out.Paths, path)
			out.add(KnownPath, fmt.Sprintf("its path %s is where %s opens WebSockets", loc.Loc.String(), app.Name))
		} else if strongWSSegment.MatchString(loc.Loc.Pattern) {
			out.add(PathHint, fmt.Sprintf("its path %s looks like a WebSocket endpoint", loc.Loc.String()))
		}
	}
	return out
}

// upgradeHeaders returns the proxy_set_header lines in effect at b that
// pass a WebSocket upgrade: an Upgrade field, or a Connection field that
// carries the upgrade token (literally, misspelled, or through a map).
func upgradeHeaders(cfg *model.Config, b *model.Block) []Header {
	var out []Header
	for _, h := range Headers(b).List {
		switch {
		case strings.EqualFold(h.Name, "Upgrade"), isTypoOf(h.Name, "upgrade"):
			out = append(out, h)
		case strings.EqualFold(h.Name, "Connection"), isTypoOf(h.Name, "connection"):
			if ConnectionIntent(cfg, h.Value) {
				out = append(out, h)
			}
		}
	}
	return out
}

// headerSource is where an upgrade header in effect at loc comes from: the
// file an include brought it from, the outer level whose list loc
// inherits, or loc itself when it is written there.
func headerSource(loc *model.Block, h Header) any {
	if h.Entry.Via != nil {
		return h.Entry.D.File
	}
	if lvl := Headers(loc).Level; lvl != nil && lvl != loc {
		return lvl
	}
	return loc
}

// headerIntent grades the upgrade headers in effect at b: OwnHeaders when
// one of them is written in b or comes from a source no other proxied
// location uses, SharedHeaders when they all come from shared sources. An
// if or limit_except block inherits its location's list and its grade.
func (in *intents) headerIntent(b *model.Block) (string, Evidence) {
	hs := upgradeHeaders(in.cfg, b)
	if len(hs) == 0 {
		return "", NoEvidence
	}
	loc := b
	if b.Kind == model.If || b.Kind == model.LimitExcept {
		if l := b.EnclosingLocation(); l != nil {
			loc = l
		}
	}
	ev := SharedHeaders
	for _, h := range hs {
		if k := headerSource(loc, h); k == any(loc) || in.users[k] <= 1 {
			ev = OwnHeaders
		}
	}
	h := hs[0]
	why := fmt.Sprintf("it sets proxy_set_header %s on %s", h.Name, rules.Line(h.Entry.D, h.Entry.D.File))
	if strings.EqualFold(h.Name, "Connection") || isTypoOf(h.Name, "connection") {
		why = fmt.Sprintf("it sets proxy_set_header %s %s on %s", h.Name, h.Entry.D.File.Raw(h.Entry.D.Args[1]), rules.Line(h.Entry.D, h.Entry.D.File))
	}
	if ev == SharedHeaders {
		src := "its server"
		switch k := headerSource(loc, h).(type) {
		case *parser.File:
			src = "the shared include " + h.Entry.Via.Arg(0)
		case *model.Block:
			src = levelName(k)
		}
		why += fmt.Sprintf(", from %s that %d proxied locations use", src, in.users[headerSource(loc, h)])
	}
	return why, ev
}

// UpgradeHeadersShared reports whether the upgrade headers in effect at a
// proxied location come only from shared boilerplate (SharedHeaders).
func UpgradeHeadersShared(cfg *model.Config, loc *model.Block) bool {
	in := newIntents(cfg, &rules.Options{})
	_, ev := in.headerIntent(loc)
	return ev == SharedHeaders
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

// appForPath returns the application whose WebSocket endpoint a request
// path is, also when the application is mounted under a prefix
// (/nodered/comms is Node-RED's /comms): the path is the endpoint, starts
// with an endpoint that ends with '/', or ends with the endpoint or holds
// it followed by '/'.
func appForPath(p string) *App {
	for _, exact := range []bool{true, false} {
		for _, app := range Apps {
			for _, ap := range app.Paths {
				switch {
				case exact && (p == ap || strings.TrimSuffix(p, "/") == strings.TrimSuffix(ap, "/")):
					return app
				case !exact && strings.HasSuffix(ap, "/") && strings.Contains(p, ap),
					!exact && strings.HasSuffix(p, ap),
					!exact && !strings.HasSuffix(ap, "/") && strings.Contains(p, ap+"/"):
					return app
				}
			}
		}
	}
	return nil
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
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
		Usage:    "request `PATH` where clients open WebSockets (repeatable); the location nginx picks for it in each server is checked as WebSocket; HOST/PATH (chat.example.com/ws/) only in the servers whose server_name matches HOST",
		Hint:     "request paths such as /ws/, or chat.example.com/ws/ for one server name",
		Valid:    validWSPath,
		FlagRule: "must be a request path starting with /, or HOST/PATH such as chat.example.com/ws/",
		FileRule: "entries are request paths and start with /, or are HOST/PATH such as chat.example.com/ws/",
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

// validWSPath accepts /PATH and HOST/PATH.
func validWSPath(v string) bool {
	if strings.HasPrefix(v, "/") {
		return true
	}
	host, _, ok := strings.Cut(v, "/")
	return ok && host != "" && !strings.ContainsAny(host, " \t$")
}

// serverWSPaths returns the declared WebSocket request paths that apply in
// server srv: every /PATH, and the PATH of HOST/PATH when one of srv's
// server names matches HOST (nginx's rules: exact, *.example.com,
// www.example.*, ~regex). A server around a fragment, whose names are
// unknown, takes them all.
func serverWSPaths(o *rules.Options, srv *model.Block) []string {
	paths, _ := wsPaths(o)
	var out []string
	for _, p := range paths {
		if strings.HasPrefix(p, "/") {
			out = append(out, p)
			continue
		}
		host, rest, _ := strings.Cut(p, "/")
		if i := strings.LastIndex(host, ":"); i >= 0 {
			host = host[:i] // a port is not part of the name
		}
		if srv == nil || srv.Synthetic || srv.MatchesHost(host) {
			out = append(out, "/"+rest)
		}
	}
	return out
}

// SetWSPaths declares request paths where clients open WebSockets, with
// where they come from in the user's terms, for messages.
func SetWSPaths(o *rules.Options, paths []string, source string) {
	o.SetSetting(wsPathsKey, paths, source)
}
