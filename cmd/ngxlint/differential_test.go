package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ngxlint/ngxlint/parser/nginxtest"
	"github.com/ngxlint/ngxlint/parser/nginxtest/mutate"
	"github.com/ngxlint/ngxlint/rules"
)

// The differential suite: mutants of our own configuration trees
// (fixtures/differential), each one small edit of one file, judged by a real
// nginx -t and by ngxlint. It measures the claim of the errors that say
// "nginx -t refuses this": for a mutant nginx refuses, ngxlint must report an
// error on the file and line nginx names; for a mutant nginx accepts, it must
// report no such error.
const (
	diffSeed    = 12  // the mutants are the same on every run
	diffMutants = 540 // 60 per operator; about a minute on 2 CPUs
	// diffMinAgreement is the ratchet: the share of refused mutants on which
	// ngxlint reports an error on nginx's line, as main achieves it (raise it
	// whenever main does better). The target is diffTarget.
	diffMinAgreement = 0.75
	diffTarget       = 0.95
	// diffReportEnv names a file the suite writes its tables and every
	// disagreement into (markdown), for the README and for work on rules.
	diffReportEnv = "NGXLINT_DIFF_REPORT"
	// diffSizeEnv and diffSeedEnv draw another sample, larger or with
	// another seed, for work on rules: NGXLINT_DIFF_MUTANTS=3000. The
	// ratchet and the false-error check apply to it too.
	diffSizeEnv = "NGXLINT_DIFF_MUTANTS"
	diffSeedEnv = "NGXLINT_DIFF_SEED"
)

// diffSample returns the number of mutants and the seed: the constants, or
// the environment's.
func diffSample(t *testing.T) (int, uint64) {
	t.Helper()
	n, seed := diffMutants, uint64(diffSeed)
	if v := os.Getenv(diffSizeEnv); v != "" {
		x, err := strconv.Atoi(v)
		if err != nil || x < 1 {
			t.Fatalf("%s=%q: want a positive number", diffSizeEnv, v)
		}
		n = x
	}
	if v := os.Getenv(diffSeedEnv); v != "" {
		x, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: want a number", diffSeedEnv, v)
		}
		seed = x
	}
	return n, seed
}

// configTimeWS are the WebSocket rules whose errors claim that nginx -t
// refuses the configuration (a map outside http, a directive not allowed in
// if, an undefined variable, a bad time value, proxy_http_version 2 before
// 1.29.4). The other WS errors claim what happens at run time (the handshake
// fails), which nginx -t cannot see: they are allowed on accepted mutants,
// and they do not count as agreement on refused ones. So are the errors of
// every family whose claim is not rules.NginxRejects (the security family's
// attacks, rules.EffectShows); the NGX families (syntax and loading, the
// correctness family) make the nginx -t claim.
var configTimeWS = map[string]bool{"WS005": true, "WS010": true, "WS011": true, "WS012": true, "WS029": true}

// runtimeError reports whether an error finding claims what happens at run
// time rather than that nginx -t refuses the configuration.
func runtimeError(rule string) bool {
	if strings.HasPrefix(rule, "WS") {
		return !configTimeWS[rule]
	}
	if r, ok := rules.Lookup(rule); ok {
		if fam, ok := rules.FamilyOf(r); ok {
			return fam.Claim != rules.NginxRejects && fam.Claim != rules.NoClaim
		}
	}
	return false
}

type diffVerdict int

const (
	diffAgree     diffVerdict = iota // refused; ngxlint has an error on nginx's line
	diffElsewhere                    // refused; ngxlint's errors are on other lines
	diffMissed                       // refused; no error from ngxlint
	diffAccepted                     // accepted; no nginx -t error from ngxlint
	diffFalse                        // accepted; ngxlint reports an nginx -t error
)

type diffResult struct {
	m        *mutate.Mutant
	ok       bool   // nginx -t accepted it
	msg      string // nginx's [emerg] message, without "in FILE:LINE"
	file     string // where nginx says, relative to the tree ("" when it names no place)
	line     int
	errs     []*e2eFinding // ngxlint's errors that claim nginx -t refuses
	runtime  []*e2eFinding // ngxlint's run-time errors
	verdict  diffVerdict
	problem  string // the harness failed on this mutant
	nginxOut string
}

// emergRE reads nginx's first [emerg] line. nginx names no file for some
// errors ("no "events" section"), and "in :0" for those it finds after
// reading every file (an unknown variable).
var emergRE = regexp.MustCompile(`(?m)^nginx: \[emerg\] (.*?)(?: in (\S*):(\d+))?$`)

func TestDifferential(t *testing.T) {
	bin := nginxtest.Require(t)
	version := nginxtest.Version(t)
	root, _ := filepath.Abs("../../fixtures/differential")
	dirs, _ := filepath.Glob(filepath.Join(root, "*"))
	var trees []*mutate.Tree
	for _, d := range dirs {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			tr, err := mutate.LoadTree(d)
			if err != nil {
				t.Fatal(err)
			}
			trees = append(trees, tr)
		}
	}
	if len(trees) < 4 {
		t.Fatalf("expected the configuration trees of %s, found %d", root, len(trees))
	}
	ports := diffPorts(t, trees)
	work := t.TempDir()
	cfg := filepath.Join(work, "ngxlint.yml")
	if err := os.WriteFile(cfg, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	// The trees themselves: nginx accepts them and ngxlint says nothing
	// worse than info, so what the mutants show is the mutation's doing.
	for i, tr := range trees {
		m := &mutate.Mutant{Tree: tr, File: "nginx.conf"}
		r := diffRun(t, bin, version, cfg, filepath.Join(work, fmt.Sprintf("tree%d", i)), m, ports)
		switch {
		case r.problem != "":
			t.Fatalf("tree %s: %s", tr.Name, r.problem)
		case !r.ok:
			t.Fatalf("nginx -t refuses the tree %s itself:\n%s", tr.Name, r.nginxOut)
		case len(r.errs)+len(r.runtime) > 0:
			t.Fatalf("ngxlint reports an error on the tree %s itself: %s", tr.Name, append(r.errs, r.runtime...)[0])
		}
	}

	size, seed := diffSample(t)
	mutants := mutate.Generate(trees, seed, size)
	results := make([]*diffResult, len(mutants))
	sem := make(chan struct{}, 2) // nginx -t runs, two at a time
	var wg sync.WaitGroup
	for i, m := range mutants {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			dir := filepath.Join(work, strconv.Itoa(i))
			results[i] = diffRun(t, bin, version, cfg, dir, m, ports)
			_ = os.RemoveAll(dir)
		}()
	}
	wg.Wait()

	for _, r := range results {
		if r.problem != "" {
			t.Errorf("%s: %s", r.m.ID(), r.problem)
		}
	}
	report := diffReport(results, version, seed)
	t.Log("\n" + report.tables)
	if p := os.Getenv(diffReportEnv); p != "" {
		if err := os.WriteFile(p, []byte(report.tables+"\n"+report.details), 0o644); err != nil {
			t.Error(err)
		}
	}
	if *update && size == diffMutants && seed == diffSeed {
		if err := diffUpdateReadme(report.tables); err != nil {
			t.Error(err)
		}
	}
	for _, r := range results {
		if r.verdict == diffFalse {
			t.Errorf("nginx -t accepts %s, but ngxlint reports an error: %s", r.m.ID(), r.errs[0])
		}
	}
	if report.refused == 0 {
		t.Fatal("nginx refused no mutant: the generator or the harness is broken")
	}
	share := float64(report.agree) / float64(report.refused)
	if share < diffMinAgreement {
		t.Errorf("ngxlint reports an error on nginx's line for %.1f%% of the refused mutants, below the ratchet of %.0f%% (target %.0f%%); set %s=FILE for every disagreement",
			100*share, 100*diffMinAgreement, 100*diffTarget, diffReportEnv)
	}
}

// diffPorts gives every loopback listen port of the trees (127.0.0.1:18000 to 18199)
// a free port, so no fixed port is ever used.
func diffPorts(t *testing.T, trees []*mutate.Tree) map[string]string {
	t.Helper()
	re := regexp.MustCompile(`127\.0\.0\.1:18[01][0-9][0-9]\b`)
	out := map[string]string{}
	for _, tr := range trees {
		for _, b := range tr.Files {
			for _, a := range re.FindAll(b, -1) {
				if _, ok := out[string(a)]; ok {
					continue
				}
				l, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				out[string(a)] = l.Addr().String()
				_ = l.Close()
			}
		}
	}
	return out
}

// diffRun writes one mutant into dir, runs nginx -t and ngxlint on it, and
// classifies the pair of verdicts.
func diffRun(t *testing.T, bin, version, cfg, dir string, m *mutate.Mutant, ports map[string]string) *diffResult {
	r := &diffResult{m: m}
	files := m.Files()
	if m.Edits == nil {
		files = m.Tree.Files
	}
	for name, b := range files {
		s := string(b)
		for from, to := range ports {
			s = strings.ReplaceAll(s, from, to)
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			r.problem = err.Error()
			return r
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			r.problem = err.Error()
			return r
		}
	}
	ok, out, err := nginxtest.TestDir(bin, dir)
	if err != nil {
		r.problem = err.Error()
		return r
	}
	r.ok, r.nginxOut = ok, out
	if !ok {
		sm := emergRE.FindStringSubmatch(out)
		if sm == nil {
			r.problem = "nginx -t fails without an [emerg] line:\n" + out
			return r
		}
		r.msg = sm[1]
		if sm[2] != "" && sm[3] != "0" {
			rel, err := filepath.Rel(dir, sm[2])
			if err != nil || strings.HasPrefix(rel, "..") {
				r.problem = "nginx names a file outside the tree: " + sm[0]
				return r
			}
			r.file = filepath.ToSlash(rel)
			r.line, _ = strconv.Atoi(sm[3])
		}
	}

	code, stdout, stderr, panicked := diffLint(dir, "lint", "--format", "json", "--fail-level", "info", "--config", cfg,
		"--nginx-version", version, "nginx.conf")
	if panicked != "" {
		r.problem = "ngxlint panics: " + panicked
		return r
	}
	if code == 2 {
		r.problem = fmt.Sprintf("ngxlint exits 2: %s%s", stdout, stderr)
		return r
	}
	var res struct {
		Findings []*e2eFinding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		r.problem = fmt.Sprintf("ngxlint --format json: %v\n%s", err, stdout)
		return r
	}
	for _, f := range res.Findings {
		if f.Severity != "error" {
			continue
		}
		if filepath.IsAbs(f.File) {
			if rel, err := filepath.Rel(dir, f.File); err == nil {
				f.File = rel
			}
		}
		f.File = filepath.ToSlash(f.File)
		if runtimeError(f.Rule) {
			r.runtime = append(r.runtime, f)
		} else {
			r.errs = append(r.errs, f)
		}
	}

	switch {
	case r.ok && len(r.errs) > 0:
		r.verdict = diffFalse
	case r.ok:
		r.verdict = diffAccepted
	case len(r.errs) == 0:
		r.verdict = diffMissed
	case r.file == "":
		// nginx names no place ("no events section"): any error agrees.
		r.verdict = diffAgree
	default:
		r.verdict = diffElsewhere
		for _, f := range r.errs {
			if f.File == r.file && f.Line == r.line {
				r.verdict = diffAgree
			}
		}
	}
	return r
}

// diffLint runs ngxlint in process, and turns a panic into a report on
// this mutant instead of the end of the test binary.
func diffLint(dir string, args ...string) (code int, stdout, stderr, panicked string) {
	defer func() {
		if v := recover(); v != nil {
			stack := strings.SplitN(string(debug.Stack()), "\n", 24)
			panicked = fmt.Sprintf("%v\n%s", v, strings.Join(stack[:len(stack)-1], "\n"))
		}
	}()
	code, stdout, stderr = runCLI(dir, args...)
	return code, stdout, stderr, ""
}

// nginxSays sorts nginx's messages into the classes of issue 12.
var nginxSays = []struct {
	name string
	re   *regexp.Regexp
}{
	{"unknown directive", regexp.MustCompile(`^unknown directive`)},
	{"invalid number of arguments", regexp.MustCompile(`^invalid number of arguments|^invalid number of the \w+ parameters|^invalid parameters number`)},
	{"not allowed here", regexp.MustCompile(`is not allowed here`)},
	{"duplicate", regexp.MustCompile(`is duplicate|^duplicate|a duplicate default server|duplicate location|conflicting`)},
	{"invalid regex", regexp.MustCompile(`pcre2?_compile\(\) failed`)},
	{"unexpected / unterminated", regexp.MustCompile(`^unexpected|not terminated by|has no opening|^unbalanced`)},
	{"unknown variable", regexp.MustCompile(`^unknown ".*" variable`)},
	{"invalid value", regexp.MustCompile(`invalid|must be|not a valid|is not|unknown`)},
}

func nginxClass(msg string) string {
	for _, c := range nginxSays {
		if c.re.MatchString(msg) {
			return c.name
		}
	}
	return "other"
}

type diffCounts struct {
	total, refused, agree, elsewhere, missed, accepted, falseErr, runtimeOnAccepted int
}

func (c *diffCounts) add(r *diffResult) {
	c.total++
	switch r.verdict {
	case diffAgree:
		c.agree++
	case diffElsewhere:
		c.elsewhere++
	case diffMissed:
		c.missed++
	case diffAccepted:
		c.accepted++
	case diffFalse:
		c.falseErr++
	}
	if !r.ok {
		c.refused++
	} else if len(r.runtime) > 0 {
		c.runtimeOnAccepted++
	}
}

func pct(a, b int) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(a)/float64(b))
}

type diffSummary struct {
	tables, details string
	refused, agree  int
}

func diffReport(results []*diffResult, version string, seed uint64) diffSummary {
	byOp := map[mutate.Op]*diffCounts{}
	byClass := map[string]*diffCounts{}
	all := &diffCounts{}
	for _, r := range results {
		if r.problem != "" {
			continue
		}
		if byOp[r.m.Op] == nil {
			byOp[r.m.Op] = &diffCounts{}
		}
		byOp[r.m.Op].add(r)
		all.add(r)
		if !r.ok {
			cl := nginxClass(r.msg)
			if byClass[cl] == nil {
				byClass[cl] = &diffCounts{}
			}
			byClass[cl].add(r)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d mutants (seed %d) of the trees in fixtures/differential, nginx %s:\n\n", all.total, seed, version)
	b.WriteString("| operator | mutants | nginx -t refuses | error on nginx's line | error elsewhere | missed | nginx -t accepts | false errors |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|\n")
	row := func(name string, c *diffCounts) {
		fmt.Fprintf(&b, "| %s | %d | %d | %d (%s) | %d | %d | %d | %d |\n", name, c.total, c.refused,
			c.agree, pct(c.agree, c.refused), c.elsewhere, c.missed, c.accepted+c.falseErr, c.falseErr)
	}
	for _, op := range mutate.Ops {
		if c := byOp[op]; c != nil {
			row(string(op), c)
		}
	}
	row("**all**", all)
	b.WriteString("\n| what nginx says | refused | error on nginx's line | error elsewhere | missed |\n")
	b.WriteString("|---|---:|---:|---:|---:|\n")
	classes := make([]string, 0, len(byClass))
	for cl := range byClass {
		classes = append(classes, cl)
	}
	sort.Slice(classes, func(i, j int) bool { return byClass[classes[i]].refused > byClass[classes[j]].refused })
	for _, cl := range classes {
		c := byClass[cl]
		fmt.Fprintf(&b, "| %s | %d | %d (%s) | %d | %d |\n", cl, c.refused, c.agree, pct(c.agree, c.refused), c.elsewhere, c.missed)
	}
	if all.runtimeOnAccepted > 0 {
		fmt.Fprintf(&b, "\n%d accepted mutants carry a run-time error (WebSocket or security; allowed).\n", all.runtimeOnAccepted)
	}

	var d strings.Builder
	d.WriteString("## Disagreements\n\n")
	for _, r := range results {
		switch r.verdict {
		case diffAgree, diffAccepted:
			continue
		}
		if r.problem != "" {
			continue
		}
		fmt.Fprintf(&d, "- %s\n", r.m.ID())
		switch r.verdict {
		case diffFalse:
			fmt.Fprintf(&d, "  - nginx -t accepts; ngxlint: %s\n", r.errs[0])
		default:
			fmt.Fprintf(&d, "  - nginx: %s in %s:%d\n", r.msg, r.file, r.line)
			if len(r.errs) > 0 {
				fmt.Fprintf(&d, "  - ngxlint: %s\n", r.errs[0])
			} else {
				d.WriteString("  - ngxlint: no error\n")
			}
		}
	}
	d.WriteString("\n## Accepted by nginx -t\n\n")
	for _, r := range results {
		if r.problem == "" && r.ok {
			fmt.Fprintf(&d, "- %s\n", r.m.ID())
			for _, f := range r.runtime {
				fmt.Fprintf(&d, "  - ngxlint (run time, allowed): %s\n", f)
			}
		}
	}
	return diffSummary{tables: b.String(), details: d.String(), refused: all.refused, agree: all.agree}
}

// diffUpdateReadme writes the tables between the differential markers of
// README.md (go test ./cmd/ngxlint -run Differential -update).
func diffUpdateReadme(tables string) error {
	const path = "../../README.md"
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	text := string(src)
	const open, end = "<!-- differential:begin -->\n", "<!-- differential:end -->"
	i, j := strings.Index(text, open), strings.Index(text, end)
	if i < 0 || j < i {
		return fmt.Errorf("README.md has no %q / %q markers", strings.TrimSpace(open), end)
	}
	text = text[:i+len(open)] + tables + text[j:]
	return os.WriteFile(path, []byte(text), 0o644)
}
