package rules

import (
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
