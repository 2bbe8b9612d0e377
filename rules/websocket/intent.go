package websocket

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

// evidence is how sure the linter is that a location carries WebSocket.
type evidence int

// evidence levels, weakest first. Error-level "missing X" findings need
// KnownPath or Declared; a PathHint alone lowers them to warnings.
const (
	noEvidence evidence = iota
	// PathHint: the location's path looks like a WebSocket path (/ws, /socket, /cable...).
	pathHint
	// KnownPath: the path is the WebSocket endpoint of a known application.
	knownPath
	// Declared: the configuration or the user says so: the location sets or
	// forwards Upgrade/Connection, a "# ngxlint: websocket" comment marks it,
	// or a --ws-path / ws-paths entry is served by it.
	declared
)

var wsSegment = regexp.MustCompile(`(?i)(^|[/^(|_.-])(ws|wss|websockets?|sockets?|socket\.io|cable|hubs?|live|signalr|sockjs|comms|push)([/$)|_.?-]|$)`)

// intent is the linter's view of whether a location carries WebSocket.
type intent struct {
	Evidence evidence
	// Why lists the evidence in the user's terms, strongest first.
	Why []string
	App *App
	// Paths are the request paths known to open WebSockets here.
	Paths []string
}

// add records evidence: the strongest first in Why.
func (in *intent) add(ev evidence, why string) {
	if ev > in.Evidence {
		in.Evidence = ev
		in.Why = append([]string{why}, in.Why...)
	} else {
		in.Why = append(in.Why, why)
	}
}

// Reason is the strongest evidence as one phrase.
func (in intent) Reason() string {
	if len(in.Why) == 0 {
		return ""
	}
	return in.Why[0]
}

// Severity scales a rule's severity to the evidence: a path hint alone gives
// at most a warning.
func (in intent) Severity(def rules.Severity) rules.Severity {
	if in.Evidence == pathHint && def > rules.Warning {
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
	byLoc  map[*model.Block]*intent
	served map[*model.Block][]string // ws paths served, by location
	// Redirects are --ws-path requests nginx answers with its automatic 301.
	Redirects []pathRedirect
}

// pathRedirect is a declared WebSocket path that nginx redirects.
type pathRedirect struct {
	Path   string
	Server *model.Block
	Loc    *model.Block
}

func newIntents(cfg *model.Config, opts *rules.Options) *intents {
	in := &intents{cfg: cfg, opts: opts, byLoc: map[*model.Block]*intent{}, served: map[*model.Block][]string{}}
	for _, srv := range cfg.Servers {
		paths, _ := wsPaths(opts)
		for _, path := range paths {
			m := srv.FindLocation(path)
			if m.Loc == nil {
				continue
			}
			if m.Redirect {
				in.Redirects = append(in.Redirects, pathRedirect{Path: path, Server: srv, Loc: m.Loc})
				continue
			}
			loc := Serving(m.Loc)
			in.served[loc] = append(in.served[loc], path)
		}
	}
	return in
}

// intentsKey is the memo key of the unit's intents.
type intentsKey struct{}

// intentsOf returns the unit's intents, built once per unit.
func intentsOf(p *rules.Pass) *intents {
	return rules.Memo(p, intentsKey{}, func() *intents { return newIntents(p.Cfg, p.Opts) })
}

// webSocket returns the intent for a location-like block, computed once.
func webSocket(p *rules.Pass, b *model.Block) intent {
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
func wsRedirects(p *rules.Pass) []pathRedirect { return intentsOf(p).Redirects }

func (in *intents) compute(b *model.Block) intent {
	var out intent
	add := out.add
	// The user said so.
	for _, path := range in.served[b] {
		_, src := wsPaths(in.opts)
		add(declared, fmt.Sprintf("%s %s is served here", src, path))
		out.Paths = append(out.Paths, path)
	}
	// A comment says so.
	if c, ok := marker(b); ok {
		add(declared, fmt.Sprintf("it is marked %q on %s", "#"+c.Text, lineOf(b, c.Start)))
	}
	// The headers say so.
	if why, ok := headerIntent(in.cfg, b); ok {
		add(declared, why)
	}
	// The path says so.
	if loc := b.EnclosingLocation(); loc != nil && loc.Loc != nil && !loc.Synthetic {
		if app, path := knownApp(loc.Loc); app != nil {
			out.App = app
			out.Paths = append(out.Paths, path)
			add(knownPath, fmt.Sprintf("its path %s is where %s opens WebSockets", loc.Loc.String(), app.Name))
		} else if wsSegment.MatchString(loc.Loc.Pattern) {
			add(pathHint, fmt.Sprintf("its path %s looks like a WebSocket endpoint", loc.Loc.String()))
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
		if m, ok := cfg.Map(v); ok {
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

// because formats intent evidence for a message.
func because(in intent) string {
	if r := in.Reason(); r != "" {
		return " (" + r + ")"
	}
	return ""
}

// strongWSSegment is the part of the path heuristics that names WebSocket
// itself (ws, wss, websocket, socket.io, sockjs), without the words that
// also name ordinary pages (live, push, hub, cable...).
var strongWSSegment = regexp.MustCompile(`(?i)(^|[/^(|_.-])(ws|wss|websockets?|socket\.io|sockjs)([/$)|_.?-]|$)`)

// handlerIntent is the WebSocket evidence for a location served by a
// handler that cannot carry proxy_set_header's meaning (fastcgi_pass,
// grpc_pass, memcached_pass). The shared helper counts proxy_set_header
// Upgrade in effect as a declaration, but such a location only inherits it
// from a server that proxies elsewhere; here only what is written for this
// location counts: a --ws-path it serves, a "# ngxlint: websocket" comment,
// an Upgrade or upgrading Connection header set at this level with
// proxy_set_header, grpc_set_header or fastcgi_param HTTP_UPGRADE /
// HTTP_CONNECTION, a known application path that names WebSocket
// (/socket.io/, /api/websocket), or another path segment that does (ws,
// websocket, sockjs). Known paths without such a segment (/push/, /hub,
// /cable, /comms) are only hints, since a location handed to PHP or gRPC
// there may belong to another application; the other words of the path
// heuristics ("live", "push", "hub" in any path) do not count: they name
// ordinary pages too often.
func handlerIntent(p *rules.Pass, b *model.Block) intent {
	var out intent
	add := out.add
	loc := b.EnclosingLocation()
	levels := []*model.Block{b}
	if loc != nil && loc != b {
		levels = append(levels, loc)
	}
	for _, l := range levels {
		for _, path := range intentsOf(p).served[l] {
			_, src := wsPaths(p.Opts)
			add(declared, fmt.Sprintf("%s %s is served here", src, path))
		}
		if c, ok := marker(l); ok {
			add(declared, fmt.Sprintf("it is marked %q on %s", "#"+c.Text, lineOf(l, c.Start)))
		}
		for _, name := range []string{"proxy_set_header", "grpc_set_header", "fastcgi_param"} {
			for _, e := range l.Own(name) {
				if len(e.D.Args) < 2 {
					continue
				}
				field, value := e.D.Args[0].Value, e.D.Args[1].Value
				if name == "fastcgi_param" {
					field = strings.TrimPrefix(strings.ToUpper(field), "HTTP_")
				}
				if strings.EqualFold(field, "Upgrade") ||
					strings.EqualFold(field, "Connection") && ConnectionIntent(p.Cfg, value) {
					add(declared, fmt.Sprintf("it sets %s %s on %s", name, e.D.Args[0].Value, rules.Line(e.D, e.D.File)))
				}
			}
		}
	}
	if loc != nil && loc.Loc != nil && !loc.Synthetic {
		app, _ := knownApp(loc.Loc)
		strong := strongWSSegment.MatchString(loc.Loc.Pattern)
		switch {
		case app != nil:
			out.App = app
			ev := knownPath
			if !strong {
				ev = pathHint // /push/ or /hub may be another application's page
			}
			add(ev, fmt.Sprintf("its path %s is where %s opens WebSockets", loc.Loc.String(), app.Name))
		case strong:
			add(pathHint, fmt.Sprintf("its path %s looks like a WebSocket endpoint", loc.Loc.String()))
		}
	}
	return out
}

// pathEvidence reports whether a location's own path says WebSocket: a
// --ws-path it serves, a known application path, or a WebSocket-looking
// path segment. It ignores headers.
func pathEvidence(p *rules.Pass, loc *model.Block) (string, bool) {
	if loc == nil || loc.Kind != model.Location || loc.Loc == nil || loc.Synthetic {
		return "", false
	}
	if paths := intentsOf(p).served[loc]; len(paths) > 0 {
		_, src := wsPaths(p.Opts)
		return fmt.Sprintf("%s %s is served here", src, paths[0]), true
	}
	if app, _ := knownApp(loc.Loc); app != nil {
		return fmt.Sprintf("its path %s is where %s opens WebSockets", loc.Loc.String(), app.Name), true
	}
	if wsSegment.MatchString(loc.Loc.Pattern) {
		return fmt.Sprintf("its path %s looks like a WebSocket endpoint", loc.Loc.String()), true
	}
	return "", false
}
