package model

import (
	"fmt"
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
			b.Directives = append(b.Directives, Entry{D: &parser.Directive{Name: n, End: i}})
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
				got = append(got, e.D.End)
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
