package rules

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
)

// dedupe keeps the first of each finding (file, span, rule, message) in
// order, two messages of a rule on one span included.
func TestDedupe(t *testing.T) {
	f := &parser.File{Path: "a.conf"}
	g := &parser.File{Path: "b.conf"}
	r1, r2 := &Meta{ID: "WS001"}, &Meta{ID: "WS002"}
	mk := func(file *parser.File, start int, r *Meta, msg string) *Finding {
		return &Finding{Rule: r, Span: Span{File: file, Start: start, End: start + 1}, Message: msg}
	}
	in := []*Finding{
		mk(f, 0, r1, "x"), mk(f, 0, r1, "x"), mk(f, 0, r1, "y"), mk(f, 0, r1, "y"), mk(f, 0, r1, "z"),
		mk(f, 0, r2, "x"), mk(f, 1, r1, "x"), mk(g, 0, r1, "x"), mk(f, 0, r1, "x"), mk(f, 0, r1, "z"),
	}
	out := dedupe(in)
	want := []int{0, 2, 4, 5, 6, 7}
	if len(out) != len(want) {
		t.Fatalf("%d findings, want %d", len(out), len(want))
	}
	for i, j := range want {
		if out[i] != in[j] {
			t.Errorf("finding %d is not input %d", i, j)
		}
	}
}

// dedupeSorted of sorted findings keeps what sorting dedupe's result
// keeps, in the same order: random findings with many equal places, runs
// short and long (past the scan that indexes a run), two files that share
// a path.
func TestDedupeSortedAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 10))
	files := []*parser.File{{Path: "a.conf"}, {Path: "b.conf"}, {Path: "a.conf"}}
	metas := []*Meta{{ID: "WS001"}, {ID: "WS002"}, {ID: "NGX003"}}
	msgs := []string{"x", "y", "z", "w"}
	for round := range 300 {
		n := 1 + rng.IntN(60)
		places := 1 + rng.IntN(6)
		if round%10 == 0 {
			n, places = 200, 1 // long runs
		}
		var in []*Finding
		for range n {
			start := rng.IntN(places)
			in = append(in, &Finding{Rule: metas[rng.IntN(len(metas))],
				Span:    Span{File: files[rng.IntN(len(files))], Start: start, End: start + rng.IntN(3)},
				Message: msgs[rng.IntN(len(msgs))] + strings.Repeat("!", rng.IntN(2)*rng.IntN(5))})
		}
		want := dedupe(slices.Clone(in))
		SortFindings(want)
		got := slices.Clone(in)
		SortFindings(got)
		got = dedupeSorted(got)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: %d findings kept, want %d (or another order)", round, len(got), len(want))
		}
	}
}
