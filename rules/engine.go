package rules

import (
	"fmt"
	"maps"
	"reflect"
	"runtime"
	"runtime/debug"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
)

// ProblemRule is a rule whose findings come from loading (a file that does
// not parse, an include that cannot be followed) rather than from Check.
type ProblemRule interface {
	Rule
	Problem() parser.ProblemKind
}

var problemRuleType = reflect.TypeFor[ProblemRule]()

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

// RunOptions control a lint run beyond what rules see.
type RunOptions struct {
	// Jobs is how many units are linted at once, or, for a single unit,
	// how many of its rules run at once; below 1 means GOMAXPROCS.
	Jobs int
	// NoInlineIgnores disables "# ngxlint ignore=..." comments (for audits):
	// nothing is suppressed, and NGX006/NGX007 report nothing.
	NoInlineIgnores bool
}

// lintUnit checks one unit and returns its findings, with severities from
// opts applied, limited to the files the unit reports, inline suppressions
// applied, sorted and without duplicates.
func lintUnit(u *parser.Unit, opts *Options) ([]*Finding, error) {
	return Lint([]*parser.Unit{u}, opts, RunOptions{})
}

// Lint checks units concurrently (at most run.Jobs at a time) and returns
// all their findings: severities applied, only the files each unit reports,
// duplicates across units removed, inline suppressions applied (and their
// own findings added), sorted by file, position and rule. The result does
// not depend on Jobs.
func Lint(units []*parser.Unit, opts *Options, run RunOptions) ([]*Finding, error) {
	jobs := run.Jobs
	if jobs < 1 {
		jobs = runtime.GOMAXPROCS(0)
	}
	all := newRuleSet(sortedRules()) // once per run, not per unit; read only
	results := make([][]*Finding, len(units))
	errs := make([]error, len(units))
	if len(units) == 1 {
		// one unit (a single large file is the common case): its rules
		// run on the workers instead
		results[0], errs[0] = lintOne(units[0], opts, all, jobs)
	} else if jobs == 1 {
		for i, u := range units {
			results[i], errs[i] = lintOne(u, opts, all, 1)
		}
	} else {
		sem := make(chan struct{}, jobs)
		var wg sync.WaitGroup
		for i, u := range units {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				results[i], errs[i] = lintOne(u, opts, all, 1)
			}()
		}
		wg.Wait()
	}
	var found []*Finding
	for i := range units {
		if errs[i] != nil {
			return nil, errs[i]
		}
		found = append(found, results[i]...)
	}
	if len(units) > 1 {
		found = dedupe(found) // each unit's own are (finish)
	}
	if !run.NoInlineIgnores {
		found = applySuppressions(units, found, opts)
	}
	SortFindings(found)
	return found, nil
}

// lintOne runs every rule on one unit, on at most workers goroutines;
// severities from opts are applied and findings outside the unit's
// reported files are dropped.
func lintOne(u *parser.Unit, opts *Options, all *ruleSet, workers int) ([]*Finding, error) {
	var out []*Finding
	problemRules := all.problems
	report, copied := u.Report, false
	for _, pb := range u.Problems {
		if pb.Via != nil && report != nil && report[pb.Via] && !report[pb.File] {
			// An included file that does not parse is never part of the
			// unit's tree, so it is not among the reported files; its error
			// is reported wherever the file including it is. The unit's own
			// set is copied once, never changed.
			if !copied {
				report, copied = maps.Clone(report), true
			}
			report[pb.File] = true
		}
		r := problemRules[pb.Kind]
		if r == nil {
			continue
		}
		sev := r.Meta().Severity
		if pb.Unproven {
			sev = min(sev, Info)
		}
		out = append(out, &Finding{Rule: r.Meta(), Severity: sev,
			Span: Span{File: pb.File, Start: pb.Start, End: pb.End}, Message: pb.Msg, Fix: problemFix(pb)})
	}
	cfg := model.Build(u, model.Options{Version: opts.Version})
	found, err := runRules(u, cfg, opts, all, workers)
	if err != nil {
		return nil, err
	}
	for _, fs := range found {
		out = append(out, fs...)
	}
	return finish(out, report, opts), nil
}

// ruleSet is the rules of a run, sorted out once per run: the rules that
// check a unit's model (Check), grouped by the package that defines them,
// and the problem rules by the kind of load problem they report.
type ruleSet struct {
	checks []Rule
	// group gives, for each of checks, the index of its package among the
	// packages of checks: a family's rules share their memo, which is
	// dropped once the last of them has ended.
	group  []int
	groups int
	// start is the order the checks start in (indexes into checks): one
	// family after another, the families of more rules first (see
	// runRules), each family's rules in the order of checks.
	start    []int
	problems map[parser.ProblemKind]Rule
}

func newRuleSet(all []Rule) *ruleSet {
	rs := &ruleSet{problems: map[parser.ProblemKind]Rule{}, checks: make([]Rule, 0, len(all)), group: make([]int, 0, len(all))}
	byPkg := map[string]int{}
	var size []int // rules per group
	for _, r := range all {
		t := reflect.TypeOf(r)
		if t.Implements(problemRuleType) {
			// asked of the type, not with r.(ProblemRule): an assertion
			// that fails still makes (and keeps) an itab for the rule's
			// type, a run's first touch of memory for each rule
			rs.problems[r.(ProblemRule).Problem()] = r
			continue
		}
		pkg := typePackage(t)
		g, ok := byPkg[pkg]
		if !ok {
			g = len(byPkg)
			byPkg[pkg] = g
			size = append(size, 0)
		}
		size[g]++
		rs.checks = append(rs.checks, r)
		rs.group = append(rs.group, g)
	}
	rs.groups = len(byPkg)
	rs.start = make([]int, len(rs.checks))
	for i := range rs.start {
		rs.start[i] = i
	}
	sort.SliceStable(rs.start, func(a, b int) bool {
		ga, gb := rs.group[rs.start[a]], rs.group[rs.start[b]]
		if size[ga] != size[gb] {
			return size[ga] > size[gb]
		}
		return ga < gb
	})
	return rs
}

// rulePackage is the import path of the package that defines a rule's
// type: the rule's family (FamilyOf), whose rules share a memo (runRules).
func rulePackage(r Rule) string { return typePackage(reflect.TypeOf(r)) }

// typePackage is rulePackage of a rule of type t.
func typePackage(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.PkgPath()
}

// runRules runs the checks of rs on one unit's model, on at most workers
// goroutines, and returns each rule's findings in the order of rs.checks:
// the same findings, in the same order, whatever the number of workers
// and the order the rules run in. What the rules share (the model, Memo
// values, the files) is safe for concurrent reads. On error it returns the
// error of the first rule (in the order of rs.checks) that failed.
//
// Each package's rules (a family) have a memo of their own, dropped as soon
// as the last of them has ended, and the rules start one family after
// another (rs.start): a family's shared values (an index of every level,
// the intent of every location) are not kept while the next families run.
// The families of more rules, which share more (the websocket family's
// intents and headers), start first, while the findings kept are still
// few: the peak of the live heap is then the findings of every rule, once
// the rules have ended, rather than those plus a family's shared values.
// A memo key is a type its family owns, so no value is shared between
// families; a family that asked for another's key would build its own
// copy, the same value.
func runRules(u *parser.Unit, cfg *model.Config, opts *Options, rs *ruleSet, workers int) ([][]*Finding, error) {
	checks := rs.checks
	found := make([][]*Finding, len(checks))
	errs := make([]error, len(checks))
	memos := make([]memo, rs.groups)
	left := make([]atomic.Int32, rs.groups) // the rules of each group not yet ended
	for _, g := range rs.group {
		left[g].Add(1)
	}
	passes := make([]Pass, len(checks)) // one allocation, not one per rule
	run := func(i int) {
		g := rs.group[i]
		p := &passes[i]
		*p = Pass{Cfg: cfg, Opts: opts, rule: checks[i], out: &found[i], memo: &memos[g]}
		errs[i] = runRule(checks[i], p, u)
		if left[g].Add(-1) == 0 {
			memos[g].release()
		}
		if afterRule != nil {
			afterRule(checks[i])
		}
	}
	workers = min(workers, len(checks))
	if workers <= 1 {
		for _, i := range rs.start {
			run(i)
		}
	} else {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					k := int(next.Add(1) - 1)
					if k >= len(checks) {
						return
					}
					run(rs.start[k])
				}
			}()
		}
		wg.Wait()
	}
	if afterRules != nil {
		afterRules()
		runtime.KeepAlive(cfg)
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return found, nil
}

// afterRules, when set (by a test), runs once a unit's rules have all
// ended, while the model is still live (the families' memos are dropped
// by then): TestWriteHeapProfile takes the heap's profile there.
// afterRule, when set, runs each time a rule has ended (after its
// family's memo is dropped, if it was the family's last): the test
// samples the live heap there to find its peak during the rules.
var (
	afterRules func()
	afterRule  func(Rule)
)

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

// finish applies severity overrides, keeps findings in reported files,
// removes duplicates and sorts by file, line, column and rule.
func finish(in []*Finding, report map[*parser.File]bool, opts *Options) []*Finding {
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
		out = append(out, f)
	}
	SortFindings(out)
	return dedupeSorted(out)
}

// dedupeSorted is dedupe of findings sorted by SortFindings: the same
// findings in the same order (a stable sort keeps the first of equal
// findings first), found by comparing each with the earlier ones of its
// run of equal file, start and rule instead of hashing every finding.
func dedupeSorted(in []*Finding) []*Finding {
	out := in[:0:0]
	run := 0 // the index in out where the run of the current finding starts
	var seen map[dupKey]bool
	for _, f := range in {
		if len(out) > 0 {
			if g := out[run]; g.Span.Start != f.Span.Start || g.Rule.ID != f.Rule.ID || g.Span.File.Path != f.Span.File.Path {
				run, seen = len(out), nil
			}
		}
		if dup(out[run:], f, &seen) {
			continue
		}
		out = append(out, f)
	}
	return out
}

// dupKey is what tells two findings of one run apart.
type dupKey struct {
	end int
	msg string
}

// dup reports whether f repeats a finding of its run kept so far; a long
// run (one rule reporting many things at one place) is indexed in seen.
func dup(run []*Finding, f *Finding, seen *map[dupKey]bool) bool {
	const scan = 8
	if len(run) <= scan {
		for _, g := range run {
			if g.Span.End == f.Span.End && g.Message == f.Message {
				return true
			}
		}
		return false
	}
	if *seen == nil {
		*seen = make(map[dupKey]bool, 2*len(run))
		for _, g := range run {
			(*seen)[dupKey{g.Span.End, g.Message}] = true
		}
	}
	k := dupKey{f.Span.End, f.Message}
	if (*seen)[k] {
		return true
	}
	(*seen)[k] = true
	return false
}

// dedupe drops findings that repeat an earlier one: same file, span, rule
// and message (a file linted in two units, a rule reaching one directive
// twice).
func dedupe(in []*Finding) []*Finding {
	// by place and rule first, so that the message (often hundreds of
	// bytes) is hashed only for the rare span with two messages of a rule
	type key struct {
		path       string
		start, end int
		rule       string
	}
	type withMsg struct {
		key
		msg string
	}
	first := make(map[key]int, len(in)) // the index in out of the first finding
	var more map[withMsg]bool
	out := in[:0:0]
	for _, f := range in {
		k := key{f.Span.File.Path, f.Span.Start, f.Span.End, f.Rule.ID}
		i, ok := first[k]
		if !ok {
			first[k] = len(out)
			out = append(out, f)
			continue
		}
		if out[i].Message == f.Message {
			continue
		}
		km := withMsg{k, f.Message}
		if more == nil {
			more = map[withMsg]bool{}
		}
		if more[km] {
			continue
		}
		more[km] = true
		out = append(out, f)
	}
	return out
}

// SortFindings orders findings by file, line, column, then rule id. Sorted
// findings (sorted per unit, then again for the run) are only checked.
func SortFindings(fs []*Finding) {
	less := func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Span.File.Path != b.Span.File.Path {
			return a.Span.File.Path < b.Span.File.Path
		}
		if a.Span.Start != b.Span.Start {
			return a.Span.Start < b.Span.Start
		}
		return a.Rule.ID < b.Rule.ID
	}
	if !sort.SliceIsSorted(fs, less) {
		sort.SliceStable(fs, less)
	}
}
