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
type Kind int

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

// Block is one configuration level.
type Block struct {
	Kind       Kind
	Dir        *parser.Directive // the directive that opens the block; nil for main and synthetic levels
	Via        *parser.Directive // the include that brought the block's directive in, if any
	Parent     *Block
	Children   []*Block
	Directives []Entry
	// Synthetic levels wrap a fragment: the http{} around a conf.d file, the
	// server{} around a file of locations, the location around a snippet.
	Synthetic bool
	// byNameSet is set once byName holds every entry of Directives (the
	// siblings' entries of env are added per name, under the lock).
	byNameSet atomic.Bool
	// names has a bit set (nameBit) for the name of each of Directives
	// that fill added, and namesValid once fill has set them: scan answers
	// "none" for a name whose bit is clear without reading the directives
	// (most Lookups ask a level for a name it does not set).
	names  uint64
	Loc    *LocationSpec // for Location blocks
	cond   *IfCondition  // for If blocks: the condition, nil when nginx refuses it
	cfg    *Config
	byName map[string][]Entry // Directives by name, built on first use
	// env is set on the http{} around a fragment whose siblings lend it
	// their http-level directives: Own and First see them before the
	// block's Directives, except those of envSkip, the unit's root.
	env     *env
	envSkip *parser.File
	envDone map[string]bool          // the names whose lent entries byName holds
	locIdx  atomic.Pointer[locIndex] // the location lookup index, built on first use
}

// lazyMu guards what blocks without a model build on first use.
var lazyMu sync.Mutex

// lock guards what the block builds on first use: the rules of one unit
// run at once, and read the same blocks.
func (b *Block) lock() *sync.Mutex {
	if b.cfg == nil {
		return &lazyMu
	}
	return &b.cfg.mu
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
	byServer    map[*Block][]*Block // location-like blocks by server, built on first use
	byServerSet sync.Once
	hostSet     sync.Once
	env         *env                  // the siblings' definitions of a fragment (env.go)
	regexps     map[string]compiledRe // location regexes by expression (locmatch.go)
	rewriteRe   map[*parser.Directive]compiled
	hostIdx     *hostIndex // server selection by socket and name (servername.go)
}

// ServerLocations returns the location, if and limit_except blocks of a
// server (nested ones included), in document order.
func (c *Config) ServerLocations(srv *Block) []*Block {
	c.byServerSet.Do(func() {
		c.byServer = map[*Block][]*Block{}
		for _, l := range c.Locations {
			if s := l.Server(); s != nil {
				c.byServer[s] = append(c.byServer[s], l)
			}
		}
	})
	return c.byServer[srv]
}

// Options for Build.
type Options struct {
	Version spec.Version
}

// Build makes the model of a loaded unit.
func Build(u *parser.Unit, opt Options) *Config {
	c := &Config{Unit: u, Version: opt.Version, Upstreams: map[string]*Block{}, Maps: map[string]*Map{}, Defined: map[string]*parser.Directive{}}
	c.Main = &Block{Kind: Main, cfg: c}
	if u.Root == nil || u.Root.Top == nil && len(u.Problems) > 0 {
		return c
	}
	target := c.Main
	if u.Context != parser.CtxMain {
		http := &Block{Kind: HTTP, Parent: c.Main, Synthetic: true, cfg: c}
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
			http.env, http.envSkip = c.env, u.Root
			c.HasLoadModule = c.env.cfg.HasLoadModule
		}
		c.fillDefinitions(http, u.EnvHTTP)
		target = http
		if u.Context >= parser.CtxServer {
			srv := &Block{Kind: Server, Parent: http, Synthetic: true, cfg: c}
			http.Children = append(http.Children, srv)
			c.Servers = append(c.Servers, srv)
			target = srv
		}
		if u.Context == parser.CtxLocation {
			loc := &Block{Kind: Location, Parent: target, Synthetic: true, cfg: c, Loc: &LocationSpec{}}
			target.Children = append(target.Children, loc)
			c.Locations = append(c.Locations, loc)
			target = loc
		}
	}
	c.fill(target, u.Root.Top, nil)
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
		child := &Block{Kind: kindOf(b, d), Dir: d, Via: via, Parent: b, cfg: c}
		b.Children = append(b.Children, child)
		switch child.Kind {
		case Server:
			c.Servers = append(c.Servers, child)
		case Location:
			child.Loc = c.parseLocation(d)
			c.Locations = append(c.Locations, child)
		case If:
			if cond, ok := ParseIf(d); ok {
				child.cond = &cond
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
	if b.env == nil {
		if len(b.Directives) < ownIndexFrom {
			return b.scan(name)
		}
		if !b.byNameSet.Load() {
			mu := b.lock()
			mu.Lock()
			if !b.byNameSet.Load() {
				b.byName = b.index()
				b.byNameSet.Store(true)
			}
			mu.Unlock()
		}
		return b.byName[name]
	}
	// the http{} around a fragment adds its siblings' entries name by name
	mu := b.lock()
	mu.Lock()
	defer mu.Unlock()
	if b.byName == nil {
		b.byName = b.index()
		b.envDone = map[string]bool{}
	}
	if !b.envDone[name] {
		// the siblings' entries come first, as nginx reads them first
		b.envDone[name] = true
		if lent := b.env.own(name, b.envSkip); len(lent) > 0 {
			b.byName[name] = append(lent, b.byName[name]...)
		}
	}
	return b.byName[name]
}

// index returns the block's Directives by name.
func (b *Block) index() map[string][]Entry {
	m := make(map[string][]Entry, len(b.Directives))
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
	if b.env != nil {
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
func (b *Block) Config() *Config { return b.cfg }

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
