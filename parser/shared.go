package parser

import "sync"

// Shared holds what consumers derive once from something several units
// share, such as the Env list of a directory's fragments (the model of the
// siblings' definitions): the loader gives every unit of that directory
// the same Shared. It is safe for concurrent use; what it holds must not
// be changed once built.
type Shared struct {
	mu sync.Mutex
	m  map[any]*sharedEntry
}

type sharedEntry struct {
	once sync.Once
	v    any
}

// Get returns the value build makes for key, building it on the first
// call only. A nil Shared builds every time (a unit made outside the
// loader).
func (s *Shared) Get(key any, build func() any) any {
	if s == nil {
		return build()
	}
	s.mu.Lock()
	if s.m == nil {
		s.m = map[any]*sharedEntry{}
	}
	e := s.m[key]
	if e == nil {
		e = &sharedEntry{}
		s.m[key] = e
	}
	s.mu.Unlock()
	e.once.Do(func() { e.v = build() })
	return e.v
}
