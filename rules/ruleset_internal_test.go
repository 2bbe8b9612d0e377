package rules

import (
	"testing"

	"github.com/ngxlint/ngxlint/parser"
)

type fakeCheck struct{ id string }

func (r *fakeCheck) Meta() *Meta { return &Meta{ID: r.id} }
func (*fakeCheck) Check(*Pass)   {}

type fakeProblem struct{ fakeCheck }

func (*fakeProblem) Problem() parser.ProblemKind { return parser.ProblemBOM }

type fakeValueProblem struct{}

func (fakeValueProblem) Meta() *Meta                 { return &Meta{ID: "V"} }
func (fakeValueProblem) Check(*Pass)                 {}
func (fakeValueProblem) Problem() parser.ProblemKind { return parser.ProblemSyntax }

// newRuleSet tells problem rules from checking ones by their type (without
// asserting each rule to ProblemRule): the same split an assertion makes,
// for rules of pointer and of value types.
func TestNewRuleSetProblemRules(t *testing.T) {
	check, problem, value := &fakeCheck{id: "C"}, &fakeProblem{fakeCheck{id: "P"}}, fakeValueProblem{}
	all := []Rule{check, problem, value}
	rs := newRuleSet(all)
	for _, r := range all {
		_, isProblem := r.(ProblemRule)
		inProblems := false
		for _, p := range rs.problems {
			inProblems = inProblems || p == r
		}
		inChecks := false
		for _, c := range rs.checks {
			inChecks = inChecks || c == r
		}
		if inProblems != isProblem || inChecks == isProblem {
			t.Errorf("%s: problem rule %v, in problems %v, in checks %v", r.Meta().ID, isProblem, inProblems, inChecks)
		}
	}
	if rs.problems[parser.ProblemBOM] != problem || rs.problems[parser.ProblemSyntax] != value || len(rs.checks) != 1 {
		t.Errorf("problems %v, checks %v", rs.problems, rs.checks)
	}
}
