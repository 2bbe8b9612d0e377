// Package mutate makes small, deterministic mutants of nginx configuration
// trees: one edit of one file, of the kinds people get wrong when they edit
// a configuration by hand (a misspelled directive, a directive in the wrong
// block, an argument too many or too few, a bad value, a directive twice, a
// brace or a semicolon lost, an invalid regular expression).
//
// The differential suite (cmd/ngxlint/differential_test.go) runs nginx -t
// and ngxlint on each mutant and compares their verdicts. The generator
// knows shapes, not nginx: whether a mutant is refused is for nginx to say,
// and some mutants are accepted on purpose (a directive moved into another
// block where it is allowed, a PCRE-only construct such as a lookahead), so
// the suite also measures false errors.
//
// Every edit is made on the exact spans of the project's parser and keeps
// the file's line count, so the line a mutant records is the same in the
// original file and in the mutant.
package mutate

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
)

// Op is a mutation operator.
type Op string

// The operators, in the order of the report.
const (
	Typo      Op = "typo"      // a one-character edit of a directive name
	Move      Op = "move"      // a directive cut and pasted into another block
	DropArg   Op = "drop-arg"  // one argument removed
	ExtraArg  Op = "extra-arg" // one argument added
	BadValue  Op = "bad-value" // a flag, size, time, number, port or enum value nginx does not take
	Duplicate Op = "duplicate" // a directive, a block or default_server written twice
	Brace     Op = "brace"     // a brace removed or added
	Semicolon Op = "semicolon" // the ';' of a directive removed
	Regex     Op = "regex"     // a regular expression made invalid (or PCRE-only)
)

// Ops lists every operator in report order.
var Ops = []Op{Typo, Move, DropArg, ExtraArg, BadValue, Duplicate, Brace, Semicolon, Regex}

// Tree is a configuration tree: files by slash-separated name relative to
// its root; "nginx.conf" is the main file.
type Tree struct {
	Name  string
	Files map[string][]byte
}

// LoadTree reads every regular file under dir.
func LoadTree(dir string) (*Tree, error) {
	t := &Tree{Name: filepath.Base(dir), Files: map[string][]byte{}}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		t.Files[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, ok := t.Files["nginx.conf"]; !ok {
		return nil, fmt.Errorf("%s: no nginx.conf", dir)
	}
	return t, nil
}

// Names returns the file names in sorted order.
func (t *Tree) Names() []string {
	names := make([]string, 0, len(t.Files))
	for n := range t.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Edit replaces the bytes [Start, End) of a file with New.
type Edit struct {
	Start, End int
	New        string
}

// Mutant is one mutated tree: edits of one file.
type Mutant struct {
	Tree  *Tree
	Op    Op
	Kind  string // the variant of the operator: "delete", "move-to-http"...
	File  string // the file edited
	Line  int    // the 1-based line of the edit
	Desc  string // what changed, for the report
	Edits []Edit // on the original bytes of File; no overlaps
}

// ID names the mutant in reports: tree/file:line op: desc.
func (m *Mutant) ID() string {
	return fmt.Sprintf("%s/%s:%d %s: %s", m.Tree.Name, m.File, m.Line, m.Op, m.Desc)
}

// Files returns the tree with the mutant's edits applied.
func (m *Mutant) Files() map[string][]byte {
	out := make(map[string][]byte, len(m.Tree.Files))
	for n, b := range m.Tree.Files {
		out[n] = b
	}
	out[m.File] = Apply(m.Tree.Files[m.File], m.Edits)
	return out
}

// Apply applies non-overlapping edits to src.
func Apply(src []byte, edits []Edit) []byte {
	es := append([]Edit(nil), edits...)
	sort.Slice(es, func(i, j int) bool { return es[i].Start < es[j].Start })
	var b strings.Builder
	last := 0
	for _, e := range es {
		b.Write(src[last:e.Start])
		b.WriteString(e.New)
		last = e.End
	}
	b.Write(src[last:])
	return []byte(b.String())
}

// site is a place an operator can mutate; make builds the mutant with the
// random choices it needs.
type site struct {
	op   Op
	kind string
	make func(r *rand.Rand) *Mutant
}

// Generate returns n mutants of the trees (fewer when there are not enough
// places to mutate), the same ones for the same seed and trees: an equal
// share per operator, spread over the operator's variants, drawn at random
// from every place in every tree.
func Generate(trees []*Tree, seed uint64, n int) []*Mutant {
	byOp := map[Op]map[string][]site{}
	for _, t := range trees {
		for _, s := range sites(t) {
			if byOp[s.op] == nil {
				byOp[s.op] = map[string][]site{}
			}
			byOp[s.op][s.kind] = append(byOp[s.op][s.kind], s)
		}
	}
	r := rand.New(rand.NewPCG(seed, 0x6e67786c696e74))
	var out []*Mutant
	for i, op := range Ops {
		quota := n / len(Ops)
		if i < n%len(Ops) {
			quota++
		}
		kinds := make([]string, 0, len(byOp[op]))
		for k := range byOp[op] {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		pools := make([][]site, len(kinds))
		for j, k := range kinds {
			pools[j] = append([]site(nil), byOp[op][k]...)
			r.Shuffle(len(pools[j]), func(a, b int) { pools[j][a], pools[j][b] = pools[j][b], pools[j][a] })
		}
		// Round robin over the variants, so a rare one (two default
		// servers) is not drowned by a common one.
		for got := 0; got < quota; {
			progress := false
			for j := range pools {
				if got == quota {
					break
				}
				for len(pools[j]) > 0 {
					s := pools[j][0]
					pools[j] = pools[j][1:]
					if m := s.make(r); m != nil {
						out = append(out, m)
						got++
						progress = true
						break
					}
				}
			}
			if !progress {
				break
			}
		}
	}
	return out
}

// file is one parsed file of a tree.
type file struct {
	tree *Tree
	name string
	f    *parser.File
	all  []*parser.Directive // every directive in file order
}

// noTouch are directives whose arguments and places the generator leaves
// alone (only their names may be misspelled): moving or changing them could
// make nginx -t write outside the test directory (a log or temp path
// falling back to the system default).
var noTouch = map[string]bool{
	"pid": true, "error_log": true, "access_log": true, "lock_file": true,
	"client_body_temp_path": true, "proxy_temp_path": true, "fastcgi_temp_path": true,
	"uwsgi_temp_path": true, "scgi_temp_path": true,
}

// entryBlocks hold entries, not directives: a map's keys, the types of a
// types block.
var entryBlocks = map[string]bool{"map": true, "types": true, "geo": true, "split_clients": true, "charset_map": true}

func isEntry(d *parser.Directive) bool { return d.Parent != nil && entryBlocks[d.Parent.Name] }

// isType is an entry of a types block: nginx takes a MIME type with any
// number of extensions, so its mutants tell little.
func isType(d *parser.Directive) bool { return d.Parent != nil && d.Parent.Name == "types" }

func sites(t *Tree) []site {
	var files []*file
	for _, name := range t.Names() {
		pf, err := parser.Parse(name, t.Files[name])
		if err != nil {
			continue
		}
		fl := &file{tree: t, name: name, f: pf}
		var walk func(ds []*parser.Directive)
		walk = func(ds []*parser.Directive) {
			for _, d := range ds {
				fl.all = append(fl.all, d)
				if d.Block != nil {
					walk(d.Block.Directives)
				}
			}
		}
		walk(pf.Top)
		files = append(files, fl)
	}
	var out []site
	for _, fl := range files {
		out = append(out, fl.typoSites()...)
		out = append(out, fl.moveSites()...)
		out = append(out, fl.argSites()...)
		out = append(out, fl.badValueSites()...)
		out = append(out, fl.dupSites(files)...)
		out = append(out, fl.braceSites()...)
		out = append(out, fl.regexSites()...)
	}
	return out
}

func (fl *file) line(off int) int { return fl.f.Position(off).Line }

func (fl *file) mutant(op Op, kind string, at int, desc string, edits ...Edit) *Mutant {
	for _, e := range edits {
		if strings.Contains(e.New, "\n") || strings.Contains(string(fl.f.Src[e.Start:e.End]), "\n") {
			return nil // keep line numbers
		}
	}
	return &Mutant{Tree: fl.tree, Op: op, Kind: kind, File: fl.name, Line: fl.line(at), Desc: desc, Edits: edits}
}

func (fl *file) raw(start, end int) string { return string(fl.f.Src[start:end]) }

// singleLine reports whether the directive (a simple one) is on one line.
func (fl *file) singleLine(d *parser.Directive) bool {
	return d.Block == nil && !strings.Contains(fl.raw(d.Start(), int(d.End)), "\n")
}

// --- typo ---------------------------------------------------------------

const letters = "abcdefghijklmnopqrstuvwxyz_"

func (fl *file) typoSites() []site {
	var out []site
	for _, d := range fl.all {
		if isEntry(d) || d.File.QuoteOf(d.NameW()) != 0 || len(d.Name) < 2 {
			continue
		}
		for _, kind := range []string{"delete", "insert", "replace", "swap"} {
			out = append(out, site{op: Typo, kind: kind, make: func(r *rand.Rand) *Mutant {
				name := typo(r, d.Name, kind)
				if name == d.Name {
					return nil
				}
				return fl.mutant(Typo, kind, int(d.NameW().Start), fmt.Sprintf("%q -> %q", d.Name, name),
					Edit{int(d.NameW().Start), int(d.NameW().End), name})
			}})
		}
	}
	return out
}

func typo(r *rand.Rand, s, kind string) string {
	i := r.IntN(len(s))
	c := string(letters[r.IntN(len(letters))])
	switch kind {
	case "delete":
		return s[:i] + s[i+1:]
	case "insert":
		return s[:i] + c + s[i:]
	case "replace":
		return s[:i] + c + s[i+1:]
	default: // swap
		if i == len(s)-1 {
			i--
		}
		return s[:i] + s[i+1:i+2] + s[i:i+1] + s[i+2:]
	}
}

// --- move ---------------------------------------------------------------

// targetBlocks are the blocks a directive can be moved into.
var targetBlocks = map[string]bool{"events": true, "http": true, "server": true, "location": true,
	"upstream": true, "if": true, "limit_except": true}

func parentName(d *parser.Directive) string {
	if d.Parent == nil {
		return ""
	}
	return d.Parent.Name
}

func (fl *file) moveSites() []site {
	type target struct {
		name string
		at   int // insert position
	}
	var targets []target
	for _, d := range fl.all {
		if d.Block != nil && targetBlocks[d.Name] && d.Block.Lua == nil {
			targets = append(targets, target{d.Name, int(d.Block.Open) + 1})
		}
	}
	if fl.name == "nginx.conf" {
		for _, d := range fl.f.Top {
			if d.Block == nil {
				targets = append(targets, target{"main", int(d.End)})
				break
			}
		}
	}
	var out []site
	for _, d := range fl.all {
		if d.Block != nil || isEntry(d) || noTouch[d.Name] || !fl.singleLine(d) {
			continue
		}
		from := parentName(d)
		if from == "" && fl.name == "nginx.conf" {
			from = "main"
		}
		for _, tg := range targets {
			if tg.name == from || tg.at >= d.Start() && tg.at <= int(d.End) {
				continue
			}
			out = append(out, site{op: Move, kind: "to-" + tg.name, make: func(*rand.Rand) *Mutant {
				text := fl.raw(d.Start(), int(d.End))
				return fl.mutant(Move, "to-"+tg.name, tg.at, fmt.Sprintf("%s moved from line %d into %s", d.Name, fl.line(d.Start()), tg.name),
					Edit{d.Start(), int(d.End), ""}, Edit{tg.at, tg.at, " " + text})
			}})
		}
	}
	return out
}

// --- drop-arg, extra-arg ------------------------------------------------

var extraArgs = []string{"extra", "on", "1", "10s", "$host", "/tmp"}

func (fl *file) argSites() []site {
	var out []site
	for _, d := range fl.all {
		if noTouch[d.Name] || isType(d) || d.File.QuoteOf(d.NameW()) != 0 && !isEntry(d) {
			continue
		}
		if d.Block != nil && d.Block.Lua != nil {
			continue
		}
		kind := "directive"
		switch {
		case isEntry(d):
			kind = "entry"
		case d.Block != nil:
			kind = "block"
		}
		for i := range d.Args {
			out = append(out, site{op: DropArg, kind: kind, make: func(*rand.Rand) *Mutant {
				prev := int(d.NameW().End)
				if i > 0 {
					prev = int(d.Args[i-1].End)
				}
				return fl.mutant(DropArg, kind, int(d.Args[i].Start), fmt.Sprintf("%s loses argument %d %s", d.Name, i+1, fl.raw(int(d.Args[i].Start), int(d.Args[i].End))),
					Edit{prev, int(d.Args[i].End), ""})
			}})
		}
		out = append(out, site{op: ExtraArg, kind: kind, make: func(r *rand.Rand) *Mutant {
			at := int(d.NameW().End)
			if len(d.Args) > 0 {
				at = int(d.Args[len(d.Args)-1].End)
			}
			a := extraArgs[r.IntN(len(extraArgs))]
			return fl.mutant(ExtraArg, kind, at, fmt.Sprintf("%s gets an extra argument %s", d.Name, a), Edit{at, at, " " + a})
		}})
	}
	return out
}

// --- brace, semicolon ---------------------------------------------------

func (fl *file) braceSites() []site {
	var out []site
	src := fl.f.Src
	for _, d := range fl.all {
		if d.Block != nil {
			if d.Block.Lua != nil {
				continue
			}
			out = append(out,
				site{op: Brace, kind: "drop-close", make: func(*rand.Rand) *Mutant {
					return fl.mutant(Brace, "drop-close", int(d.Block.Close), fmt.Sprintf("the } of %s (line %d) removed", d.Name, fl.line(d.Start())),
						Edit{int(d.Block.Close), int(d.Block.Close) + 1, ""})
				}},
				site{op: Brace, kind: "drop-open", make: func(*rand.Rand) *Mutant {
					return fl.mutant(Brace, "drop-open", int(d.Block.Open), fmt.Sprintf("the { of %s removed", d.Name),
						Edit{int(d.Block.Open), int(d.Block.Open) + 1, ""})
				}})
			continue
		}
		if d.End == 0 || src[d.End-1] != ';' || noTouch[d.Name] || isType(d) {
			continue
		}
		out = append(out,
			site{op: Brace, kind: "extra-close", make: func(*rand.Rand) *Mutant {
				return fl.mutant(Brace, "extra-close", int(d.End), fmt.Sprintf("a } after %s", d.Name), Edit{int(d.End), int(d.End), " }"})
			}},
			site{op: Brace, kind: "extra-open", make: func(*rand.Rand) *Mutant {
				return fl.mutant(Brace, "extra-open", int(d.End), fmt.Sprintf("a { after %s", d.Name), Edit{int(d.End), int(d.End), " {"})
			}},
			site{op: Semicolon, kind: semicolonKind(d), make: func(*rand.Rand) *Mutant {
				return fl.mutant(Semicolon, semicolonKind(d), int(d.End)-1, fmt.Sprintf("the ; of %s removed", d.Name), Edit{int(d.End) - 1, int(d.End), ""})
			}})
	}
	return out
}

func semicolonKind(d *parser.Directive) string {
	if isEntry(d) {
		return "entry"
	}
	return "directive"
}
