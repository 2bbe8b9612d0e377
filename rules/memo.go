package rules

import (
	"maps"
	"sync"
	"sync/atomic"
)

// memo holds the values a family computes once per unit and shares between
// its rules (an index of locations, the evidence of WebSocket intent).
// One memo belongs to one family in one unit's lint; nothing is shared
// between units or families, and the engine releases it once the family's
// last rule has ended.
//
// The rules of a unit run at once and ask for the same few keys for every
// location they check, so a lookup takes no lock: entries is a map that is
// never changed once stored, replaced by a copy with one more key (under
// mu) the first time a key is asked.
type memo struct {
	mu      sync.Mutex
	entries atomic.Pointer[map[any]*memoEntry]
}

type memoEntry struct {
	once sync.Once
	v    any
}

// entry returns the entry of key, adding it the first time.
func (m *memo) entry(key any) *memoEntry {
	if cur := m.entries.Load(); cur != nil {
		if e := (*cur)[key]; e != nil {
			return e
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	cur := m.entries.Load()
	n := 0
	if cur != nil {
		if e := (*cur)[key]; e != nil {
			return e
		}
		n = len(*cur)
	}
	next := make(map[any]*memoEntry, n+1)
	if cur != nil {
		maps.Copy(next, *cur)
	}
	e := &memoEntry{}
	next[key] = e
	m.entries.Store(&next)
	return e
}

// release drops every entry, so that the values are garbage once the
// rules that read them have ended. A later lookup (none is expected)
// builds its value again.
func (m *memo) release() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries.Store(nil)
}

// Memo returns the value build makes for key in the unit p checks. build
// runs once per unit and key, the first time a rule asks; every later call
// for the same unit, from any rule of the family, returns that value (the
// engine drops the value once the family's rules have ended). key is a value of
// a type the family owns (an unexported struct{} type), so families cannot
// collide. Memo is safe for concurrent use; build may call Memo for another
// key.
func Memo[T any](p *Pass, key any, build func() T) T {
	m := p.memo
	if m == nil { // a Pass built outside the engine
		m = &memo{}
		p.memo = m
	}
	e := m.entry(key)
	e.once.Do(func() { e.v = build() })
	return e.v.(T)
}
