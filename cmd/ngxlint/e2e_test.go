package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/parser/nginxtest"
	"github.com/ngxlint/ngxlint/rules"
	"github.com/ngxlint/ngxlint/rules/websocket"
)

// The end-to-end suite: ngxlint's verdict against what a real nginx does
// with a real WebSocket handshake. For every configuration in fixtures/
// (each rule's bad and good fixtures, the official application configs,
// the examples), the same fixtures after "ngxlint fix", and the blocks
// "ngxlint block" prints, it lints the configuration, runs it through
// nginx on loopback (parser/nginxtest rewrites its upstreams to an echo
// backend and its listens to free ports), opens a WebSocket on every path
// where the configuration carries WebSocket, and checks an echo. Then:
//
//   - a configuration nginx -t rejects must get an error from ngxlint;
//   - a path whose handshake or echo fails must get an error from ngxlint
//     at its location, its server or the http level (a warning is enough
//     where only the path looks like WebSocket, and for a socket closed
//     after an idle check);
//   - an error at a location must come with a failure there, an error at
//     a server or http level with a failure somewhere in its scope;
//   - good fixtures, official configs, fixed fixtures with nothing left to
//     fix, and generated blocks must pass nginx -t and echo.
//
// ngxlint runs with --no-inline-ignores (a suppression does not repair
// anything) and with --nginx-version set to the nginx that runs the test.
// fixtures/e2e/cases.yaml holds overrides only: another path, an idle
// check, an echo backend option, a skip with its reason.

const e2eManifest = "../../fixtures/e2e/cases.yaml"

// e2eOverride is one entry of fixtures/e2e/cases.yaml.
type e2eOverride struct {
	// Skip skips the case, saying why the echo setup cannot show it.
	Skip string `yaml:"skip"`
	// SkipFixed skips only the case of the fixture after ngxlint fix.
	SkipFixed string `yaml:"skip-fixed"`
	// Paths are more request paths to open a WebSocket on (declared).
	Paths []string `yaml:"paths"`
	// Idle is how long to stay silent after the first echo before a second.
	Idle string `yaml:"idle"`
	// Echo options of the backend: check-origin, allow-http10.
	Echo []string `yaml:"echo"`
	// Origin is sent with the handshake.
	Origin string `yaml:"origin"`
	// Scale multiplies the read timeouts written in the configuration
	// (proxy_read_timeout 20s with scale 0.1 is 2s), for idle checks.
	Scale float64 `yaml:"scale"`
	// Why explains the override.
	Why string `yaml:"why"`
}

type e2eManifestFile struct {
	Cases map[string]e2eOverride `yaml:"cases"`
}

func loadE2EManifest(t *testing.T) map[string]e2eOverride {
	t.Helper()
	b, err := os.ReadFile(e2eManifest)
	if err != nil {
		t.Fatalf("reading %s: %v", e2eManifest, err)
	}
	var m e2eManifestFile
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("%s: %v", e2eManifest, err)
	}
	for name, o := range m.Cases {
		if o.Idle != "" {
			if _, err := time.ParseDuration(o.Idle); err != nil {
				t.Fatalf("%s: %s: idle %q: %v", e2eManifest, name, o.Idle, err)
			}
		}
		for _, e := range o.Echo {
			if e != "check-origin" && e != "allow-http10" {
				t.Fatalf("%s: %s: unknown echo option %q (check-origin, allow-http10)", e2eManifest, name, e)
			}
		}
		if (o.Skip != "" || o.SkipFixed != "") && len(strings.TrimSpace(o.Skip+o.SkipFixed)) < 10 {
			t.Fatalf("%s: %s: a skip needs its reason", e2eManifest, name)
		}
	}
	return m.Cases
}

// e2eKind says what a case must show.
type e2eKind int

const (
	kindBad      e2eKind = iota // a rule's bad fixture, an example: ngxlint and nginx agree
	kindGood                    // a rule's good fixture: agree, and it works
	kindOfficial                // an official application config: agree, and it works
	kindFixed                   // a bad fixture after ngxlint fix --write: agree; works when nothing is left
	kindBlock                   // the output of ngxlint block: works
	kindFrom                    // a bad fixture with the location ngxlint block --from prints: that path works
)

type e2eCase struct {
	name string // relative to fixtures/, the key in cases.yaml
	conf string // absolute path of the configuration
	args []string
	kind e2eKind
	over e2eOverride
	// mustWork: nginx -t passes and every WebSocket path echoes.
	mustWork bool
	// fromServer is, for kindFrom, the offset of the server directive in
	// the root file (-1 for the server around a fragment) whose path is
	// opened.
	fromServer int
	// soft, when set, turns the case's problems into a skip with this reason.
	soft string
}

// ownProof reports whether a rule's family checks its claim with its own
// end-to-end test (rules.Family.Proof, e.g. the security family's
// attacks): this WebSocket suite then does not run the rule's fixtures and
// does not judge its findings on the other cases (a security error is an
// attack that works, not a handshake that fails).
func ownProof(id string) bool {
	if r, ok := rules.Lookup(id); ok {
		if fam, ok := rules.FamilyOf(r); ok {
			return fam.Proof != ""
		}
	}
	return false
}

// discoverE2E lists the cases from the fixtures on disk: nothing is listed
// by hand, so the fixtures of a new rule are picked up by themselves.
func discoverE2E(t *testing.T, manifest map[string]e2eOverride) []e2eCase {
	t.Helper()
	root, _ := filepath.Abs("../../fixtures")
	var out []e2eCase
	add := func(conf string, kind e2eKind) {
		rel, _ := filepath.Rel(root, conf)
		rel = filepath.ToSlash(rel)
		out = append(out, e2eCase{name: rel, conf: conf, args: caseArgs(conf), kind: kind, over: manifest[rel]})
	}
	ruleDirs, _ := os.ReadDir(filepath.Join(root, "rules"))
	for _, d := range ruleDirs {
		if !d.IsDir() || ownProof(d.Name()) {
			continue
		}
		confs, _ := filepath.Glob(filepath.Join(root, "rules", d.Name(), "*.conf"))
		sort.Strings(confs)
		for _, c := range withoutFixed(confs) {
			switch base := filepath.Base(c); {
			case strings.HasPrefix(base, "bad"):
				add(c, kindBad)
			case strings.HasPrefix(base, "good"):
				add(c, kindGood)
			}
		}
	}
	for _, sub := range []struct {
		dir  string
		kind e2eKind
	}{{"official", kindOfficial}, {"examples", kindBad}} {
		confs, _ := filepath.Glob(filepath.Join(root, sub.dir, "*.conf"))
		sort.Strings(confs)
		for _, c := range confs {
			add(c, sub.kind)
		}
	}
	for name := range manifest {
		if strings.HasPrefix(name, "block/") {
			continue
		}
		if _, err := os.Stat(filepath.Join(root, name)); err != nil {
			t.Errorf("%s names %s, which does not exist: remove or rename the entry", e2eManifest, name)
		}
	}
	return out
}

// e2eBlocks are the ngxlint block invocations whose output must work.
var e2eBlocks = []struct {
	name string
	args []string
	path string // a request path the location serves
	idle time.Duration
}{
	{"block/prefix", []string{"--path", "/ws/", "--upstream", "http://127.0.0.1:9001"}, "/ws/", 0},
	{"block/read-timeout", []string{"--path", "/ws/", "--upstream", "http://127.0.0.1:9001", "--read-timeout", "1h"}, "/ws/chat", time.Second},
	{"block/exact-keepalive", []string{"--path", "= /socket", "--upstream", "http://app.internal:3000", "--keepalive"}, "/socket", 0},
	{"block/no-slash-host", []string{"--path", "^~ /cable", "--upstream", "localhost:3000", "--nginx-version", "1.22.1"}, "/cable", 0},
	{"block/https-upstream", []string{"--path", "/hub", "--upstream", "https://app.internal", "--keepalive", "--upstream-name", "signalr", "--read-timeout", "100s"}, "/hub", 0},
	{"block/regex", []string{"--path", "~ ^/api/v[0-9]+/websocket$", "--upstream", "http://127.0.0.1:8065"}, "/api/v4/websocket", 0},
}

func TestE2E(t *testing.T) {
	nginxtest.Require(t)
	version := nginxtest.Version(t)
	manifest := loadE2EManifest(t)
	cases := discoverE2E(t, manifest)
	if len(cases) < 50 {
		t.Fatalf("found only %d end-to-end cases in fixtures/", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if c.over.Skip != "" {
				t.Skipf("skipped in %s: %s", e2eManifest, c.over.Skip)
			}
			r := runE2E(t, c, version)
			if r == nil || c.kind != kindBad || !r.worthFixing() {
				return
			}
			t.Run("fixed", func(t *testing.T) {
				if c.over.SkipFixed != "" {
					t.Skipf("skipped in %s: %s", e2eManifest, c.over.SkipFixed)
				}
				fixed, ok := fixCopy(t, c, version)
				if !ok {
					return
				}
				fixed.over.Idle = r.idleUsed(c.over.Idle)
				runE2E(t, fixed, version)
			})
			for i, w := range r.targets {
				if o := r.outcomes[i]; o == nil || o.OK() || !w.strong || o.Stage() == "idle" {
					continue
				}
				t.Run("from "+w.path, func(t *testing.T) {
					if c.over.SkipFixed != "" {
						t.Skipf("skipped in %s: %s", e2eManifest, c.over.SkipFixed)
					}
					if from, ok := fromCase(t, c, r, w, version); ok {
						runE2E(t, from, version)
					}
				})
			}
		})
	}
	for _, b := range e2eBlocks {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			if o, ok := manifest[b.name]; ok && o.Skip != "" {
				t.Skipf("skipped in %s: %s", e2eManifest, o.Skip)
			}
			dir := t.TempDir()
			code, out, errOut := runCLI(dir, append([]string{"block"}, b.args...)...)
			if isUnknownCommand(errOut, "block") {
				t.Skip("ngxlint block is not available yet (issue 4)")
			}
			if code != 0 || errOut != "" {
				t.Fatalf("ngxlint block %s: exit %d\n%s%s", strings.Join(b.args, " "), code, out, errOut)
			}
			conf := filepath.Join(dir, "block.conf")
			if err := os.WriteFile(conf, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
			c := e2eCase{name: b.name, conf: conf, kind: kindBlock, over: e2eOverride{Paths: []string{b.path}}, mustWork: true}
			if b.idle > 0 {
				c.over.Idle = b.idle.String()
			}
			runE2E(t, c, version)
		})
	}
}

// cliMu serializes the in-process ngxlint runs of the parallel cases: the
// command table (app.go sorts it in place on every run) and urfave/cli's
// global help and version flags are shared, and go test -race reports
// concurrent runs. A run takes milliseconds; nginx and the probes still
// run in parallel.
var cliMu sync.Mutex

// runCLI runs ngxlint in-process like runIn, one run at a time.
func runCLI(dir string, args ...string) (code int, stdout, stderr string) {
	cliMu.Lock()
	defer cliMu.Unlock()
	return runIn(dir, "", args...)
}

func isUnknownCommand(stderr, cmd string) bool {
	return strings.Contains(stderr, fmt.Sprintf("unknown command %q", cmd))
}

// e2eArgs returns a fixture's arguments with --nginx-version set to the
// nginx that runs the test, and the version the fixture targets ("" when
// it names none).
func e2eArgs(args []string, version string) ([]string, string) {
	var out []string
	target := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--nginx-version" && i+1 < len(args):
			target = args[i+1]
			i++
			continue
		case strings.HasPrefix(a, "--nginx-version="):
			target = strings.TrimPrefix(a, "--nginx-version=")
			continue
		}
		out = append(out, a)
	}
	return append(out, "--nginx-version", version), target
}

// withoutFlag removes a flag and its value.
func withoutFlag(args []string, name string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		switch {
		case args[i] == name && i+1 < len(args):
			i++
		case strings.HasPrefix(args[i], name+"="):
		default:
			out = append(out, args[i])
		}
	}
	return out
}

// flagValues returns the values of a repeatable flag.
func flagValues(args []string, name string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		if args[i] == name && i+1 < len(args) {
			out = append(out, args[i+1])
			i++
		} else if v, ok := strings.CutPrefix(args[i], name+"="); ok {
			out = append(out, v)
		}
	}
	return out
}

// e2eFinding is one finding of ngxlint lint --format json.
type e2eFinding struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	Rule      string `json:"rule"`
	Severity  string `json:"severity"`
	Message   string `json:"message"`
	Fixable   bool   `json:"fixable"`

	file  *parser.File // the file it is in, as the suite loaded it
	start int
}

func (f *e2eFinding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s [%s]", f.File, f.Line, f.Column, f.Severity, f.Message, f.Rule)
}

func (f *e2eFinding) isError() bool { return f.Severity == "error" }

func (f *e2eFinding) key() string {
	return fmt.Sprintf("%s:%d:%d:%s", f.File, f.Line, f.Column, f.Rule)
}

// minus returns the findings of a that are not in b.
func minus(a, b []*e2eFinding) []*e2eFinding {
	in := map[string]bool{}
	for _, f := range b {
		in[f.key()] = true
	}
	var out []*e2eFinding
	for _, f := range a {
		if !in[f.key()] {
			out = append(out, f)
		}
	}
	return out
}

func hasError(fs []*e2eFinding) bool {
	for _, f := range fs {
		if f.isError() {
			return true
		}
	}
	return false
}
func (f *e2eFinding) atLeastWarning() bool {
	return f.Severity == "error" || f.Severity == "warning"
}

// e2eResult is what one case found, for the fixed variant.
type e2eResult struct {
	findings []*e2eFinding
	idle     time.Duration
	site     *nginxtest.Site
	targets  []wsTarget
	outcomes []*nginxtest.Outcome
}

// worthFixing: a fixable error, or a fixable warning where a path failed
// (a socket closed by a short timeout).
func (r *e2eResult) worthFixing() bool {
	failed := false
	for _, o := range r.outcomes {
		failed = failed || o != nil && !o.OK()
	}
	for _, f := range r.findings {
		if f.Fixable && (f.isError() || failed && f.atLeastWarning()) {
			return true
		}
	}
	return false
}

// idleUsed is the idle check of the fixed variant: the bad fixture's.
func (r *e2eResult) idleUsed(manifest string) string {
	if manifest != "" {
		return manifest
	}
	if r.idle > 0 {
		return r.idle.String()
	}
	return ""
}

// fixCopy copies the fixture's folder, runs ngxlint fix --write on the
// copy, and returns the case of the fixed file. It must work when fix left
// nothing to fix.
func fixCopy(t *testing.T, c e2eCase, version string) (e2eCase, bool) {
	t.Helper()
	src := filepath.Dir(c.conf)
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := copyTree(src, dst); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dst, filepath.Base(c.conf))
	args, _ := e2eArgs(c.args, version)
	code, out, errOut := runCLI(dst, append(append([]string{"fix", "--write"}, args...), conf)...)
	if isUnknownCommand(errOut, "fix") {
		t.Skip("ngxlint fix is not available yet (issue 4)")
	}
	if code == 2 {
		t.Errorf("ngxlint fix --write %s: exit 2 (the fix was refused)\n%s%s", filepath.Base(conf), out, errOut)
		return e2eCase{}, false
	}
	fixed := e2eCase{name: c.name + " (fixed)", conf: conf, args: c.args, kind: kindFixed, over: c.over, mustWork: code == 0}
	fixed.over.Why = "ngxlint fix --write: exit " + fmt.Sprint(code) + "\n" + errOut
	return fixed, true
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// lintE2E runs ngxlint lint on the case (with inline suppressions in effect, or
// with --no-inline-ignores) and places each finding in the files the suite
// loaded.
func lintE2E(t *testing.T, c e2eCase, version string, unit *parser.Unit, noIgnores bool) []*e2eFinding {
	t.Helper()
	dir := filepath.Dir(c.conf)
	args, _ := e2eArgs(c.args, version)
	all := []string{"lint", "--format", "json", "--fail-level", "info"}
	if noIgnores {
		// every finding: no inline suppression, no rule turned off by a
		// configuration file
		empty := filepath.Join(t.TempDir(), "empty.ngxlint.yml")
		if err := os.WriteFile(empty, []byte("{}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		all = append(all, "--no-inline-ignores", "--config", empty)
		args = withoutFlag(args, "--config")
	}
	all = append(append(all, args...), c.conf)
	code, out, errOut := runCLI(dir, all...)
	if code == 2 {
		t.Fatalf("ngxlint %s: exit 2\n%s%s", strings.Join(all, " "), out, errOut)
	}
	var res struct {
		Findings []*e2eFinding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("ngxlint lint --format json: %v\n%s", err, out)
	}
	files := map[string]*parser.File{}
	for _, f := range unit.Files() {
		if f.Abs != "" {
			files[f.Abs] = f
		}
	}
	for _, f := range res.Findings {
		abs := f.File
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(dir, abs)
		}
		if pf := files[abs]; pf != nil {
			f.file = pf
			f.start = pf.Offset(parser.Position{Line: f.Line, Column: f.Column})
		}
	}
	return res.Findings
}

// within reports whether a finding lies in a location-like block: its
// directive, or a directive it reads through an include.
func within(f *e2eFinding, b *model.Block) bool {
	if f.file == nil {
		return false
	}
	if b.Synthetic {
		for _, e := range b.Directives {
			if e.D.File == f.file {
				return true
			}
		}
		return false
	}
	if d := b.Dir; d != nil && d.File == f.file && f.start >= d.Start() && f.start < int(d.End) {
		return true
	}
	var in func(b *model.Block) bool
	in = func(b *model.Block) bool {
		for _, e := range b.Directives {
			if e.D.File == f.file && f.start >= e.D.Start() && f.start < int(e.D.End) {
				return true
			}
		}
		for _, c := range b.Children {
			if in(c) {
				return true
			}
		}
		return false
	}
	return in(b)
}

// chain is every location-like level a request to target meets or was
// meant for: the location its path was derived from, the prefix location
// that would serve it without regexes, the location nginx picks for it,
// the one that serves it in the end, and their enclosing locations.
func chain(w wsTarget) []*model.Block {
	var out []*model.Block
	seen := map[*model.Block]bool{}
	add := func(b *model.Block) {
		for l := b; l != nil && l.Kind != model.Server; l = l.Parent {
			if !seen[l] {
				seen[l] = true
				out = append(out, l)
			}
		}
	}
	if w.loc != nil {
		add(w.loc)
	}
	if w.srv != nil {
		if p := w.srv.PrefixLocation(w.path); p != nil {
			add(p)
		}
		if m := w.srv.FindLocation(w.path); m.Loc != nil {
			add(m.Loc)
			add(websocket.Serving(m.Loc))
		}
	}
	return out
}

// scope says where a finding sits: at a location-like level, in a server
// outside its locations, or elsewhere (http, main, a load problem).
// portPeers returns, for a finding made at a listen directive, the servers
// listening on the same port; nil otherwise.
func portPeers(f *e2eFinding, cfg *model.Config) map[*model.Block]bool {
	port := -1
	for _, s := range cfg.Servers {
		for _, l := range s.Listens() {
			if l.D.File == f.file && f.start >= l.D.Start() && f.start < int(l.D.End) {
				port = l.Port
			}
		}
	}
	if port < 0 {
		return nil
	}
	peers := map[*model.Block]bool{}
	for _, s := range cfg.Servers {
		ls := s.Listens()
		if len(ls) == 0 && port == model.DefaultListenPort {
			peers[s] = true
		}
		for _, l := range ls {
			if l.Port == port {
				peers[s] = true
			}
		}
	}
	return peers
}

func scope(f *e2eFinding, cfg *model.Config) (loc bool, srv *model.Block) {
	for _, l := range cfg.Locations {
		if within(f, l) {
			return true, l.Server()
		}
	}
	for _, s := range cfg.Servers {
		if s.Synthetic {
			for _, e := range s.Directives {
				if e.D.File == f.file && f.start >= e.D.Start() && f.start < int(e.D.End) {
					return false, s
				}
			}
			continue
		}
		if d := s.Dir; d != nil && d.File == f.file && f.start >= d.Start() && f.start < int(d.End) {
			return false, s
		}
		for _, e := range s.Directives {
			if e.D.File == f.file && f.start >= e.D.Start() && f.start < int(e.D.End) {
				return false, s
			}
		}
	}
	return false, nil
}
