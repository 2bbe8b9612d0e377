package parser

import "sync"

// fileMemo holds the values other packages derive from a file (File.Memo).
type fileMemo struct {
	mu   sync.Mutex
	vals map[any]*memoEntry
}

type memoEntry struct {
	once sync.Once
	val  any
}

// Memo returns the value build makes for the file under key. build runs
// on the first call for a key only; a concurrent call waits for it, and a
// later one returns the same value, which lives as long as the file. A
// package that derives something from a file keeps it here rather than in
// a map of its own that would keep every file alive (parser/gonginxtree
// keeps gonginx's tree of the file). key should be a type the caller's
// package owns, so packages do not share values by accident.
func (f *File) Memo(key any, build func() any) any {
	f.memo.mu.Lock()
	if f.memo.vals == nil {
		f.memo.vals = map[any]*memoEntry{}
	}
	e := f.memo.vals[key]
	if e == nil {
		e = &memoEntry{}
		f.memo.vals[key] = e
	}
	f.memo.mu.Unlock()
	e.once.Do(func() { e.val = build() })
	return e.val
}
