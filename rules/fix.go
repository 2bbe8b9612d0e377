package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
)

// The fixer. It takes the findings of a lint run, collects the fixes of
// those at or above the fail level, and applies their edits to the original
// bytes of each file: edits are grouped per file and sorted, exact
// duplicates (two findings adding the same map) are applied once, and a fix
// whose edits overlap a fix taken before it waits for the next round.
// Every byte outside an edit stays as it was.
//
// After each round the configuration is parsed again and linted again in
// the same natural context (the same root file, includes, environment
// files and options). A round that breaks parsing, that leaves a fixed
// finding in place, or a run that ends with findings the input did not
// have, is refused as a whole: nothing is written. Rounds repeat until no
// fix is left to apply, so running the fixer on its own output changes
// nothing.

// maxFixRounds bounds the rounds; fixes that have not settled by then are
// a bug and refused.
const maxFixRounds = 5

// FileFix is one file changed by the fixer.
type FileFix struct {
	File *parser.File // the file as it was read
	New  []byte       // its bytes after every fix
}

// Unfixed is a finding at or above the fail level that the fixer leaves,
// and why.
type Unfixed struct {
	Finding *Finding
	Reason  string
}

// FixResult is what the fixer did.
type FixResult struct {
	// Files are the changed files, by path.
	Files []FileFix
	// Fixed are the findings of the first lint that the fixes removed.
	Fixed []*Finding
	// Unfixed are the findings at or above the level that remain, with
	// the reason each has no automatic fix. Their positions are in the
	// fixed text.
	Unfixed []Unfixed
	// Units are the units after fixing; Orig maps each of their files to
	// the file as first read.
	Units []*parser.Unit
	Orig  map[*parser.File]*parser.File

	rounds map[*parser.File][][]Edit
}

// OutputOffset follows an offset of a file as first read to its fixed
// text (an offset inside replaced text goes to the replacement's start).
func (r *FixResult) OutputOffset(f *parser.File, off int) int {
	for _, es := range r.rounds[f] {
		off = fixMapOffset(es, off)
	}
	return off
}

// InputOffset follows an offset of a fixed file back to the file as first
// read (inside inserted text: where the insertion was made).
func (r *FixResult) InputOffset(fixed *parser.File, off int) int {
	of := r.Orig[fixed]
	if of == nil {
		return off
	}
	rs := r.rounds[of]
	for i := len(rs) - 1; i >= 0; i-- {
		off = fixUnmapOffset(rs[i], off)
	}
	return off
}

// Touched returns the ranges of a file as first read that the fixes
// replaced, deleted or inserted at (an insertion is an empty range).
func (r *FixResult) Touched(f *parser.File) [][2]int {
	var out [][2]int
	rs := r.rounds[f]
	for k, es := range rs {
		for _, e := range es {
			s, t := e.Start, e.End
			for i := k - 1; i >= 0; i-- {
				s, t = fixUnmapOffset(rs[i], s), fixUnmapOffset(rs[i], t)
			}
			out = append(out, [2]int{s, t})
		}
	}
	return out
}

// InputPos returns the file as first read and the position in it of a
// finding of the fixed configuration (inside inserted text: where the
// insertion was made).
func (r *FixResult) InputPos(f *Finding) (*parser.File, parser.Position) {
	of := r.Orig[f.Span.File]
	if of == nil {
		return f.Span.File, f.Pos()
	}
	off := f.Span.Start
	rs := r.rounds[of]
	for i := len(rs) - 1; i >= 0; i-- {
		off = fixUnmapOffset(rs[i], off)
	}
	return of, of.Position(off)
}

// Changed returns the new bytes of f (a file as first read), if the fixer
// changed it.
func (r *FixResult) Changed(f *parser.File) ([]byte, bool) {
	for _, ff := range r.Files {
		if ff.File == f {
			return ff.New, true
		}
	}
	return nil, false
}

// FixError is a fix that the fixer refuses to write: the result does not
// parse, a fix does not remove its finding, or fixing adds a finding. It
// is a bug in a rule's fix.
type FixError struct {
	Problems []string
}

func (e *FixError) Error() string {
	return "the automatic fixes were not applied, nothing was written: " + strings.Join(e.Problems, "; ") +
		" (this is a bug in ngxlint; please report it with the configuration)"
}

// fixState follows each file through the rounds.
type fixState struct {
	units []*parser.Unit                // as first loaded
	src   map[*parser.File][]byte       // current bytes, by file as first read
	orig  map[*parser.File]*parser.File // file of any round -> file as first read
	// rounds holds, per file as first read, the sorted edits of each round
	// that changed it, to follow positions from the input to the result.
	rounds map[*parser.File][][]Edit
}

// LintFunc lints units the way the caller shows findings: sorted, one per
// problem even when units share a file, without ignored files.
type LintFunc func(units []*parser.Unit) ([]*Finding, error)

// ApplyFixes lints units with lint, applies the fixes of the findings at or
// above level, and checks the result.
func ApplyFixes(units []*parser.Unit, level Severity, lint LintFunc) (*FixResult, error) {
	st := &fixState{units: units, src: map[*parser.File][]byte{}, orig: map[*parser.File]*parser.File{}, rounds: map[*parser.File][][]Edit{}}
	for _, u := range units {
		for _, f := range fixUnitFiles(u) {
			st.orig[f] = f
		}
	}
	first, err := lint(units)
	if err != nil {
		return nil, err
	}
	findings := first
	cur := units
	var refused map[*Finding]string
	for round := 1; ; round++ {
		var plan *fixPlan
		plan, refused = planFixes(findings, level, st.orig)
		if len(plan.edits) == 0 {
			break
		}
		if round > maxFixRounds {
			return nil, &FixError{Problems: []string{fmt.Sprintf("the fixes still change the configuration after %d rounds", maxFixRounds)}}
		}
		for f, es := range plan.edits {
			st.src[f] = applySorted(st.currentSrc(f), es)
			st.rounds[f] = append(st.rounds[f], es)
		}
		cur = cur[:0:0]
		var problems []string
		for _, u := range units {
			rb := fixRebuild(u, st.src)
			for nf, of := range rb.orig {
				st.orig[nf] = of
			}
			for _, serr := range rb.broken {
				p := serr.File.Position(serr.Off)
				problems = append(problems, fmt.Sprintf("%s no longer parses after the fix (%d:%d: %s)", serr.File.Path, p.Line, p.Column, serr.Msg))
			}
			cur = append(cur, rb.unit)
		}
		if len(problems) > 0 {
			return nil, &FixError{Problems: fixUniq(problems)}
		}
		next, err := lint(cur)
		if err != nil {
			return nil, err
		}
		// every fixed finding must be gone
		for _, f := range plan.applied {
			of := st.orig[f.Span.File]
			at := fixMapOffset(plan.edits[of], f.Span.Start)
			for _, g := range next {
				if g.Rule == f.Rule && st.orig[g.Span.File] == of && g.Span.Start == at {
					p := f.Pos()
					problems = append(problems, fmt.Sprintf("the fix of %s at %s:%d:%d (%s) does not remove its finding", f.Rule.ID, f.Span.File.Path, p.Line, p.Column, f.Fix.Message))
					break
				}
			}
		}
		if len(problems) > 0 {
			return nil, &FixError{Problems: fixUniq(problems)}
		}
		findings = next
	}
	res := &FixResult{Units: cur, Orig: st.orig, rounds: st.rounds}
	// fixing must not add findings: a finding at or above the level that
	// stands on text the fixes wrote, and that the input did not have, is
	// a fix's bug. (A finding on the user's own text that appears only now,
	// because a fix made a location's WebSocket intent clear, is listed
	// with the others that remain.)
	had := map[string]bool{}
	for _, f := range first {
		of := st.orig[f.Span.File]
		at := f.Span.Start
		for _, es := range st.rounds[of] {
			at = fixMapOffset(es, at)
		}
		had[fmt.Sprintf("%p %s %d", of, f.Rule.ID, at)] = true
	}
	var problems []string
	for _, f := range findings {
		of := st.orig[f.Span.File]
		if f.Severity < level || had[fmt.Sprintf("%p %s %d", of, f.Rule.ID, f.Span.Start)] || !fixWritten(st.rounds[of], f.Span.Start) {
			continue
		}
		p := f.Pos()
		problems = append(problems, fmt.Sprintf("the fixes would add %s at %s:%d:%d: %s", f.Rule.ID, f.Span.File.Path, p.Line, p.Column, f.Message))
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, &FixError{Problems: problems}
	}
	// what was fixed, what remains
	remain := map[string]bool{}
	for _, f := range findings {
		remain[fmt.Sprintf("%p %s %d", st.orig[f.Span.File], f.Rule.ID, f.Span.Start)] = true
	}
	for _, f := range first {
		of := st.orig[f.Span.File]
		at := f.Span.Start
		for _, es := range st.rounds[of] {
			at = fixMapOffset(es, at)
		}
		if !remain[fmt.Sprintf("%p %s %d", of, f.Rule.ID, at)] && f.Severity >= level {
			res.Fixed = append(res.Fixed, f)
		}
	}
	for _, f := range findings {
		if f.Severity < level {
			continue
		}
		reason := refused[f]
		if reason == "" {
			reason = f.NoFix
		}
		if reason == "" {
			reason = "no automatic fix"
		}
		res.Unfixed = append(res.Unfixed, Unfixed{Finding: f, Reason: reason})
	}
	for f, b := range st.src {
		if string(b) != string(f.Src) {
			res.Files = append(res.Files, FileFix{File: f, New: b})
		}
	}
	sort.Slice(res.Files, func(i, j int) bool { return res.Files[i].File.Path < res.Files[j].File.Path })
	return res, nil
}

func (st *fixState) currentSrc(f *parser.File) []byte {
	if b, ok := st.src[f]; ok {
		return b
	}
	return f.Src
}

// fixUnitFiles lists every file of a unit: the root, what it includes, and the
// environment files.
func fixUnitFiles(u *parser.Unit) []*parser.File {
	out := u.Files()
	for _, f := range u.Env {
		if f != u.Root {
			out = append(out, f)
		}
	}
	return out
}

// fixPlan is one round of edits.
type fixPlan struct {
	edits   map[*parser.File][]Edit // by file as first read, sorted, without duplicates
	applied []*Finding
}

// planFixes takes the fixes of findings at or above level, in finding
// order, and keeps each whose edits do not overlap an edit kept before. It
// returns the plan and, for the findings it could not take, why.
func planFixes(fs []*Finding, level Severity, orig map[*parser.File]*parser.File) (*fixPlan, map[*Finding]string) {
	plan := &fixPlan{edits: map[*parser.File][]Edit{}}
	refused := map[*Finding]string{}
	owner := map[*parser.File][]*Finding{} // parallel to plan.edits before sorting
	for _, f := range fs {
		if f.Severity < level || f.Fix == nil || len(f.Fix.Edits) == 0 {
			continue
		}
		var take []Edit
		reason := ""
		for _, e := range f.Fix.Edits {
			if r := fixBadEdit(e); r != "" {
				reason = r
				break
			}
			of := orig[e.File]
			if of == nil {
				of = e.File
			}
			e.File = of
			for i, o := range plan.edits[of] {
				if editsConflict(o, e) {
					g := owner[of][i]
					reason = fmt.Sprintf("its edit overlaps the fix of %s at line %d, which was applied; run ngxlint fix again", g.Rule.ID, g.Pos().Line)
					break
				}
			}
			for _, o := range take {
				if editsConflict(o, e) {
					reason = "its own edits overlap (a bug in ngxlint)"
				}
			}
			if reason != "" {
				break
			}
			take = append(take, e)
		}
		if reason != "" {
			refused[f] = reason
			continue
		}
		for _, e := range take {
			dup := false
			for _, o := range plan.edits[e.File] {
				if o == e {
					dup = true
				}
			}
			if !dup {
				plan.edits[e.File] = append(plan.edits[e.File], e)
				owner[e.File] = append(owner[e.File], f)
			}
		}
		plan.applied = append(plan.applied, f)
	}
	for f, es := range plan.edits {
		sort.SliceStable(es, func(i, j int) bool {
			if es[i].Start != es[j].Start {
				return es[i].Start < es[j].Start
			}
			return es[i].End < es[j].End
		})
		plan.edits[f] = es
	}
	return plan, refused
}

// fixBadEdit says why an edit cannot be applied, or "".
func fixBadEdit(e Edit) string {
	switch {
	case e.File == nil:
		return "its edit names no file (a bug in ngxlint)"
	case e.Start < 0 || e.End < e.Start || e.End > len(e.File.Src):
		return "its edit is out of range (a bug in ngxlint)"
	case e.File.Abs == "" && strings.HasPrefix(e.File.Path, "(nginx package) "):
		return fmt.Sprintf("the edit falls in %s, which ngxlint does not have", strings.TrimPrefix(e.File.Path, "(nginx package) "))
	}
	return ""
}

// editsConflict reports whether two edits of one file cannot both be applied.
// Two identical edits do not conflict (one is dropped); two insertions at
// the same point do not conflict (both are made, in finding order); an
// insertion conflicts with a replacement only strictly inside it.
func editsConflict(a, b Edit) bool {
	switch {
	case a.Start == b.Start && a.End == b.End && a.New == b.New:
		return false
	case a.Start == a.End && b.Start == b.End:
		return false
	case a.Start == a.End:
		return b.Start < a.Start && a.Start < b.End
	case b.Start == b.End:
		return a.Start < b.Start && b.Start < a.End
	}
	return a.Start < b.End && b.Start < a.End
}

// applySorted applies sorted, non-overlapping edits to src.
func applySorted(src []byte, edits []Edit) []byte {
	var out []byte
	last := 0
	for _, e := range edits {
		out = append(out, src[last:e.Start]...)
		out = append(out, e.New...)
		last = e.End
	}
	return append(out, src[last:]...)
}

// applyEdits applies edits to src: sorted, exact duplicates dropped. It
// reports false when two edits overlap.
func applyEdits(src []byte, edits []Edit) ([]byte, bool) {
	es := append([]Edit(nil), edits...)
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Start != es[j].Start {
			return es[i].Start < es[j].Start
		}
		return es[i].End < es[j].End
	})
	var kept []Edit
	for _, e := range es {
		if e.Start < 0 || e.End < e.Start || e.End > len(src) {
			return nil, false
		}
		dup := false
		for _, o := range kept {
			if o.Start == e.Start && o.End == e.End && o.New == e.New {
				dup = true
			} else if editsConflict(o, e) {
				return nil, false
			}
		}
		if !dup {
			kept = append(kept, e)
		}
	}
	return applySorted(src, kept), true
}

// fixMapOffset follows an offset of the text before sorted edits to the text
// after them. An offset inside a replaced range maps to its start.
func fixMapOffset(edits []Edit, off int) int {
	delta := 0
	for _, e := range edits {
		switch {
		case e.Start > off:
			return off + delta
		case e.Start == e.End || e.End <= off:
			delta += len(e.New) - (e.End - e.Start)
		default: // e.Start <= off < e.End
			return e.Start + delta
		}
	}
	return off + delta
}

// fixWritten reports whether an offset of the fixed text falls in text
// that one of the rounds of edits wrote.
func fixWritten(rounds [][]Edit, off int) bool {
	for i := len(rounds) - 1; i >= 0; i-- {
		delta := 0
		for _, e := range rounds[i] {
			ns := e.Start + delta
			if off >= ns && off < ns+len(e.New) {
				return true
			}
			delta += len(e.New) - (e.End - e.Start)
		}
		off = fixUnmapOffset(rounds[i], off)
	}
	return false
}

// fixUnmapOffset is fixMapOffset backwards: an offset of the text after
// sorted edits to the text before them; inside inserted text, the edit's start.
func fixUnmapOffset(edits []Edit, off int) int {
	delta := 0
	for _, e := range edits {
		ns := e.Start + delta
		if off < ns {
			return off - delta
		}
		if off < ns+len(e.New) {
			return e.Start
		}
		delta += len(e.New) - (e.End - e.Start)
	}
	return off - delta
}

func fixUniq(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
