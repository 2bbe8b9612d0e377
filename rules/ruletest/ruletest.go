// Package ruletest runs a rule's fixtures, the way go/analysis's
// analysistest runs an analyzer's testdata: the expectations are written in
// the fixtures themselves.
//
// The fixtures of rule ID are the files fixtures/rules/<ID>/*.conf (other
// than *.fixed.conf). A fixture expects a finding of the rule with a
// comment at the end of the line where the finding starts:
//
//	proxy_set_header Connection "ugrade"; # want WS009 `misspells "upgrade"`
//
// The regular expression (a Go string literal, "..." or `...`) must match
// the finding's message. A line may expect several findings:
//
//	location /ws/ { # want WS001 "no Upgrade header" WS001 "second one"
//
// A line that cannot end with a comment (a finding inside an unterminated
// quoted string, or on a comment that the rule itself reads, such as an
// "# ngxlint ignore=" suppression) takes its expectations from a "# want"
// comment alone on the line right above it. Expectations may sit in any
// file the fixture includes.
//
// Every expectation must be met by a finding of the rule, and every finding
// of the rule must be expected; findings of other rules do not count (the
// whole registry runs, as in the CLI, so that suppressions behave the same,
// but only the rule under test is judged). A fixture's expectations name
// only the rule of its folder. NAME.args beside a fixture holds extra
// command-line arguments, one per line: --nginx-version V, --config FILE,
// and the families' setting flags such as --ws-path PATH.
//
// When the rule's fixes change a fixture, NAME.fixed.conf holds the fixed
// fixture and NAME.fixed/<path> any other file the fixes change (paths
// relative to the rule's folder); the fixes applied are the rule's alone,
// through the fixer the CLI uses (re-parsed and re-linted after each round).
// go test -update rewrites those files.
//
// A rule needs at least one fixture with an expectation and one without.
package ruletest

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

var update = flag.Bool("update", false, "rewrite the .fixed.conf files of rule fixtures")

// Run runs the fixtures of every rule the calling package registers. A
// family's test is one line:
//
//	func TestRules(t *testing.T) { ruletest.Run(t) }
func Run(t *testing.T) {
	t.Helper()
	pc, _, _, ok := runtime.Caller(1)
	if !ok {
		t.Fatal("ruletest: cannot tell the calling package")
	}
	pkg := funcPackage(runtime.FuncForPC(pc).Name())
	n := 0
	for _, r := range rules.All() {
		if rulePackage(r) != pkg {
			continue
		}
		n++
		t.Run(r.Meta().ID, func(t *testing.T) { RunRule(t, r.Meta().ID) })
	}
	if n == 0 {
		t.Fatalf("ruletest: package %s registers no rule", pkg)
	}
}

// funcPackage returns the import path of a function's package, from its
// full name ("example.com/a/b.TestX" or "example.com/a/b_test.TestX").
func funcPackage(fn string) string {
	slash := strings.LastIndex(fn, "/")
	dot := strings.Index(fn[slash+1:], ".")
	if dot < 0 {
		return fn
	}
	return strings.TrimSuffix(fn[:slash+1+dot], "_test")
}

// rulePackage returns the import path of the package that defines a rule.
func rulePackage(r rules.Rule) string {
	t := reflect.TypeOf(r)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.PkgPath()
}

// RunRule runs the fixtures of one rule.
func RunRule(t *testing.T, id string) {
	t.Helper()
	r, ok := rules.Lookup(id)
	if !ok {
		t.Fatalf("ruletest: no rule %s is registered", id)
	}
	id = r.Meta().ID
	dir := filepath.Join(moduleRoot(t), "fixtures", "rules", id)
	confs, _ := filepath.Glob(filepath.Join(dir, "*.conf"))
	var fixtures []string
	for _, c := range confs {
		if !strings.HasSuffix(c, ".fixed.conf") {
			fixtures = append(fixtures, c)
		}
	}
	sort.Strings(fixtures)
	t.Run("doc", func(t *testing.T) { CheckDoc(t, r) })
	expecting, clean := 0, 0
	for _, conf := range fixtures {
		t.Run(filepath.Base(conf), func(t *testing.T) {
			if runFixture(t, id, dir, conf) > 0 {
				expecting++
			} else {
				clean++
			}
		})
	}
	if expecting == 0 || clean == 0 {
		t.Errorf("rule %s needs fixtures in %s: one with a # want %s \"...\" expectation and one without", id, dir, id)
	}
}

// runFixture checks one fixture and returns how many findings it expects.
func runFixture(t *testing.T, id, dir, conf string) int {
	t.Helper()
	opts := options(t, dir, conf)
	units, err := parser.Load([]string{conf}, parser.Options{Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	lint := func(us []*parser.Unit) ([]*rules.Finding, error) {
		fs, err := rules.Lint(us, opts, rules.RunOptions{Jobs: 1})
		var own []*rules.Finding
		for _, f := range fs {
			if f.Rule.ID == id {
				own = append(own, f)
			}
		}
		return own, err
	}
	fs, err := lint(units)
	if err != nil {
		t.Fatal(err)
	}
	wants := collectWants(t, id, units, fs)
	for _, f := range fs {
		p := f.Pos()
		k := lineKey{f.Span.File.Path, p.Line}
		matched := false
		for _, w := range wants[k] {
			if !w.met && w.re.MatchString(f.Message) {
				w.met, matched = true, true
				break
			}
		}
		if !matched {
			t.Errorf("%s:%d:%d: unexpected %s finding: %s", f.Span.File.Path, p.Line, p.Column, id, f.Message)
		}
	}
	n := 0
	for _, ws := range wants {
		for _, w := range ws {
			n++
			if !w.met {
				t.Errorf("%s:%d: no %s finding matches %q", w.file, w.line, id, w.re)
			}
		}
	}
	checkFixes(t, dir, conf, units, fs, lint)
	return n
}

// checkFixes applies the rule's fixes and compares the changed files with
// the fixture's .fixed goldens.
func checkFixes(t *testing.T, dir, conf string, units []*parser.Unit, fs []*rules.Finding, lint rules.LintFunc) {
	t.Helper()
	stem := strings.TrimSuffix(conf, ".conf")
	got := map[string]string{} // golden path -> text
	if hasFix(fs) {
		res, err := rules.ApplyFixes(units, rules.Info, lint)
		if err != nil {
			t.Fatalf("the rule's fixes are refused: %v", err)
		}
		for _, ff := range res.Files {
			path := ff.File.Abs
			if path == "" {
				path = ff.File.Path
			}
			if path == conf {
				got[stem+".fixed.conf"] = string(ff.New)
				continue
			}
			rel, err := filepath.Rel(dir, path)
			if err != nil || strings.HasPrefix(rel, "..") {
				t.Errorf("a fix changes %s, outside the fixture's folder", path)
				continue
			}
			got[filepath.Join(stem+".fixed", rel)] = string(ff.New)
		}
	}
	if *update {
		_ = os.Remove(stem + ".fixed.conf")
		_ = os.RemoveAll(stem + ".fixed")
		for g, text := range got {
			_ = os.MkdirAll(filepath.Dir(g), 0o755)
			if err := os.WriteFile(g, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for g, text := range got {
		want, err := os.ReadFile(g)
		if err != nil {
			t.Errorf("the rule's fixes change the fixture, and %s is missing (go test -update writes it; review it)", g)
			continue
		}
		if text != string(want) {
			t.Errorf("the rule's fixes give a text that differs from %s\n--- got\n%s--- want\n%s", g, text, want)
		}
	}
	existing := []string{stem + ".fixed.conf"}
	_ = filepath.WalkDir(stem+".fixed", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			existing = append(existing, p)
		}
		return nil
	})
	for _, g := range existing {
		if _, err := os.Stat(g); err != nil {
			continue
		}
		if _, changed := got[g]; !changed {
			t.Errorf("%s exists, but the rule's fixes do not change that file", g)
		}
	}
}

func hasFix(fs []*rules.Finding) bool {
	for _, f := range fs {
		if f.Fix != nil {
			return true
		}
	}
	return false
}

// want is one expectation.
type want struct {
	file string
	line int
	re   *regexp.Regexp
	met  bool
}

type lineKey struct {
	file string
	line int
}

// wantComment finds "# want" and what follows it on a line.
var wantComment = regexp.MustCompile(`#\s*want\s+(.*)$`)

// collectWants reads the expectations of every file of the units and of
// the files findings are in (an included file that does not parse).
func collectWants(t *testing.T, id string, units []*parser.Unit, fs []*rules.Finding) map[lineKey][]*want {
	t.Helper()
	seen := map[*parser.File]bool{}
	var files []*parser.File
	add := func(f *parser.File) {
		if f != nil && !seen[f] {
			seen[f] = true
			files = append(files, f)
		}
	}
	for _, u := range units {
		for _, f := range u.Files() {
			add(f)
		}
	}
	for _, f := range fs {
		add(f.Span.File)
	}
	out := map[lineKey][]*want{}
	for _, f := range files {
		sc := bufio.NewScanner(strings.NewReader(string(f.Src)))
		sc.Buffer(make([]byte, 0, 64*1024), len(f.Src)+1)
		for line := 1; sc.Scan(); line++ {
			text := sc.Text()
			m := wantComment.FindStringSubmatchIndex(text)
			if m == nil {
				continue
			}
			target := line
			if strings.TrimSpace(text[:m[0]]) == "" {
				target = line + 1 // alone on its line: for the next line
			}
			exps, err := parseWants(text[m[2]:m[3]])
			if err != nil {
				t.Fatalf("%s:%d: %v", f.Path, line, err)
			}
			for _, e := range exps {
				if e.id != id {
					t.Fatalf("%s:%d: expects %s, but this is a fixture of %s: a fixture expects findings of its own rule only", f.Path, line, e.id, id)
				}
				out[lineKey{f.Path, target}] = append(out[lineKey{f.Path, target}], &want{file: f.Path, line: target, re: e.re})
			}
		}
	}
	return out
}

type expectation struct {
	id string
	re *regexp.Regexp
}

// parseWants reads `ID "regex" ID "regex"...`.
func parseWants(s string) ([]expectation, error) {
	var out []expectation
	for {
		s = strings.TrimSpace(s)
		if s == "" {
			break
		}
		id, rest, _ := strings.Cut(s, " ")
		rest = strings.TrimSpace(rest)
		lit, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return nil, fmt.Errorf(`want: expected ID "regexp" pairs, got %q`, s)
		}
		pat, _ := strconv.Unquote(lit)
		re, err := regexp.Compile(pat)
		if err != nil {
			return nil, fmt.Errorf("want: %w", err)
		}
		out = append(out, expectation{id: id, re: re})
		s = rest[len(lit):]
	}
	if len(out) == 0 {
		return nil, fmt.Errorf(`want: expected ID "regexp" pairs`)
	}
	return out, nil
}

// options reads NAME.args beside a fixture into lint options.
func options(t *testing.T, dir, conf string) *rules.Options {
	t.Helper()
	opts := &rules.Options{Severities: map[string]rules.Severity{}}
	b, err := os.ReadFile(strings.TrimSuffix(conf, ".conf") + ".args")
	if err != nil {
		return opts
	}
	var args []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			args = append(args, l)
		}
	}
	flags := map[string]rules.Setting{}
	for _, s := range rules.Settings() {
		if s.Flag != "" {
			flags[s.Flag] = s
		}
	}
	values := map[string][]string{}
	for i := 0; i < len(args); i++ {
		name, val, hasVal := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if !hasVal {
			if i+1 >= len(args) {
				t.Fatalf("%s: %s needs a value", conf, args[i])
			}
			i++
			val = args[i]
		}
		switch name {
		case "nginx-version":
			v, err := model.ParseVersion(val)
			if err != nil {
				t.Fatalf("%s: %v", conf, err)
			}
			opts.Version = v
		case "config":
			cfg, err := rules.LoadConfig(filepath.Join(dir, val))
			if err != nil {
				t.Fatalf("%s: %v", conf, err)
			}
			if cfg.NginxVersion != "" && !opts.Version.Known {
				opts.Version, _ = model.ParseVersion(cfg.NginxVersion)
			}
			opts.Severities = cfg.Rules
			for _, o := range cfg.Overrides {
				opts.PathRules = append(opts.PathRules, rules.PathRule{Base: cfg.Dir, Globs: o.Files, Rules: o.Rules})
			}
			for key, vs := range cfg.Settings {
				opts.SetSetting(key, vs, key+" in "+val)
			}
		default:
			s, ok := flags[name]
			if !ok {
				t.Fatalf("%s: ruletest does not know the argument %s", conf, args[i])
			}
			values[s.Key] = append(values[s.Key], val)
			if err := s.CheckFlag([]string{val}); err != nil {
				t.Fatalf("%s: %v", conf, err)
			}
			opts.SetSetting(s.Key, values[s.Key], "--"+s.Flag)
		}
	}
	return opts
}

// moduleRoot is the directory of go.mod above the working directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("ruletest: no go.mod above the working directory")
		}
		dir = parent
	}
}

// CheckDoc checks a rule's documentation examples: Doc.Bad must get a
// finding of the rule and Doc.Good none. An example is linted as a file of
// its own (a fragment such as a server block is read as nginx would include
// it). An example of several files starts each with a comment line naming
// it, "# nginx.conf", "# conf.d/site.conf" (a path ending in .conf); the
// first file is linted, the others exist beside it. "<BOM>" at the start
// of an example stands for the UTF-8 byte-order mark, which readers
// cannot see.
func CheckDoc(t *testing.T, r rules.Rule) {
	t.Helper()
	m := r.Meta()
	if fs := lintText(t, m.Doc.Bad, m.ID); len(fs) == 0 {
		t.Errorf("%s: the documentation's bad example gets no %s finding:\n%s", m.ID, m.ID, m.Doc.Bad)
	}
	for _, f := range lintText(t, m.Doc.Good, m.ID) {
		t.Errorf("%s: the documentation's good example gets a finding: %s\n%s", m.ID, f.Message, m.Doc.Good)
	}
}

// fileHeader is the comment line that starts a file of an example.
var fileHeader = regexp.MustCompile(`^#\s+([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*\.conf)\s*$`)

// lintText lints text as a file of its own and returns the findings of rule id.
func lintText(t *testing.T, text, id string) []*rules.Finding {
	t.Helper()
	dir := t.TempDir()
	files, names := map[string]string{}, []string{}
	name := "example.conf"
	for _, line := range strings.Split(text, "\n") {
		if m := fileHeader.FindStringSubmatch(line); m != nil {
			name = m[1]
			if _, dup := files[name]; !dup {
				names = append(names, name)
			}
			files[name] += ""
			continue
		}
		if len(names) == 0 {
			names = append(names, name)
		}
		files[name] += line + "\n"
	}
	for _, n := range names {
		src := files[n]
		if b, ok := strings.CutPrefix(src, "<BOM>"); ok {
			src = "\ufeff" + b
		}
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, filepath.FromSlash(names[0]))
	units, err := parser.Load([]string{path}, parser.Options{Cwd: filepath.Dir(path)})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := rules.Lint(units, &rules.Options{}, rules.RunOptions{Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	var out []*rules.Finding
	for _, f := range fs {
		if f.Rule.ID == id {
			out = append(out, f)
		}
	}
	return out
}
