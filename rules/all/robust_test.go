package all

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/nginxtest/mutate"
	"github.com/ngxlint/ngxlint/rules"
)

// The robustness net: no rule of any family may panic, whatever the
// configuration. Every fixture is linted with the arguments of each
// directive name stripped (all of them, and all but the first), and with
// its simple directives pasted where they do not belong (an upstream, a
// map, types, if, limit_except, events, stream, the top level); the
// differential trees are linted through the mutants of
// parser/nginxtest/mutate (a directive moved into another block, an
// argument dropped, a brace lost...), includes included. A rule that
// panics is an internal error (exit 3) for the user.

// fixtureConfs returns every .conf file under fixtures/.
func fixtureConfs(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir("../../fixtures", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".conf") || strings.HasSuffix(p, ".template")) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

type variant struct {
	name string
	src  []byte
}

func allDirectives(ds []*parser.Directive, out *[]*parser.Directive) {
	for _, d := range ds {
		*out = append(*out, d)
		if d.Block != nil && d.Block.Lua == nil {
			allDirectives(d.Block.Directives, out)
		}
	}
}

// variants returns the broken versions of a file.
func variants(f *parser.File) []variant {
	var ds []*parser.Directive
	allDirectives(f.Top, &ds)
	var out []variant
	// the arguments of one directive name stripped: all, or all but the
	// first
	byName := map[string][]*parser.Directive{}
	var names []string
	for _, d := range ds {
		if len(d.Args) == 0 {
			continue
		}
		if byName[d.Name] == nil {
			names = append(names, d.Name)
		}
		byName[d.Name] = append(byName[d.Name], d)
	}
	var everything []mutate.Edit
	for _, n := range names {
		var none, first []mutate.Edit
		for _, d := range byName[n] {
			last := int(d.Args[len(d.Args)-1].End)
			none = append(none, mutate.Edit{Start: int(d.NameW().End), End: last})
			if len(d.Args) > 1 {
				first = append(first, mutate.Edit{Start: int(d.Args[0].End), End: last})
			}
		}
		everything = append(everything, none...)
		out = append(out, variant{n + " without arguments", mutate.Apply(f.Src, none)})
		if len(first) > 0 {
			out = append(out, variant{n + " with its first argument only", mutate.Apply(f.Src, first)})
		}
	}
	if len(everything) > 0 {
		out = append(out, variant{"every directive without arguments", mutate.Apply(f.Src, everything)})
	}
	// simple directives in the wrong context
	var simple []string
	for _, d := range ds {
		if d.Block == nil && int(d.End) > d.Start() {
			if text := string(f.Src[d.Start():d.End]); strings.HasSuffix(text, ";") {
				simple = append(simple, text)
			}
		}
	}
	if len(simple) == 0 {
		return out
	}
	all := strings.Join(simple, "\n")
	http := "upstream __u { " + all + " }\nmap $uri $__m { " + all + " }\ntypes { " + all + " }\n" +
		"server { listen 127.0.0.1:1; if ($arg_x) { " + all + " } location /__x/ { limit_except GET { " + all + " } } }\n"
	top := all + "\nevents { " + all + " }\nstream { upstream __s { " + all + " } server { " + all + " } }\n"
	at := 0
	for _, d := range f.Top {
		if d.Name == "http" && d.Block != nil {
			at = int(d.Block.Open) + 1
		}
	}
	out = append(out,
		variant{"directives pasted into http's blocks", mutate.Apply(f.Src, []mutate.Edit{{Start: at, End: at, New: "\n" + http}})},
		variant{"directives pasted at the top level", append([]byte(top), f.Src...)})
	return out
}

// lintSafely lints the configuration at path and returns the panic, if
// any, of the model or of a rule.
func lintSafely(paths []string, opt parser.Options) (err error) {
	defer func() {
		if x := recover(); x != nil {
			err = fmt.Errorf("panic outside the rules: %v", x)
		}
	}()
	units, err := parser.Load(paths, opt)
	if err != nil {
		return nil // refused before linting (too large...): not a rule's panic
	}
	_, err = rules.Lint(units, &rules.Options{}, rules.RunOptions{Jobs: 1})
	var ie *rules.InternalError
	if errors.As(err, &ie) {
		return fmt.Errorf("%s panics: %v at %s", ie.Rule, ie.Panic, panicSite(ie.Stack))
	}
	return err
}

// panicSite is the innermost line of ngxlint's code in a panic's stack.
func panicSite(stack string) string {
	lines := strings.Split(stack, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "panic(") {
			continue
		}
		for j := i + 1; j+1 < len(lines); j++ {
			if strings.HasPrefix(lines[j], "github.com/ngxlint/ngxlint/") {
				at := strings.TrimSpace(lines[j+1])
				if k := strings.Index(at, " +0x"); k >= 0 {
					at = at[:k]
				}
				return filepath.Base(filepath.Dir(at)) + "/" + filepath.Base(at)
			}
		}
	}
	return "?"
}

// report keeps one error per place a panic comes from.
type report struct {
	t     *testing.T
	seen  map[string]bool
	count int
}

func (r *report) add(what string, err error) {
	r.count++
	msg := err.Error()
	key := msg
	if i := strings.Index(msg, " at "); i >= 0 {
		key = msg[strings.Index(msg, ":")+1:]
	}
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	if !r.seen[key] {
		r.seen[key] = true
		r.t.Errorf("%s: %v", what, err)
	}
}

func TestNoRulePanicsOnBrokenDirectives(t *testing.T) {
	count := 0
	rep := &report{t: t}
	for _, p := range fixtureConfs(t) {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f, perr := parser.Parse(p, src)
		if perr != nil {
			continue
		}
		opt := parser.Options{Template: strings.HasSuffix(p, ".template")}
		if err := lintSafely([]string{p}, opt); err != nil { // as written (fixtures/robust: past panics)
			rep.add(p, err)
		}
		for _, v := range variants(f) {
			count++
			opt.Stdin = bytes.NewReader(v.src)
			if err := lintSafely([]string{"-"}, opt); err != nil {
				rep.add(p+", "+v.name, err)
			}
		}
	}
	t.Logf("%d broken variants of the fixtures linted, %d failed", count, rep.count)
}

func TestNoRulePanicsOnMutants(t *testing.T) {
	dirs, _ := filepath.Glob("../../fixtures/differential/*")
	var trees []*mutate.Tree
	for _, d := range dirs {
		if tr, err := mutate.LoadTree(d); err == nil {
			trees = append(trees, tr)
		}
	}
	if len(trees) == 0 {
		t.Fatal("no differential trees")
	}
	n := 1500
	if testing.Short() {
		n = 200
	}
	rep := &report{t: t}
	muts := mutate.Generate(trees, 13, n)
	for _, m := range muts {
		dir := t.TempDir()
		for name, b := range m.Files() {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := lintSafely([]string{filepath.Join(dir, "nginx.conf")}, parser.Options{Prefix: dir + "/"}); err != nil {
			rep.add(m.ID(), err)
		}
	}
	t.Logf("%d mutants linted, %d failed", len(muts), rep.count)
}
