package model

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
)

// Own answers the same whether a level scans its directives (a few) or
// indexes them by name (many), in the order they are written.
func TestOwnScanAndIndexAgree(t *testing.T) {
	names := []string{"a", "b", "a", "c", "c", "d", "a", "e", "e", "e"}
	for _, pad := range []int{0, ownIndexFrom} {
		b := &Block{}
		for i, n := range names {
			b.Directives = append(b.Directives, Entry{D: &parser.Directive{Name: n, End: int32(i)}})
		}
		for i := 0; i < pad; i++ {
			b.Directives = append(b.Directives, Entry{D: &parser.Directive{Name: "pad"}})
		}
		for _, n := range []string{"a", "b", "c", "e", "x"} {
			var want, got []int
			for i, m := range names {
				if m == n {
					want = append(want, i)
				}
			}
			for _, e := range b.Own(n) {
				got = append(got, int(e.D.End))
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%d directives: Own(%q) = %v, want %v", len(b.Directives), n, got, want)
			}
		}
		// a caller appending to the result does not change the level
		_ = append(b.Own("c"), Entry{D: &parser.Directive{Name: "zz"}})
		if b.Directives[5].D.Name != "d" {
			t.Errorf("%d directives: appending to Own's result overwrote the level", len(b.Directives))
		}
	}
}

// Own on the levels Build fills (which skip reading a level for a name
// none of its directives can have, Block.names) answers as reading every
// directive does, on every fixture configuration and every name any of
// them uses.
func TestOwnNamesAgreeWithDirectives(t *testing.T) {
	paths, err := filepath.Glob("../../fixtures/*/*.conf")
	if err != nil || len(paths) < 10 {
		t.Fatalf("fixtures: %d, %v", len(paths), err)
	}
	var cfgs []*Config
	names := map[string]bool{"": true, "x": true, "proxy_set_headers": true}
	for _, path := range paths {
		units, err := parser.Load([]string{path}, parser.Options{})
		if err != nil {
			continue
		}
		for _, u := range units {
			c := Build(u, Options{})
			cfgs = append(cfgs, c)
			c.Walk(func(_ *Block, e Entry) { names[e.D.Name] = true })
		}
	}
	checked := 0
	for _, c := range cfgs {
		var visit func(b *Block)
		visit = func(b *Block) {
			for n := range names {
				var want []Entry
				for _, e := range b.Directives {
					if e.D.Name == n {
						want = append(want, e)
					}
				}
				if got := b.Own(n); !slices.Equal(got, want) {
					t.Errorf("%s: %s: Own(%q) = %d entries, want %d", c.Unit.Root.Path, b.Name(), n, len(got), len(want))
				}
				if e, ok := b.First(n); ok != (len(want) > 0) || ok && e != want[0] {
					t.Errorf("%s: %s: First(%q) = %v, %v; want %d entries", c.Unit.Root.Path, b.Name(), n, e, ok, len(want))
				}
				checked++
			}
			if got, want := b.Handler(); got != handlerByReading(b) || want != (got != Entry{}) {
				t.Errorf("%s: %s: Handler() = %v, want %v", c.Unit.Root.Path, b.Name(), got, handlerByReading(b))
			}
			for _, ch := range b.Children {
				visit(ch)
			}
		}
		visit(c.Main)
	}
	if checked < 10000 {
		t.Errorf("only %d questions asked", checked)
	}
}

// handlerByReading is Handler reading every directive.
func handlerByReading(b *Block) Entry {
	for l := b; l != nil; l = l.Parent {
		for _, e := range l.Directives {
			if slices.Contains(Handlers, e.D.Name) {
				return e
			}
		}
		if l.Kind != If && l.Kind != LimitExcept {
			break
		}
	}
	return Entry{}
}
