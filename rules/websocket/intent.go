package websocket

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

// evidence is how sure the linter is that a location carries WebSocket.
// The grades, weakest first, and what each rule does with them, are in one
// place: here. A location may have several grades at once (its headers and
// its path); a rule's severity is the highest its table gives any of them.
type evidence int

// Evidence grades, weakest first.
const (
	noEvidence evidence = iota
	// sharedHeaders: Upgrade/Connection headers reach the location only
	// from a source other proxied locations use too: a shared include such
	// as SWAG's proxy.conf, or a server{} or http{} list that several
	// locations inherit. Boilerplate: it passes upgrades through wherever it
	// is used, and says nothing about this location. Never a warning or an
	// error on its own.
	sharedHeaders
	// ownHeaders: the headers are written in the location itself, or reach
	// it from a source (include, outer level) no other proxied location
	// uses. The author set up this location for upgrades, so a missing piece
	// of that setup is a certain failure; but copy-pasted headers do not make
	// the location a WebSocket endpoint, so advisory notes do not count it.
	ownHeaders
	// pathHint: the location's path names WebSocket (/ws, /websocket,
	// /socket, /socket.io, /sockjs).
	pathHint
	// knownPath: the path is the WebSocket endpoint of a known application
	// (the apps table).
	knownPath
	// declared: the user says so: a "# ngxlint: websocket" comment marks
	// the location, or a --ws-path / ws-paths entry is served by it.
	declared
	numEvidence
)

// String names a grade for documentation and tests.
func (e evidence) String() string {
	return [...]string{"none", "shared headers", "own headers", "path hint", "known path", "declared"}[e]
}

// severityTable gives the severity a rule reports for each evidence grade;
// rules.Off (the zero value) reports nothing.
type severityTable [numEvidence]rules.Severity

// missingPieceTable is the table of the rules that find a piece of the
// WebSocket setup missing or broken (WS001, WS002, WS004...): certain
// failures where the location is declared, a known endpoint, or set up for
// upgrades by its own headers; a warning where only the path names
// WebSocket; an info note where only shared boilerplate passes upgrades.
func missingPieceTable(def rules.Severity) severityTable {
	return severityTable{
		sharedHeaders: rules.Info,
		ownHeaders:    def,
		pathHint:      min(def, rules.Warning),
		knownPath:     def,
		declared:      def,
	}
}

// advisoryTable is the table of advisory topics (timeouts, Host, scheme):
// only a location that really carries WebSocket (declared, a known
// endpoint, a path naming WebSocket) earns a note; headers alone, written
// or shared, do not.
func advisoryTable(sev rules.Severity) severityTable {
	return severityTable{pathHint: sev, knownPath: sev, declared: sev}
}

// intent is the linter's view of whether a location carries WebSocket.
type intent struct {
	// Evidence is the strongest grade.
	Evidence evidence
	grades   uint
	whyGrade []evidence // the grade of each Why
	// Why lists the evidence in the user's terms, strongest first.
	Why []string
	App *App
	// Paths are the request paths known to open WebSockets here.
	Paths []string
}

// Reason is the strongest evidence as one phrase.
func (in intent) Reason() string {
	if len(in.Why) == 0 {
		return ""
	}
	return in.Why[0]
}

// ReasonBy is the first reason, in message order, whose grade gets the
// highest severity of table t.
func (in intent) ReasonBy(t severityTable) string {
	sev := in.SeverityBy(t)
	for i, g := range in.whyGrade {
		if t[g] == sev {
			return in.Why[i]
		}
	}
	return in.Reason()
}

// Has reports whether the intent has evidence of grade e.
func (in intent) Has(e evidence) bool { return in.grades&(1<<e) != 0 }

// add records evidence of grade ev, why in the user's terms. Why is
// ordered for messages: a declaration, then headers written for this
// location (they show what the configuration is set up to do, and make a
// missing piece certain), then a known endpoint, a path hint, and shared
// headers last; evidence of one rank keeps the order it was found in.
func (in *intent) add(ev evidence, why string) {
	in.grades |= 1 << ev
	if ev > in.Evidence {
		in.Evidence = ev
	}
	i := len(in.Why)
	for i > 0 && messageRank[ev] < messageRank[in.whyGrade[i-1]] {
		i--
	}
	in.Why = append(in.Why[:i], append([]string{why}, in.Why[i:]...)...)
	in.whyGrade = append(in.whyGrade[:i], append([]evidence{ev}, in.whyGrade[i:]...)...)
}

// messageRank orders evidence in messages (lower first).
var messageRank = [numEvidence]int{declared: 0, ownHeaders: 1, knownPath: 2, pathHint: 3, sharedHeaders: 4}

// SeverityBy returns the highest severity t gives any grade of the intent;
// rules.Off when none.
func (in intent) SeverityBy(t severityTable) rules.Severity {
	sev := rules.Off
	for e := sharedHeaders; e < numEvidence; e++ {
		if in.Has(e) && t[e] > sev {
			sev = t[e]
		}
	}
	return sev
}

// Severity is the severity of a missing-piece finding whose default is
// def (missingPieceTable).
func (in intent) Severity(def rules.Severity) rules.Severity {
	return in.SeverityBy(missingPieceTable(def))
}

// Certain reports whether the location is declared WebSocket, a known
// application's endpoint, or set up for upgrades by headers of its own:
// what a finding that claims a certain failure needs.
func (in intent) Certain() bool {
	return in.Has(declared) || in.Has(knownPath) || in.Has(ownHeaders)
}

// Carries reports whether more than headers say the location carries
// WebSocket: a declaration, a known endpoint, or a path naming WebSocket.
func (in intent) Carries() bool { return in.Evidence >= pathHint }

// intents is the websocket family's per-unit state: the intent of each
// location, computed once, and where the declared paths lead.
type intents struct {
	cfg    *model.Config
	opts   *rules.Options
	mu     sync.RWMutex
	byLoc  map[*model.Block]*intent
	served map[*model.Block][]string // ws paths served, by location
	// users counts, for each source of Upgrade/Connection headers (an
	// included file, or the level whose list is inherited), the proxied
	// locations whose upgrade headers come from it.
	users map[any]int
	// Redirects are --ws-path requests nginx answers with its automatic 301.
	Redirects []pathRedirect
	// upgrade holds upgradeHeaders by the level whose proxy_set_header
	// list is in effect (every location inheriting a list shares it);
	// guarded by mu.
	upgrade map[*model.Block][]header
}

// pathRedirect is a declared WebSocket path that nginx redirects.
type pathRedirect struct {
	Path   string
	Server *model.Block
	Loc    *model.Block
}

func newIntents(cfg *model.Config, opts *rules.Options, pls []proxyLocation) *intents {
	in := &intents{cfg: cfg, opts: opts, byLoc: map[*model.Block]*intent{}, served: map[*model.Block][]string{}, users: map[any]int{},
		upgrade: map[*model.Block][]header{}}
	seen := map[any]bool{}
	for _, pl := range pls {
		clear(seen)
		hs, lvl := in.upgradeAt(pl.Block)
		for _, h := range hs {
			if k := headerSourceAt(pl.Block, lvl, h); !seen[k] {
				seen[k] = true
				in.users[k]++
			}
		}
	}
	// A plain /PATH is declared in every server, but a server that answers
	// it with a less specific location than another server does (its
	// catch-all location / or /api/, where another server has /ws/ or
	// /api/live/) is another site on the same nginx: there the declaration
	// does not count. HOST/PATH names its servers and always counts.
	type hit struct {
		loc      *model.Block
		path     string
		strength int // -1: bound to the server by HOST/PATH
	}
	var hits []hit
	best := map[string]int{}
	for _, srv := range cfg.Servers {
		for _, d := range serverWSDecls(opts, srv) {
			m := srv.FindLocation(d.path)
			if m.Loc == nil {
				continue
			}
			if m.Redirect {
				in.Redirects = append(in.Redirects, pathRedirect{Path: d.path, Server: srv, Loc: m.Loc})
				continue
			}
			st := -1
			if !d.hostBound && !srv.Synthetic {
				st = matchStrength(m.Loc)
				best[d.path] = max(best[d.path], st)
			}
			hits = append(hits, hit{Serving(m.Loc), d.path, st})
		}
	}
	for _, h := range hits {
		if h.strength >= 0 && h.strength < best[h.path] {
			continue
		}
		in.served[h.loc] = append(in.served[h.loc], h.path)
	}
	return in
}

// matchStrength ranks how specifically a location answers a request path:
// an exact or regex location (written for such paths), else the length of
// its prefix.
func matchStrength(loc *model.Block) int {
	if loc.Loc == nil || loc.Synthetic || loc.Loc.Modifier == "=" || loc.Loc.IsRegex() {
		return 1 << 20
	}
	return len(loc.Loc.Pattern)
}

// intentsKey is the memo key of the unit's intents.
type intentsKey struct{}

// intentsOf returns the unit's intents, built once per unit.
func intentsOf(p *rules.Pass) *intents {
	return rules.Memo(p, intentsKey{}, func() *intents { return newIntents(p.Cfg, p.Opts, proxyLocationsOf(p)) })
}

// webSocket returns the intent for a location-like block, computed once.
func webSocket(p *rules.Pass, b *model.Block) intent { return *webSocketOf(p, b) }

// noIntent is the intent of every location without evidence (most of
// them), kept once instead of once per location. It is never changed.
var noIntent = &intent{}

// webSocketOf is webSocket, the unit's stored intent: shared, never to be
// changed.
func webSocketOf(p *rules.Pass, b *model.Block) *intent {
	ws := intentsOf(p)
	ws.mu.RLock()
	in, ok := ws.byLoc[b]
	ws.mu.RUnlock()
	if ok {
		return in
	}
	// outside the lock, so that rules asking of other blocks do not wait:
	// compute only reads what newIntents built
	v := ws.compute(b)
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if in, ok := ws.byLoc[b]; ok {
		return in
	}
	in = noIntent
	if v.grades != 0 || v.Evidence != noEvidence || v.App != nil || len(v.Why) > 0 || len(v.whyGrade) > 0 || len(v.Paths) > 0 {
		in = &v
	}
	ws.byLoc[b] = in
	return in
}

// wsRedirects returns the declared WebSocket paths that nginx redirects.
func wsRedirects(p *rules.Pass) []pathRedirect { return intentsOf(p).Redirects }

func (in *intents) compute(b *model.Block) intent {
	var out intent
	// The user said so.
	for _, path := range in.served[b] {
		_, src := wsPaths(in.opts)
		out.add(declared, fmt.Sprintf("%s %s is served here", src, path))
		out.Paths = append(out.Paths, path)
		if out.App == nil {
			out.App = appForPath(path)
		}
	}
	// A comment says so.
	if c, ok := marker(b); ok {
		out.add(declared, fmt.Sprintf("it is marked %q on %s", "#"+c.Text, lineOf(b, c.Start)))
	}
	// The headers say so.
	if why, ev := in.headerIntent(b); ev != noEvidence {
		out.add(ev, why)
	}
	// The path says so.
	if loc := b.EnclosingLocation(); loc != nil && loc.Loc != nil && !loc.Synthetic {
		if app, path := knownApp(loc.Loc); app != nil {
			out.App = app
			out.Paths = append(out.Paths, path)
			out.add(knownPath, fmt.Sprintf("its path %s is where %s opens WebSockets", loc.Loc.String(), app.Name))
		} else if strongWSSegment(loc.Loc.Pattern) {
			out.add(pathHint, pathHintWhy(loc))
		}
	}
	return out
}

// pathHintWhy is the path-hint evidence of loc in the user's terms: a
// named location has a name, not a path.
func pathHintWhy(loc *model.Block) string {
	if loc.Loc.IsNamed() {
		return fmt.Sprintf("its name %s says WebSocket", loc.Loc.String())
	}
	return fmt.Sprintf("its path %s looks like a WebSocket endpoint", loc.Loc.String())
}

// upgradeHeaders returns the proxy_set_header lines in effect at b that
// pass a WebSocket upgrade: an Upgrade field, or a Connection field that
// carries the upgrade token (literally, misspelled, or through a map).
func upgradeHeaders(cfg *model.Config, b *model.Block) []header {
	var out []header
	for _, h := range Headers(b).List {
		switch {
		case strings.EqualFold(h.Name(), "Upgrade"), isTypoOf(h.Name(), "upgrade"):
			out = append(out, h)
		case strings.EqualFold(h.Name(), "Connection"), isTypoOf(h.Name(), "connection"):
			if ConnectionIntent(cfg, h.Value()) {
				out = append(out, h)
			}
		}
	}
	return out
}

// upgradeAt returns upgradeHeaders(in.cfg, b), computed once per level
// whose proxy_set_header list is in effect, and that level (nil when no
// level sets proxy_set_header). The result is shared: callers must not
// change it.
func (in *intents) upgradeAt(b *model.Block) ([]header, *model.Block) {
	_, lvl := b.Lookup("proxy_set_header")
	if lvl == nil {
		return nil, nil
	}
	in.mu.Lock()
	hs, ok := in.upgrade[lvl]
	in.mu.Unlock()
	if ok {
		return hs, lvl
	}
	// the list in effect at b is lvl's own: the same headers
	hs = upgradeHeaders(in.cfg, lvl)
	in.mu.Lock()
	defer in.mu.Unlock()
	if old, ok := in.upgrade[lvl]; ok {
		return old, lvl
	}
	in.upgrade[lvl] = hs
	return hs, lvl
}

// headerSourceAt is where an upgrade header in effect at loc comes from:
// the file an include brought it from, the outer level whose list loc
// inherits (lvl, the level whose proxy_set_header list is in effect at
// loc), or loc itself when it is written there.
func headerSourceAt(loc, lvl *model.Block, h header) any {
	if h.Entry.Via != nil {
		return h.Entry.D.File
	}
	if lvl != nil && lvl != loc {
		return lvl
	}
	return loc
}

// headerIntent grades the upgrade headers in effect at b: ownHeaders when
// one of them is written in b or comes from a source no other proxied
// location uses, sharedHeaders when they all come from shared sources. An
// if or limit_except block inherits its location's list and its grade.
func (in *intents) headerIntent(b *model.Block) (string, evidence) {
	hs, _ := in.upgradeAt(b)
	if len(hs) == 0 {
		return "", noEvidence
	}
	loc := b
	if b.Kind == model.If || b.Kind == model.LimitExcept {
		if l := b.EnclosingLocation(); l != nil {
			loc = l
		}
	}
	_, locLvl := loc.Lookup("proxy_set_header")
	ev := sharedHeaders
	for _, h := range hs {
		if k := headerSourceAt(loc, locLvl, h); k == any(loc) || in.users[k] <= 1 {
			ev = ownHeaders
		}
	}
	h := hs[0]
	why := fmt.Sprintf("it sets proxy_set_header %s on %s", h.Name(), rules.Line(h.Entry.D, h.Entry.D.File))
	if strings.EqualFold(h.Name(), "Connection") || isTypoOf(h.Name(), "connection") {
		why = fmt.Sprintf("it sets proxy_set_header %s %s on %s", h.Name(), h.Entry.D.File.Raw(h.Entry.D.Args[1]), rules.Line(h.Entry.D, h.Entry.D.File))
	}
	if ev == sharedHeaders {
		src := "its server"
		switch k := headerSourceAt(loc, locLvl, h).(type) {
		case *parser.File:
			src = "the shared include " + h.Entry.Via.Arg(0)
		case *model.Block:
			src = levelName(k)
		}
		why += fmt.Sprintf(", from %s that %d proxied locations use", src, in.users[headerSourceAt(loc, locLvl, h)])
	}
	return why, ev
}

// UpgradeHeadersShared reports whether the upgrade headers in effect at a
// proxied location come only from shared boilerplate (sharedHeaders).
func UpgradeHeadersShared(cfg *model.Config, loc *model.Block) bool {
	in := newIntents(cfg, &rules.Options{}, proxyLocations(cfg))
	_, ev := in.headerIntent(loc)
	return ev == sharedHeaders
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
	inner := d.File.CommentsBetween(int(d.Block.Open), int(d.Block.Close))
	for _, c := range inner {
		nested := false
		for _, ch := range d.Block.Directives {
			if ch.Block != nil && c.Start > int(ch.Block.Open) && c.Start < int(ch.Block.Close) {
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
	var out []string
	for _, d := range serverWSDecls(o, srv) {
		out = append(out, d.path)
	}
	return out
}

// wsDecl is a declared WebSocket request path in one server; hostBound
// when it was declared as HOST/PATH for that server's name.
type wsDecl struct {
	path      string
	hostBound bool
}

// serverWSDecls is serverWSPaths with where each path comes from.
func serverWSDecls(o *rules.Options, srv *model.Block) []wsDecl {
	paths, _ := wsPaths(o)
	var out []wsDecl
	for _, p := range paths {
		if strings.HasPrefix(p, "/") {
			out = append(out, wsDecl{path: p})
			continue
		}
		host, rest, _ := strings.Cut(p, "/")
		if i := strings.LastIndex(host, ":"); i >= 0 {
			host = host[:i] // a port is not part of the name
		}
		if srv == nil || srv.Synthetic || srv.MatchesHost(host) {
			out = append(out, wsDecl{path: "/" + rest, hostBound: true})
		}
	}
	return out
}

// SetWSPaths declares request paths where clients open WebSockets, with
// where they come from in the user's terms, for messages.
func SetWSPaths(o *rules.Options, paths []string, source string) {
	o.SetSetting(wsPathsKey, paths, source)
}

// becauseBy formats, for a message, the evidence that gives the severity
// of table t.
func becauseBy(in intent, t severityTable) string {
	if r := in.ReasonBy(t); r != "" {
		return " (" + r + ")"
	}
	return ""
}

// because formats intent evidence for a message.
func because(in intent) string {
	if r := in.Reason(); r != "" {
		return " (" + r + ")"
	}
	return ""
}

// strongWSSegment reports whether a path names WebSocket (ws, wss,
// websocket, socket, socket.io, sockjs): the pathHint grade. Words that
// also name ordinary pages (live, push, hub, cable, comms) count only as
// a known application's exact endpoint (the apps table).
//
// It is MatchString of
// `(?i)(^|[/^(|_.-])(ws|wss|websockets?|sockets?|socket\.io|sockjs)([/$)|_.?-]|$)`
// without compiling it (a third of a millisecond of a new process):
// one of the words, in any case (as (?i) folds: the long s and the
// Kelvin sign are an s and a k), at the start or after one of /^(|_.-,
// and at the end or before one of /$)|_.?-. TestStrongWSSegmentAsRegexp
// and FuzzStrongWSSegment check it against the regexp.
func strongWSSegment(path string) bool {
	for i := 0; i < len(path); i++ {
		if i > 0 && !strings.ContainsRune("/^(|_.-", rune(path[i-1])) {
			continue
		}
		for _, w := range wsSegmentWords {
			if n := foldPrefix(path[i:], w); n > 0 && (i+n == len(path) || strings.ContainsRune("/$)|_.?-", rune(path[i+n]))) {
				return true
			}
		}
	}
	return false
}

var wsSegmentWords = [...]string{"ws", "wss", "websocket", "websockets", "socket", "sockets", "socket.io", "sockjs"}

// foldPrefix returns the length of the prefix of s that equals the
// ASCII word w under Unicode simple case folding (as (?i) compares), 0
// when there is none.
func foldPrefix(s, w string) int {
	n := 0
	for j := 0; j < len(w); j++ {
		if n >= len(s) {
			return 0
		}
		r, size := utf8.DecodeRuneInString(s[n:])
		if !foldsTo(r, rune(w[j])) {
			return 0
		}
		n += size
	}
	return n
}

// foldsTo reports whether r is c or in c's case-folding orbit.
func foldsTo(r, c rune) bool {
	if r == c {
		return true
	}
	for f := unicode.SimpleFold(c); f != c; f = unicode.SimpleFold(f) {
		if f == r {
			return true
		}
	}
	return false
}

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
					add(ownHeaders, fmt.Sprintf("it sets %s %s on %s", name, e.D.Args[0].Value, rules.Line(e.D, e.D.File)))
				}
			}
		}
	}
	if loc != nil && loc.Loc != nil && !loc.Synthetic {
		app, _ := knownApp(loc.Loc)
		strong := strongWSSegment(loc.Loc.Pattern)
		switch {
		case app != nil:
			out.App = app
			ev := knownPath
			if !strong {
				ev = pathHint // /push/ or /hub may be another application's page
			}
			add(ev, fmt.Sprintf("its path %s is where %s opens WebSockets", loc.Loc.String(), app.Name))
		case strong:
			add(pathHint, pathHintWhy(loc))
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
	if strongWSSegment(loc.Loc.Pattern) {
		return pathHintWhy(loc), true
	}
	return "", false
}
