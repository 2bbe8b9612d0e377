package rules

import (
	"github.com/ngxlint/ngxlint/parser"
)

// rebuilt is a unit read again after fixing, in the same natural context.
type rebuilt struct {
	unit *parser.Unit
	// orig maps every file of the new unit to the file it stands for in the
	// unit as first loaded.
	orig map[*parser.File]*parser.File
	// broken lists the files that parsed before and no longer do.
	broken []*parser.SyntaxError
}

// fixRebuild returns a copy of u in which the files named in src have new
// bytes. Every file is parsed again from its bytes; each include resolves
// to the same files as it did in u (a fix never adds, removes or renames an
// include), so the result is the configuration nginx would read from disk
// after the fix, without touching the disk: same root, same context, same
// prefix, same environment files.
func fixRebuild(u *parser.Unit, src map[*parser.File][]byte) *rebuilt {
	r := &rebuilt{orig: map[*parser.File]*parser.File{}}
	olds := u.Files()
	seen := map[*parser.File]bool{}
	for _, f := range olds {
		seen[f] = true
	}
	for _, f := range u.Env {
		if !seen[f] {
			seen[f] = true
			olds = append(olds, f)
		}
	}
	neu := map[*parser.File]*parser.File{}
	oldErr := map[*parser.File]bool{}
	for _, p := range u.Problems {
		if p.Kind == parser.ProblemSyntax {
			oldErr[p.File] = true
		}
	}
	var problems []parser.Problem
	for _, f := range olds {
		b, changed := src[f]
		if !changed {
			b = f.Src
		}
		nf, serr := parser.Parse(f.Path, b)
		nf.Abs, nf.Template = f.Abs, f.Template
		neu[f] = nf
		r.orig[nf] = f
		if serr != nil {
			problems = append(problems, parser.Problem{Kind: parser.ProblemSyntax, File: nf, Start: serr.Off, End: min(serr.Off+1, len(nf.Src)), Msg: serr.Msg})
			if !oldErr[f] {
				r.broken = append(r.broken, serr)
			}
		}
	}
	// includes: the n-th include of a file resolves as the n-th did before
	for _, f := range olds {
		nf := neu[f]
		oi, ni := fixIncludes(f), fixIncludes(nf)
		for i, nd := range ni {
			od := fixMatchInclude(oi, ni, i)
			if od == nil {
				continue
			}
			for _, inc := range od.Included() {
				if m, ok := neu[inc]; ok {
					nd.AddIncluded(m)
				} else {
					nd.AddIncluded(inc)
				}
			}
		}
	}
	for _, p := range u.Problems {
		nf, ok := neu[p.File]
		if !ok {
			problems = append(problems, p) // a file not read again (one that did not parse)
			continue
		}
		switch p.Kind {
		case parser.ProblemSyntax:
			continue // found again above
		case parser.ProblemBOM:
			if nf.BOM {
				p.File = nf
				problems = append(problems, p)
			}
			continue
		}
		if _, changed := src[p.File]; !changed {
			p.File = nf
			problems = append(problems, p)
			continue
		}
		// an include problem in a changed file: find the same include again
		oi, ni := fixIncludes(p.File), fixIncludes(nf)
		for i, od := range oi {
			if p.Start < od.Start() || p.Start >= int(od.End) {
				continue
			}
			if nd := fixMatchInclude(ni, oi, i); nd != nil {
				if p.Start == od.Start() {
					p.Start, p.End = nd.Start(), int(nd.End)
				} else {
					p.Start, p.End = int(nd.Args[0].Start), int(nd.Args[0].End)
				}
				p.File = nf
				problems = append(problems, p)
			}
			break
		}
	}
	nu := &parser.Unit{Root: neu[u.Root], Context: u.Context, Prefix: u.Prefix, Problems: problems, Report: map[*parser.File]bool{}}
	if nu.Root == nil {
		nu.Root = u.Root
	}
	for _, f := range u.Env {
		nu.Env = append(nu.Env, neu[f])
	}
	for f, ok := range u.Report {
		if m, has := neu[f]; has {
			nu.Report[m] = ok
		} else {
			nu.Report[f] = ok
		}
	}
	r.unit = nu
	return r
}

// fixIncludes lists a file's include directives in document order.
func fixIncludes(f *parser.File) []*parser.Directive {
	var out []*parser.Directive
	f.Walk(func(d *parser.Directive) {
		if d.Name == "include" && d.Block == nil && len(d.Args) == 1 {
			out = append(out, d)
		}
	})
	return out
}

// fixMatchInclude returns the directive of from that stands for to[i]: the
// one at the same index when both lists name the same files in the same
// order, else the first one with the same argument not matched before.
func fixMatchInclude(from, to []*parser.Directive, i int) *parser.Directive {
	if len(from) == len(to) && from[i].Arg(0) == to[i].Arg(0) {
		return from[i]
	}
	n := 0
	for _, d := range to[:i] {
		if d.Arg(0) == to[i].Arg(0) {
			n++
		}
	}
	for _, d := range from {
		if d.Arg(0) == to[i].Arg(0) {
			if n == 0 {
				return d
			}
			n--
		}
	}
	return nil
}
