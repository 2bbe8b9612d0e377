package spec

// nameIndex finds the entries of a name in one of the generated tables,
// which hold a name's entries next to each other (they are sorted by
// name). It is an open-addressing hash table of where each name's run
// starts: one []uint16 four times the table's length in bytes, where a Go
// map of the runs is a table of strings and slices, about 60 bytes a name,
// every byte of which is written when it is made. Building it hashes each
// name once; a lookup hashes the name and compares it with one entry or
// a few. A name whose entries are not all next to each other (never in
// the generated tables; TestIndexesAsMaps checks) keeps the entries of
// every run, in order, in split.
type nameIndex[T any] struct {
	xs    []T
	key   func(*T) string
	slots []uint16 // 1 + where a name's run starts; 0: free
	split map[string][]T
}

func newNameIndex[T any](xs []T, key func(*T) string) *nameIndex[T] {
	n := 16
	for n < 2*len(xs) {
		n *= 2
	}
	if len(xs) >= 1<<16-1 {
		panic("spec: table too long for a nameIndex")
	}
	ix := &nameIndex[T]{xs: xs, key: key, slots: make([]uint16, n)}
	ix.fill()
	return ix
}

// fill writes the slots of every name.
func (ix *nameIndex[T]) fill() {
	xs, key := ix.xs, ix.key
	for i := 0; i < len(xs); {
		k := key(&xs[i])
		j := i + 1
		for j < len(xs) && key(&xs[j]) == k {
			j++
		}
		if prev := ix.get(k); prev != nil {
			if ix.split == nil {
				ix.split = map[string][]T{}
			}
			if _, ok := ix.split[k]; !ok {
				ix.split[k] = prev[:len(prev):len(prev)]
			}
			ix.split[k] = append(ix.split[k][:len(ix.split[k]):len(ix.split[k])], xs[i:j]...)
		} else {
			mask := uint32(len(ix.slots) - 1)
			s := nameHash(k) & mask
			for ix.slots[s] != 0 {
				s = (s + 1) & mask
			}
			ix.slots[s] = uint16(i + 1)
		}
		i = j
	}
}

// get returns the entries of name, nil when there are none; the result's
// capacity is cut, so appending to it copies.
func (ix *nameIndex[T]) get(name string) []T {
	if ix.split != nil {
		if xs, ok := ix.split[name]; ok {
			return xs
		}
	}
	mask := uint32(len(ix.slots) - 1)
	for s := nameHash(name) & mask; ix.slots[s] != 0; s = (s + 1) & mask {
		i := int(ix.slots[s] - 1)
		if ix.key(&ix.xs[i]) != name {
			continue
		}
		j := i + 1
		for j < len(ix.xs) && ix.key(&ix.xs[j]) == name {
			j++
		}
		return ix.xs[i:j:j]
	}
	return nil
}

// names calls f with each name once, in the order of the table.
func (ix *nameIndex[T]) names(f func(string)) {
	seen := map[string]bool{}
	for i := range ix.xs {
		k := ix.key(&ix.xs[i])
		if (i == 0 || ix.key(&ix.xs[i-1]) != k) && !seen[k] {
			if ix.split != nil {
				seen[k] = true
			}
			f(k)
		}
	}
}

// nameHash is 32-bit FNV-1a.
func nameHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
