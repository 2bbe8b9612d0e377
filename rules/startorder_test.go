package rules_test

import (
	"sort"
	"testing"

	"github.com/ngxlint/ngxlint/rules"
)

// TestStartOrder: the rules of the registered families start one family
// after another, the families of more rules first (the websocket family,
// whose shared values are the largest, before the others), each
// family's rules in id order.
func TestStartOrder(t *testing.T) {
	size := map[string]int{}
	var checks int
	for _, r := range rules.All() {
		if _, ok := r.(rules.ProblemRule); ok {
			continue
		}
		f, _ := rules.FamilyOf(r)
		size[f.Name]++
		checks++
	}
	byID := map[string]rules.Rule{}
	for _, r := range rules.All() {
		byID[r.Meta().ID] = r
	}
	order := rules.StartOrder(rules.All())
	if len(order) != checks {
		t.Fatalf("%d rules start, want %d", len(order), checks)
	}
	var fams []string
	runs := map[string][]string{}
	for _, id := range order {
		f, _ := rules.FamilyOf(byID[id])
		if len(fams) == 0 || fams[len(fams)-1] != f.Name {
			if runs[f.Name] != nil {
				t.Fatalf("family %s starts in two runs: %v", f.Name, order)
			}
			fams = append(fams, f.Name)
		}
		runs[f.Name] = append(runs[f.Name], id)
	}
	for i, f := range fams {
		if i > 0 && size[f] > size[fams[i-1]] {
			t.Errorf("family %s (%d rules) starts after %s (%d)", f, size[f], fams[i-1], size[fams[i-1]])
		}
		if !sort.StringsAreSorted(runs[f]) {
			t.Errorf("family %s's rules start in the order %v, not by id", f, runs[f])
		}
	}
	if len(fams) == 0 || fams[0] != "websocket" {
		t.Errorf("families start in the order %v, want websocket first", fams)
	}
}
