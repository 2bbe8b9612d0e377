package websocket

// What the family's rules share, computed once per unit through
// rules.Memo: many rules ask the same questions of the same locations
// (which locations proxy, which headers are in effect there, what a
// Connection value yields, every directive in order), and answering them
// again per rule made the cost grow with the number of rules times the
// size of the configuration. The values are read, never changed; the
// rules of a unit run at once, so the tables filled on demand take a lock.

import (
	"sync"
	"sync/atomic"

	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

type (
	proxyLocationsKey struct{}
	headersKey        struct{}
	connStatusKey     struct{}
	connMapFixKey     struct{}
)

// proxyLocationsOf is proxyLocations of the unit, computed once, each
// with a cache for what every rule asks of it (intent, headers).
func proxyLocationsOf(p *rules.Pass) []proxyLocation {
	return rules.Memo(p, proxyLocationsKey{}, func() []proxyLocation {
		pls := proxyLocations(p.Cfg)
		caches := make([]plCache, len(pls))
		for i := range pls {
			pls[i].cache = &caches[i]
		}
		return pls
	})
}

// plCache holds the intent and the headers of one proxied location once a
// rule has asked for them: the rules iterate the same list, and every one
// of them asks, so the answers are kept with the location instead of
// being looked up in the unit's tables each time. They point to the
// values those tables hold (no copy).
type plCache struct {
	in atomic.Pointer[intent]
	hs atomic.Pointer[headerSet]
}

// intent is webSocket(p, pl.Block).
func (pl proxyLocation) intent(p *rules.Pass) intent {
	if pl.cache == nil {
		return webSocket(p, pl.Block)
	}
	return *once(&pl.cache.in, func() *intent { return webSocketOf(p, pl.Block) })
}

// headers is headersOf(p, pl.Block).
func (pl proxyLocation) headers(p *rules.Pass) headerSet {
	if pl.cache == nil {
		return headersOf(p, pl.Block)
	}
	return *once(&pl.cache.hs, func() *headerSet { return headerSetOf(p, pl.Block) })
}

// once returns the value in slot, storing what compute returns the first
// time (two rules racing compute the same value; either store wins).
func once[T any](slot *atomic.Pointer[T], compute func() *T) *T {
	if v := slot.Load(); v != nil {
		return v
	}
	v := compute()
	slot.Store(v)
	return v
}

// table is a map filled on demand, safe for concurrent use. A value is
// computed outside the lock (it may read other tables); when two rules
// compute the same key at once, both get the one stored first. Lookups
// share the lock: every rule asks of every location at once.
type table[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

func newTable[K comparable, V any]() *table[K, V] { return &table[K, V]{m: map[K]V{}} }

func (t *table[K, V]) get(k K, compute func() V) V {
	t.mu.RLock()
	v, ok := t.m[k]
	t.mu.RUnlock()
	if ok {
		return v
	}
	v = compute()
	t.mu.Lock()
	defer t.mu.Unlock()
	if old, ok := t.m[k]; ok {
		return old
	}
	t.m[k] = v
	return v
}

// headersOf is Headers(b), computed once per level whose proxy_set_header
// list is in effect: the locations inheriting a server's list share it.
func headersOf(p *rules.Pass, b *model.Block) headerSet { return *headerSetOf(p, b) }

// noHeaders is the headers of every location where no level sets
// proxy_set_header. It is never changed.
var noHeaders = &headerSet{}

// headerSetOf is headersOf, the unit's stored value: shared, never to be
// changed.
func headerSetOf(p *rules.Pass, b *model.Block) *headerSet {
	_, lvl := b.Lookup("proxy_set_header")
	if lvl == nil {
		return noHeaders
	}
	t := rules.Memo(p, headersKey{}, newTable[*model.Block, *headerSet])
	return t.get(lvl, func() *headerSet {
		hs := Headers(lvl)
		return &hs
	})
}

type connResult struct {
	st     connStatus
	yields string
}

// connectionStatusOf is connectionStatus of a value, computed once per
// value in the unit.
func connectionStatusOf(p *rules.Pass, value string) (connStatus, string) {
	t := rules.Memo(p, connStatusKey{}, newTable[string, connResult])
	r := t.get(value, func() connResult {
		st, yields := connectionStatus(p.Cfg, value)
		return connResult{st, yields}
	})
	return r.st, r.yields
}

// walk calls fn for every directive of the unit in the order of
// model.Config.Walk. (A flattened copy made once per unit was kept here:
// on a 50 MB file it held 25 MB until the end of the rules, for about the
// cost of the walk itself.)
func walk(p *rules.Pass, fn func(b *model.Block, e model.Entry)) {
	p.Cfg.Walk(fn)
}

type connMapFix struct {
	e      rules.Edit
	needed bool
	reason string
}

// connectionMapFixOf is connectionMapFix of the unit, computed once: every
// finding that needs the map offers the same edit.
func connectionMapFixOf(p *rules.Pass) (rules.Edit, bool, string) {
	r := rules.Memo(p, connMapFixKey{}, func() connMapFix {
		e, needed, reason := connectionMapFix(p.Cfg)
		return connMapFix{e, needed, reason}
	})
	return r.e, r.needed, r.reason
}
