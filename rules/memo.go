package rules

import "sync"

// memo holds the values families compute once per unit and share between
// their rules (an index of locations, the evidence of WebSocket intent).
// One memo belongs to one unit's lint; nothing is shared between units.
type memo struct {
	mu      sync.Mutex
	entries map[any]*memoEntry
}

type memoEntry struct {
	once sync.Once
	v    any
}

// Memo returns the value build makes for key in the unit p checks. build
// runs once per unit and key, the first time a rule asks; every later call
// for the same unit, from any rule, returns that value. key is a value of
// a type the family owns (an unexported struct{} type), so families cannot
// collide. Memo is safe for concurrent use; build may call Memo for another
// key.
func Memo[T any](p *Pass, key any, build func() T) T {
	m := p.memo
	if m == nil { // a Pass built outside the engine
		m = &memo{}
		p.memo = m
	}
	m.mu.Lock()
	if m.entries == nil {
		m.entries = map[any]*memoEntry{}
	}
	e := m.entries[key]
	if e == nil {
		e = &memoEntry{}
		m.entries[key] = e
	}
	m.mu.Unlock()
	e.once.Do(func() { e.v = build() })
	return e.v.(T)
}
