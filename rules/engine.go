package rules

import (
	"fmt"
	"runtime/debug"
	"sort"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
)

// ProblemRule is a rule whose findings come from loading (a file that does
// not parse, an include that cannot be followed) rather than from Check.
type ProblemRule interface {
	Rule
	Problem() parser.ProblemKind
}

// InternalError is a bug in a rule, reported instead of a crash.
type InternalError struct {
	Rule  string
	File  string
	Panic any
	Stack string
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("internal error in rule %s while checking %s: %v (please report this with the configuration)", e.Rule, e.File, e.Panic)
}

// LintUnit checks one unit and returns its findings, with severities from
// opts applied, limited to the files the unit reports, sorted and without
// duplicates.
func LintUnit(u *parser.Unit, opts *Options) ([]*Finding, error) {
	var out []*Finding
	problemRules := map[parser.ProblemKind]Rule{}
	for _, r := range All() {
		if pr, ok := r.(ProblemRule); ok {
			problemRules[pr.Problem()] = r
		}
	}
	for _, pb := range u.Problems {
		r := problemRules[pb.Kind]
		if r == nil {
			continue
		}
		out = append(out, &Finding{Rule: r.Meta(), Severity: r.Meta().Severity,
			Span: Span{File: pb.File, Start: pb.Start, End: pb.End}, Message: pb.Msg, Fix: problemFix(pb)})
	}
	cfg := model.Build(u, model.Options{Version: opts.Version})
	ws := newIntents(cfg, opts)
	for _, r := range All() {
		if _, ok := r.(ProblemRule); ok {
			continue
		}
		p := &Pass{Cfg: cfg, Opts: opts, rule: r, out: &out, ws: ws}
		if err := runRule(r, p, u); err != nil {
			return nil, err
		}
	}
	return Finish(out, u.Report, opts), nil
}

func runRule(r Rule, p *Pass, u *parser.Unit) (err error) {
	defer func() {
		if x := recover(); x != nil {
			err = &InternalError{Rule: r.Meta().ID, File: u.Root.Path, Panic: x, Stack: string(debug.Stack())}
		}
	}()
	r.Check(p)
	return nil
}

// problemFix repairs the load problems that have an obvious repair.
func problemFix(pb parser.Problem) *Fix {
	if pb.Kind == parser.ProblemBOM {
		return &Fix{Message: "remove the byte-order mark", Edits: []Edit{{File: pb.File, Start: 0, End: 3}}}
	}
	return nil
}

// Finish applies severity overrides, keeps findings in reported files,
// removes duplicates and sorts by file, line, column and rule.
func Finish(in []*Finding, report map[*parser.File]bool, opts *Options) []*Finding {
	type key struct {
		path       string
		start, end int
		rule, msg  string
	}
	seen := map[key]bool{}
	var out []*Finding
	for _, f := range in {
		if report != nil && !report[f.Span.File] {
			continue
		}
		if sev, ok := opts.SeverityOf(f.Rule.ID, f.Span.File); ok {
			if sev == Off {
				continue
			}
			f.Severity = sev
		}
		k := key{f.Span.File.Path, f.Span.Start, f.Span.End, f.Rule.ID, f.Message}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, f)
	}
	SortFindings(out)
	return out
}

// SortFindings orders findings by file, line, column, then rule id.
func SortFindings(fs []*Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Span.File.Path != b.Span.File.Path {
			return a.Span.File.Path < b.Span.File.Path
		}
		if a.Span.Start != b.Span.Start {
			return a.Span.Start < b.Span.Start
		}
		return a.Rule.ID < b.Rule.ID
	})
}
