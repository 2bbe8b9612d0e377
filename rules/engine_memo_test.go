package rules

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
)

// memoRule is a rule of the memo tests: check runs as its Check.
type memoRule struct {
	meta  *Meta
	check func(p *Pass)
}

func (r *memoRule) Meta() *Meta   { return r.meta }
func (r *memoRule) Check(p *Pass) { r.check(p) }

type memoTestKey struct{}

// TestMemoPerFamily: a family's rules share one memo, another family
// builds its own value for the same key, and a family's memo is empty
// once its last rule has ended, before the next family starts.
func TestMemoPerFamily(t *testing.T) {
	u, cfg := memoTestUnit(t)
	mk := func(id string, check func(p *Pass)) Rule {
		return &memoRule{meta: &Meta{ID: id, Severity: Warning}, check: check}
	}
	var mu sync.Mutex
	builds := 0
	memos := map[string]*memo{}
	ask := func(id string) func(p *Pass) {
		return func(p *Pass) {
			Memo(p, memoTestKey{}, func() int {
				mu.Lock()
				defer mu.Unlock()
				builds++
				return builds
			})
			mu.Lock()
			defer mu.Unlock()
			memos[id] = p.memo
		}
	}
	for _, workers := range []int{1, 2} {
		builds = 0
		clear(memos)
		var seen []string
		aEnded := false
		rs := &ruleSet{
			checks: []Rule{
				mk("A1", ask("A1")),
				mk("B1", func(p *Pass) {
					if workers == 1 {
						seen = append(seen, "B1")
						// family A has ended: its memo holds nothing
						aEnded = memos["A1"] != nil && memos["A1"].entries.Load() == nil
					}
					ask("B1")(p)
				}),
				mk("A2", ask("A2")),
			},
			group:  []int{0, 1, 0},
			groups: 2,
			start:  []int{0, 2, 1},
		}
		if _, err := runRules(u, cfg, &Options{}, rs, workers); err != nil {
			t.Fatal(err)
		}
		if memos["A1"] != memos["A2"] || memos["A1"] == memos["B1"] {
			t.Errorf("workers %d: A1, A2 and B1 asked memos %p %p %p, want A's shared and B's apart", workers, memos["A1"], memos["A2"], memos["B1"])
		}
		if builds != 2 {
			t.Errorf("workers %d: the value was built %d times, want once per family (2)", workers, builds)
		}
		for id, m := range memos {
			if m.entries.Load() != nil {
				t.Errorf("workers %d: the memo %s asked holds values once the rules have ended", workers, id)
			}
		}
		if workers == 1 && (!aEnded || !slices.Equal(seen, []string{"B1"})) {
			t.Errorf("one worker: family A's memo was not empty when family B ran")
		}
	}
}

func memoTestUnit(t *testing.T) (*parser.Unit, *model.Config) {
	t.Helper()
	f, err := parser.Parse("t.conf", []byte("events {}\n"))
	if err != nil {
		t.Fatal(err)
	}
	u := &parser.Unit{Root: f, Context: parser.DetectContext(f), Report: map[*parser.File]bool{f: true}}
	return u, model.Build(u, model.Options{})
}

// TestRuleSetStartOrder: the rules start one family after another, the
// families of more rules first, each family's rules in id order; the
// findings stay in the order of the rules, and an error is the first
// failing rule's in that order, not in the order they started.
func TestRuleSetStartOrder(t *testing.T) {
	ids := []string{"A1", "B1", "B2", "C1"}
	var rules []Rule
	for _, id := range ids {
		rules = append(rules, &memoRule{meta: &Meta{ID: id, Severity: Warning}, check: func(p *Pass) {
			p.Report(Span{File: p.Cfg.Unit.Root}, "%s", id)
		}})
	}
	// B1 and B2 (the larger family) start first
	rs := &ruleSet{checks: rules, group: []int{0, 1, 1, 2}, groups: 3, start: []int{1, 2, 0, 3}}
	u, cfg := memoTestUnit(t)
	for _, workers := range []int{1, 2} {
		found, err := runRules(u, cfg, &Options{}, rs, workers)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, fs := range found {
			for _, x := range fs {
				got = append(got, x.Message)
			}
		}
		if !slices.Equal(got, ids) {
			t.Errorf("workers %d: findings %v, want the order of the rules %v", workers, got, ids)
		}
	}
	// A1 and C1 fail; B1 and B2 start first, A1 before C1: A1's error
	rs.checks[0] = &memoRule{meta: &Meta{ID: "A1"}, check: func(*Pass) { panic("A1 fails") }}
	rs.checks[3] = &memoRule{meta: &Meta{ID: "C1"}, check: func(*Pass) { panic("C1 fails") }}
	rs.start = []int{3, 1, 2, 0} // C1 starts first
	for _, workers := range []int{1, 2} {
		_, err := runRules(u, cfg, &Options{}, rs, workers)
		var ie *InternalError
		if !errors.As(err, &ie) || ie.Rule != "A1" {
			t.Errorf("workers %d: error %v, want A1's", workers, err)
		}
	}
}

// TestNewRuleSetGroupsByPackage: every rule of a package is in one group.
// (TestStartOrder checks the order of the real families.)
func TestNewRuleSetGroupsByPackage(t *testing.T) {
	rs := newRuleSet([]Rule{
		&memoRule{meta: &Meta{ID: "X1"}},
		&memoRule{meta: &Meta{ID: "X2"}},
	})
	if rs.groups != 1 || !slices.Equal(rs.group, []int{0, 0}) || !slices.Equal(rs.start, []int{0, 1}) {
		t.Errorf("two rules of one package: groups %d %v, start %v", rs.groups, rs.group, rs.start)
	}
	if pkg := rulePackage(&memoRule{}); !strings.HasSuffix(pkg, "/rules") {
		t.Errorf("rulePackage = %q, want the rules package", pkg)
	}
}
