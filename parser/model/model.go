// Package model holds nginx semantics in one place: configuration levels
// after include expansion, inheritance of directives, the content handler of
// a location, location matching, maps and variables, durations and versions.
// Rules ask it; they never re-implement nginx.
package model

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/spec"
)

// Kind is the kind of a configuration level.
type Kind uint8

// The configuration levels the model knows.
const (
	Main Kind = iota
	HTTP
	Server
	Location // includes named locations (@name)
	If       // an if block; inside a location it is a nested location configuration
	LimitExcept
	Upstream
	Other // events, stream, mail, map, types, geo, unknown blocks
)

func (k Kind) String() string {
	return [...]string{"main", "http", "server", "location", "if", "limit_except", "upstream", "block"}[k]
}

// Entry is a directive as it appears at a level. Via is the include
// directive written at this level that brought it in, or nil when the
// directive is written here.
type Entry struct {
	D   *parser.Directive
	Via *parser.Directive
}

// At returns the directive written at this level that stands for the entry:
// the include that brought it in, or the directive itself.
func (e Entry) At() *parser.Directive {
	if e.Via != nil {
		return e.Via
	}
	return e.D
}

// Block is one configuration level. A large configuration holds hundreds
// of thousands of them, so what few levels use lives in blockExt.
type Block struct {
	Kind Kind
	// Synthetic levels wrap a fragment: the http{} around a conf.d file, the
	// server{} around a file of locations, the location around a snippet.
	Synthetic bool
	// seq is 1 + a server's position in Config.Servers (0 for other levels
	// and blocks made outside Build).
	seq int32
	// names has a bit set (nameBit) for the name of each of Directives
	// that fill added, and namesValid once fill has set them: scan answers
	// "none" for a name whose bit is clear without reading the directives
	// (most Lookups ask a level for a name it does not set).
	names      uint64
	Dir        *parser.Directive // the directive that opens the block; nil for main and synthetic levels
	Parent     *Block
	Children   []*Block
	Directives []Entry
	Loc        *LocationSpec            // for Location blocks
	x          atomic.Pointer[blockExt] // set for the levels that use it
}

// blockExt holds what few levels use: an if block's condition, the index
// by name of a level with many directives, the siblings' entries of the
// http{} around a fragment and the location index of a level with many
// locations.
type blockExt struct {
	cfg  *Config           // on the main level: the model it belongs to (Block.Config)
	via  *parser.Directive // the include that brought the block's directive in, if any
	cond *IfCondition      // for If blocks: the condition, nil when nginx refuses it
	// byNameSet is set once byName holds every entry of Directives (the
	// siblings' entries of env are added per name, under the lock).
	byNameSet atomic.Bool
	byName    map[string][]Entry // Directives by name, built on first use
	// env is set on the http{} around a fragment whose siblings lend it
	// their http-level directives: Own and First see them before the
	// block's Directives, except those of envSkip, the unit's root.
	env     *env
	envSkip *parser.File
	envDone map[string]bool          // the names whose lent entries byName holds
	locIdx  atomic.Pointer[locIndex] // the location lookup index, built on first use
}

// ext returns the block's blockExt, making it on first use (safe for
// concurrent use: both callers get the one stored first).
func (b *Block) ext() *blockExt {
	if x := b.x.Load(); x != nil {
		return x
	}
	b.x.CompareAndSwap(nil, &blockExt{})
	return b.x.Load()
}

// Via returns the include directive written at the parent level that
// brought the block's directive in, nil when it is written there.
func (b *Block) Via() *parser.Directive {
	if x := b.x.Load(); x != nil {
		return x.via
	}
	return nil
}

// env returns the siblings' definitions lent to the block, nil for every
// level but the http{} around a fragment.
func (b *Block) env() *env {
	if x := b.x.Load(); x != nil {
		return x.env
	}
	return nil
}

// lazyMu guards what blocks without a model build on first use.
var lazyMu sync.Mutex

// lock guards what the block builds on first use: the rules of one unit
// run at once, and read the same blocks.
func (b *Block) lock() *sync.Mutex {
	c := b.Config()
	if c == nil {
		return &lazyMu
	}
	return &c.mu
}

// newMain returns the main level of c.
func newMain(c *Config) *Block {
	m := &Block{Kind: Main}
	m.ext().cfg = c
	return m
}

// Config is the model of one unit.
type Config struct {
	Unit      *parser.Unit
	Main      *Block
	Version   spec.Version
	Servers   []*Block
	Locations []*Block // location, if and limit_except blocks, in document order
	// Upstreams, Maps and Defined hold the unit's own definitions; a
	// fragment's siblings lend it theirs too, so look names up with
	// Upstream, Map and DefinedBy (ranging over these sees the unit's own).
	Upstreams map[string]*Block
	Maps      map[string]*Map // by defined variable name, lower case, without '$'
	// Defined holds variables created by the configuration (map, geo, set,
	// captures...), lower case without '$'.
	Defined map[string]*parser.Directive
	// Unknown is true when the configuration loads modules or uses
	// directives that may create variables the model cannot know.
	HasLoadModule bool

	// What the model builds on first use is built once and safe for
	// concurrent use: the rules of one unit run at once.
	mu          sync.Mutex          // guards what is built on first use, but byServer
	locRanges   []locRange          // each server's location-like blocks in Locations, found on first use
	byServer    map[*Block][]*Block // the same, should they not be one run per server
	byServerSet sync.Once
	hostSet     sync.Once
	env         *env                  // the siblings' definitions of a fragment (env.go)
	regexps     map[string]compiledRe // location regexes by expression, while Build runs (locmatch.go)
	rewriteRe   map[*parser.Directive]compiled
	hostIdx     *hostIndex // server selection by socket and name (servername.go)
	// locSpecs holds the LocationSpecs made so far, while Build runs
	locSpecs map[locKey]*LocationSpec
}

// ServerLocations returns the location, if and limit_except blocks of a
// server (nested ones included), in document order. The result is
// shared: callers must not change it.
func (c *Config) ServerLocations(srv *Block) []*Block {
	c.byServerSet.Do(c.serverLocations)
	if c.byServer != nil {
		return c.byServer[srv]
	}
	if i := c.serverIndex(srv); i >= 0 {
		r := c.locRanges[i]
		if r.to > r.from {
			return c.Locations[r.from:r.to:r.to]
		}
	}
	return nil
}

// locRange is where a server's blocks are in Config.Locations.
type locRange struct{ from, to int32 }

// serverLocations finds each server's run of Config.Locations: fill adds
// a server's location-like blocks one after the other, so a range per
// server replaces a map of slices. Should a server's blocks not be one
// run, it falls back to the map.
func (c *Config) serverLocations() {
	ranges := make([]locRange, len(c.Servers))
	for i, l := range c.Locations {
		s := l.Server()
		if s == nil {
			continue
		}
		k := c.serverIndex(s)
		switch {
		case k < 0:
		case ranges[k].to == 0:
			ranges[k] = locRange{int32(i), int32(i) + 1}
			continue
		case int(ranges[k].to) == i:
			ranges[k].to++
			continue
		}
		c.byServer = map[*Block][]*Block{}
		for _, l := range c.Locations {
			if s := l.Server(); s != nil {
				c.byServer[s] = append(c.byServer[s], l)
			}
		}
		return
	}
	c.locRanges = ranges
}

// serverIndex returns the position of s in c.Servers, -1 when s is not
// one of them.
func (c *Config) serverIndex(s *Block) int {
	if s == nil || s.seq <= 0 || int(s.seq) > len(c.Servers) || c.Servers[s.seq-1] != s {
		return -1
	}
	return int(s.seq) - 1
}

// Options for Build.
type Options struct {
	Version spec.Version
}

// Build makes the model of a loaded unit.
func Build(u *parser.Unit, opt Options) *Config {
	c := &Config{Unit: u, Version: opt.Version, Upstreams: map[string]*Block{}, Maps: map[string]*Map{}, Defined: map[string]*parser.Directive{}}
	c.Main = newMain(c)
	if u.Root == nil || u.Root.Top == nil && len(u.Problems) > 0 {
		return c
	}
	target := c.Main
	if u.Context != parser.CtxMain {
		http := &Block{Kind: HTTP, Parent: c.Main, Synthetic: true}
		c.Main.Children = append(c.Main.Children, http)
		// Files nginx would read beside the fragment lend their http-level
		// definitions and directives (maps, upstreams, proxy_set_header...),
		// not their servers: those are other sites, whose findings are never
		// shown. They are modeled once per directory and shared (env.go):
		// modeling them in every fragment's unit made N sibling files cost
		// N*N. Walk does not visit them; Own, Lookup, Upstream, Map and
		// DefinedBy see them.
		if len(u.Env) > 0 {
			c.env = envOf(u, opt.Version)
			x := http.ext()
			x.env, x.envSkip = c.env, u.Root
			c.HasLoadModule = c.env.cfg.HasLoadModule
		}
		c.fillDefinitions(http, u.EnvHTTP)
		target = http
		if u.Context >= parser.CtxServer {
			srv := &Block{Kind: Server, Synthetic: true, seq: int32(len(c.Servers)) + 1, Parent: http}
			http.Children = append(http.Children, srv)
			c.Servers = append(c.Servers, srv)
			target = srv
		}
		if u.Context == parser.CtxLocation {
			loc := &Block{Kind: Location, Parent: target, Synthetic: true, Loc: &LocationSpec{}}
			target.Children = append(target.Children, loc)
			c.Locations = append(c.Locations, loc)
			target = loc
		}
	}
	c.fill(target, u.Root.Top, nil)
	c.locSpecs, c.regexps = nil, nil // only Build uses them
	c.collectDefinitions(c.Main)
	return c
}

// fillDefinitions adds the http-level directives of files read beside a
// fragment, following their includes, without their server blocks.
func (c *Config) fillDefinitions(b *Block, ds []*parser.Directive) {
	for _, d := range ds {
		switch {
		case d.Name == "server":
		case d.Name == "include" && d.Block == nil:
			for _, f := range d.Included() {
				c.fillDefinitions(b, f.Top)
			}
		default:
			c.fill(b, []*parser.Directive{d}, nil)
		}
	}
}

// fill adds directives to a level, splicing included files in place.
func (c *Config) fill(b *Block, ds []*parser.Directive, via *parser.Directive) {
	// one allocation of the right size for the usual level without includes
	b.Directives = slices.Grow(b.Directives, len(ds))
	for _, d := range ds {
		if d.Name == "include" && d.Block == nil {
			v := via
			if v == nil {
				v = d
			}
			for _, f := range d.Included() {
				c.fill(b, f.Top, v)
			}
			continue
		}
		b.Directives = append(b.Directives, Entry{D: d, Via: via})
		b.names |= namesValid | nameBit(d.Name)
		if d.Name == "load_module" {
			c.HasLoadModule = true
		}
		if d.Block == nil {
			continue
		}
		child := &Block{Kind: kindOf(b, d), Dir: d, Parent: b}
		if via != nil {
			child.ext().via = via
		}
		b.Children = append(b.Children, child)
		switch child.Kind {
		case Server:
			child.seq = int32(len(c.Servers)) + 1
			c.Servers = append(c.Servers, child)
		case Location:
			child.Loc = c.parseLocation(d)
			c.Locations = append(c.Locations, child)
		case If:
			if cond, ok := ParseIf(d); ok {
				child.ext().cond = &cond
			}
			c.Locations = append(c.Locations, child)
		case LimitExcept:
			c.Locations = append(c.Locations, child)
		case Upstream:
			c.Upstreams[strings.ToLower(d.Arg(0))] = child
		}
		if child.Kind != Other || d.Name == "events" || d.Name == "http" {
			c.fill(child, d.Block.Directives, nil)
		}
	}
}

func kindOf(parent *Block, d *parser.Directive) Kind {
	switch d.Name {
	case "http":
		return HTTP
	case "server":
		if parent.Kind == HTTP {
			return Server
		}
	case "location":
		if parent.Kind == Server || parent.Kind == Location {
			return Location
		}
	case "if":
		if parent.Kind == Server || parent.Kind == Location {
			return If
		}
	case "limit_except":
		if parent.Kind == Location {
			return LimitExcept
		}
	case "upstream":
		if parent.Kind == HTTP {
			return Upstream
		}
	}
	return Other
}

// ownIndexFrom is the number of directives from which a level indexes
// its directives by name: below it, Own scans them (most levels hold a few
// directives, and a map per level was a fifth of the memory of a large
// configuration).
const ownIndexFrom = 32

// Own returns the entries of this level with the given directive name.
// The result is shared: callers must not change it.
func (b *Block) Own(name string) []Entry {
	x := b.x.Load()
	if x == nil || x.env == nil {
		if len(b.Directives) < ownIndexFrom {
			return b.scan(name)
		}
		if x == nil {
			x = b.ext()
		}
		if !x.byNameSet.Load() {
			mu := b.lock()
			mu.Lock()
			if !x.byNameSet.Load() {
				x.byName = b.index()
				x.byNameSet.Store(true)
			}
			mu.Unlock()
		}
		return x.byName[name]
	}
	// the http{} around a fragment adds its siblings' entries name by name
	mu := b.lock()
	mu.Lock()
	defer mu.Unlock()
	if x.byName == nil {
		x.byName = b.index()
		x.envDone = map[string]bool{}
	}
	if !x.envDone[name] {
		// the siblings' entries come first, as nginx reads them first
		x.envDone[name] = true
		if lent := x.env.own(name, x.envSkip); len(lent) > 0 {
			x.byName[name] = append(lent, x.byName[name]...)
		}
	}
	return x.byName[name]
}

// index returns the block's Directives by name, each name's entries a
// part of one slice of exactly their number.
func (b *Block) index() map[string][]Entry {
	count := map[string]int{}
	for _, e := range b.Directives {
		count[e.D.Name]++
	}
	m := make(map[string][]Entry, len(count))
	all := make([]Entry, 0, len(b.Directives))
	for name, n := range count {
		m[name] = all[len(all) : len(all) : len(all)+n]
		all = all[:len(all)+n]
	}
	for _, e := range b.Directives {
		m[e.D.Name] = append(m[e.D.Name], e)
	}
	return m
}

// namesValid marks Block.names as set by fill; nameBit uses the other 63
// bits.
const namesValid = 1 << 63

// nameBit is the bit of a directive name in Block.names: a hash of its
// length and its first and last bytes, cheap enough to compute on every
// Own.
func nameBit(name string) uint64 {
	if name == "" {
		return 1
	}
	h := uint(len(name))*31 + uint(name[0])*7 + uint(name[len(name)-1])
	return 1 << (h % 63)
}

// scan is Own by reading the directives: a run of them (the usual case)
// is returned as a part of Directives, without allocating.
func (b *Block) scan(name string) []Entry {
	if b.names&namesValid != 0 && b.names&nameBit(name) == 0 {
		return nil
	}
	from, to := -1, -1
	var out []Entry
	for i, e := range b.Directives {
		if e.D.Name != name {
			continue
		}
		switch {
		case out != nil:
			out = append(out, e)
		case from < 0:
			from, to = i, i+1
		case to == i:
			to++
		default:
			out = append(append(make([]Entry, 0, to-from+2), b.Directives[from:to]...), e)
		}
	}
	if out != nil {
		return out
	}
	if from < 0 {
		return nil
	}
	return b.Directives[from:to:to]
}

// First returns the first entry with the given name at this level.
func (b *Block) First(name string) (Entry, bool) {
	if b.env() != nil {
		if es := b.Own(name); len(es) > 0 {
			return es[0], true
		}
		return Entry{}, false
	}
	if b.names&namesValid != 0 && b.names&nameBit(name) == 0 {
		return Entry{}, false
	}
	for _, e := range b.Directives {
		if e.D.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}

// Lookup returns the entries of a directive in effect at this level, and
// the level they are written at. nginx inherits a directive from the
// enclosing level only when the current level has none of it; for array
// directives such as proxy_set_header, add_header or proxy_hide_header this
// is all-or-nothing: one occurrence at a level replaces every inherited one.
// It returns nil, nil when no level sets it (the default applies).
func (b *Block) Lookup(name string) ([]Entry, *Block) {
	for l := b; l != nil; l = l.Parent {
		if own := l.Own(name); len(own) > 0 {
			return own, l
		}
	}
	return nil, nil
}

// Scalar returns the effective single-valued directive (the last one at the
// nearest level that sets it) and whether any level sets it.
func (b *Block) Scalar(name string) (Entry, bool) {
	es, _ := b.Lookup(name)
	if len(es) == 0 {
		return Entry{}, false
	}
	return es[len(es)-1], true
}

// Server returns the server level enclosing b (or b itself).
func (b *Block) Server() *Block {
	for l := b; l != nil; l = l.Parent {
		if l.Kind == Server {
			return l
		}
	}
	return nil
}

// EnclosingLocation returns the nearest location level at or above b.
func (b *Block) EnclosingLocation() *Block {
	for l := b; l != nil; l = l.Parent {
		if l.Kind == Location {
			return l
		}
	}
	return nil
}

// Config returns the model the block belongs to.
func (b *Block) Config() *Config {
	for b.Parent != nil {
		b = b.Parent
	}
	if x := b.x.Load(); x != nil {
		return x.cfg
	}
	return nil
}

// IsLocationLike reports whether the block is a location, an if inside a
// location or server, or a limit_except: a level a request is served from.
func (b *Block) IsLocationLike() bool {
	return b.Kind == Location || b.Kind == If || b.Kind == LimitExcept
}

// Handlers are the directives that make a location hand requests to an upstream.
var Handlers = []string{"proxy_pass", "uwsgi_pass", "scgi_pass", "fastcgi_pass", "grpc_pass", "memcached_pass"}

// handlerBits are the nameBits of Handlers.
var handlerBits = func() uint64 {
	var bits uint64
	for _, h := range Handlers {
		bits |= nameBit(h)
	}
	return bits
}()

// Handler returns the content handler directive serving requests at this
// level. A location has its own or none; an if block or limit_except
// without one uses the enclosing location's (nginx merges the upstream into
// them).
func (b *Block) Handler() (Entry, bool) {
	for l := b; l != nil; l = l.Parent {
		if l.names&namesValid != 0 && l.names&handlerBits == 0 {
			if l.Kind != If && l.Kind != LimitExcept {
				break
			}
			continue
		}
		for _, e := range l.Directives {
			for _, h := range Handlers {
				if e.D.Name == h {
					return e, true
				}
			}
		}
		if l.Kind != If && l.Kind != LimitExcept {
			break
		}
	}
	return Entry{}, false
}

// Name describes the level for messages: `location /ws/`, `server`, `http`.
func (b *Block) Name() string {
	switch {
	case b.Kind == Location && b.Synthetic:
		return "the snippet"
	case b.Kind == Location:
		return "location " + b.Loc.String()
	case b.Kind == If:
		args := make([]string, 0, len(b.Dir.Args))
		for _, a := range b.Dir.Args {
			args = append(args, b.Dir.File.Raw(a))
		}
		return "if " + strings.Join(args, " ")
	case b.Synthetic:
		return b.Kind.String() + " (around the fragment)"
	case b.Dir != nil:
		return b.Dir.Name
	}
	return b.Kind.String()
}
