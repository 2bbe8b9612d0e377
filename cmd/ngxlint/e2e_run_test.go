package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/parser/nginxtest"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
	"github.com/ngxlint/ngxlint/rules/websocket"
)

// autoIdleMax: a path whose proxy_read_timeout is at most this gets an idle
// check of its timeout plus a second, so a fixture with a short timeout
// shows the socket closing without an entry in cases.yaml.
const autoIdleMax = 3 * time.Second

// runE2E runs one case: lint, nginx -t, start, a WebSocket on every path,
// and the agreement checks. It returns what it found, for the cases built
// on it (after ngxlint fix, with block --from).
func runE2E(t *testing.T, c e2eCase, version string) *e2eResult {
	t.Helper()
	dir := filepath.Dir(c.conf)
	_, target := e2eArgs(c.args, version)
	installed, _ := spec.ParseVersion(version)
	later := false // the fixture is written for a later nginx
	if tv, err := spec.ParseVersion(target); err == nil && tv.Known && installed.Less(tv) {
		later = true
	}
	why := ""
	if c.kind == kindGood || c.kind == kindOfficial {
		c.mustWork = true
	}
	if later && c.mustWork {
		c.mustWork = false
		why = fmt.Sprintf("it targets nginx %s, later than the %s that runs the test: only the agreement is checked", target, version)
	}

	load := parser.Options{Cwd: dir}
	for _, p := range flagValues(c.args, "--prefix") {
		load.Prefix = absIn(dir, p)
	}
	for _, pm := range flagValues(c.args, "--path-map") {
		m, err := parser.ParsePathMap(pm)
		if err != nil {
			t.Fatal(err)
		}
		m.To = absIn(dir, m.To)
		load.PathMaps = append(load.PathMaps, m)
	}
	var echo []nginxtest.EchoOption
	for _, e := range c.over.Echo {
		switch e {
		case "check-origin":
			echo = append(echo, nginxtest.CheckOrigin())
		case "allow-http10":
			echo = append(echo, nginxtest.AllowHTTP10())
		}
	}
	site, err := nginxtest.Prepare(t, c.conf, nginxtest.SiteOptions{Load: load, Echo: echo,
		SplitLocations: c.kind == kindBlock, TimeoutScale: c.over.Scale})
	if err != nil {
		t.Fatalf("preparing %s: %v", c.conf, err)
	}

	var findings, suppressed []*e2eFinding
	if c.kind != kindBlock && c.kind != kindFrom {
		// The output of ngxlint block is two pieces for two places, not a
		// file, and a fixture with one location corrected still has its
		// other faults: only nginx's verdict on them is checked.
		findings = lintE2E(t, c, version, site.Unit, false)
		suppressed = minus(lintE2E(t, c, version, site.Unit, true), findings)
	}
	cfg := model.Build(site.Unit, model.Options{Version: installed})
	var targets []wsTarget
	switch c.kind {
	case kindBlock:
		for _, p := range c.over.Paths {
			targets = append(targets, wsTarget{path: p, why: "ngxlint block --path", strong: true})
		}
	case kindFrom:
		for _, srv := range cfg.Servers {
			if srv.Dir == nil && c.fromServer < 0 || srv.Dir != nil && srv.Dir.File == site.Unit.Root && srv.Dir.Start() == c.fromServer {
				m := srv.FindLocation(c.over.Paths[0])
				targets = append(targets, wsTarget{srv: srv, loc: m.Loc, path: c.over.Paths[0], why: "the location ngxlint block --from prints", strong: true})
			}
		}
	default:
		targets = wsTargets(cfg, flagValues(c.args, "--ws-path"), c.over.Paths)
	}

	site.Start(t)
	if !site.TestOK && !hasError(findings) {
		// nginx -t fails where ngxlint says nothing: fine when the test
		// nginx lacks what the configuration is written for.
		if m := unknownDirective.FindStringSubmatch(site.TestOutput); m != nil {
			t.Skipf("nginx %s does not know the directive %q (a module or a later nginx): it cannot run this configuration\n%s", version, m[1], site.TestOutput)
		}
		if later {
			t.Skipf("it targets nginx %s, and the nginx %s that runs the test rejects it:\n%s", target, version, site.TestOutput)
		}
	}
	res := &e2eResult{findings: findings, site: site, targets: targets}
	var idle time.Duration
	if c.over.Idle != "" {
		idle, _ = time.ParseDuration(c.over.Idle)
	}
	outcomes := make([]*nginxtest.Outcome, len(targets))
	skipped := make([]string, len(targets))
	for i, w := range targets {
		skipped[i] = skipReason(w, cfg, suppressed)
	}
	if site.Nginx != nil {
		for i, w := range targets {
			if skipped[i] != "" {
				continue
			}
			tg := nginxtest.Target{Path: w.path, Idle: idle}
			if w.srv != nil {
				tg.Server = w.srv.Dir
			}
			if tg.Idle == 0 {
				tg.Idle = autoIdle(w)
			}
			if tg.Idle > res.idle {
				res.idle = tg.Idle
			}
			if c.over.Origin != "" {
				tg.Header = http.Header{"Origin": {c.over.Origin}}
			}
			outcomes[i] = site.Probe(t, tg)
		}
	}

	// A redirect to https:// on a server whose TLS the test dropped: a
	// wss:// client would not get it, so nginx's verdict is unknown.
	for i, w := range targets {
		if o := outcomes[i]; o != nil && redirectToHTTPS(o) && w.srv != nil {
			if srv := site.Server(w.srv.Dir); srv != nil && hasTLS(srv) {
				skipped[i] = "a redirect to https:// on a server with TLS, which the test drops: a wss:// client is not redirected (" + o.String() + ")"
				outcomes[i] = nil
			}
		}
	}
	res.outcomes = outcomes
	problems := judge(c, cfg, site, targets, outcomes, findings)
	var rep strings.Builder
	fmt.Fprintf(&rep, "%s (%s)", c.name, kindName(c.kind))
	if why != "" {
		fmt.Fprintf(&rep, "; %s", why)
	}
	if c.over.Why != "" {
		fmt.Fprintf(&rep, "\n%s", strings.TrimSpace(c.over.Why))
	}
	switch {
	case !site.TestOK:
		fmt.Fprintf(&rep, "\nnginx -t fails:\n%s", indentLines(site.TestOutput))
	case site.StartErr != nil:
		fmt.Fprintf(&rep, "\nnginx -t passes, but nginx does not start: %v", site.StartErr)
	default:
		fmt.Fprintf(&rep, "\nnginx -t passes")
	}
	if site.TestOK && site.StartErr == nil && len(targets) == 0 {
		rep.WriteString("; no WebSocket path in it")
	}
	for i, w := range targets {
		fmt.Fprintf(&rep, "\n  %s:", w)
		if o := outcomes[i]; o != nil {
			fmt.Fprintf(&rep, "\n    %s", strings.ReplaceAll(o.String(), "\n", "\n    "))
		} else if skipped[i] != "" {
			fmt.Fprintf(&rep, "\n    not opened: %s", skipped[i])
		}
	}
	for _, n := range site.Notes {
		fmt.Fprintf(&rep, "\n  note: %s", n)
	}
	if len(findings) == 0 && c.kind != kindBlock && c.kind != kindFrom {
		rep.WriteString("\nngxlint: no findings")
	}
	for _, f := range findings {
		fmt.Fprintf(&rep, "\nngxlint: %s", f)
	}
	for _, f := range suppressed {
		fmt.Fprintf(&rep, "\nngxlint (suppressed inline): %s", f)
	}
	if len(problems) > 0 && c.soft != "" {
		t.Skipf("%s\n%s\n\nproblems:\n- %s", c.soft, rep.String(), strings.Join(problems, "\n- "))
	}
	if len(problems) > 0 {
		t.Errorf("%s\n\nPROBLEMS:\n- %s\n\nthe configuration nginx ran:\n%s", rep.String(), strings.Join(problems, "\n- "), site.Describe())
	} else {
		t.Log(rep.String())
	}
	return res
}

func kindName(k e2eKind) string {
	return [...]string{"bad fixture: ngxlint and nginx must agree", "good fixture: must work", "official configuration: must work",
		"after ngxlint fix", "ngxlint block output: must work", "with the location ngxlint block --from prints: its path must work"}[k]
}

func absIn(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

func indentLines(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

// autoIdle is the idle check for a path whose proxy_read_timeout is short.
func autoIdle(w wsTarget) time.Duration {
	if w.srv == nil {
		return 0
	}
	m := w.srv.FindLocation(w.path)
	if m.Loc == nil {
		return 0
	}
	e, ok := websocket.Serving(m.Loc).Scalar("proxy_read_timeout")
	if !ok {
		return 0
	}
	ms, err := model.ParseTime(e.D.Arg(0), false)
	if err != nil || ms <= 0 || time.Duration(ms)*time.Millisecond > autoIdleMax {
		return 0
	}
	return time.Duration(ms)*time.Millisecond + time.Second
}

var unknownDirective = regexp.MustCompile(`unknown directive "([a-z][a-z0-9_]*)"`)

// skipReason says why a path is not opened: the echo backend speaks HTTP
// only (uwsgi_pass, scgi_pass tunnel WebSockets to uWSGI and SCGI servers),
// or an inline suppression in the configuration covers it (the author says
// it is no WebSocket, or accepts the risk).
func skipReason(w wsTarget, cfg *model.Config, suppressed []*e2eFinding) string {
	if w.srv != nil {
		if m := w.srv.FindLocation(w.path); m.Loc != nil && !m.Redirect {
			if h, ok := handlerOf(websocket.Serving(m.Loc)); ok && (h == "uwsgi_pass" || h == "scgi_pass") {
				return h + " speaks the " + strings.TrimSuffix(h, "_pass") + " protocol, which the echo backend does not (nginx tunnels WebSockets through it)"
			}
		}
	}
	for _, f := range suppressed {
		loc, srv := scope(f, cfg)
		switch {
		case loc:
			for _, b := range chain(w) {
				if within(f, b) {
					return "an inline ngxlint ignore covers " + f.String()
				}
			}
		case srv != nil && srv == w.srv, srv == nil && f.file != nil:
			return "an inline ngxlint ignore covers " + f.String()
		}
	}
	return ""
}

// claimOf is the claim a finding's error makes: its rule's family's.
func claimOf(f *e2eFinding) rules.Claim {
	if r, ok := rules.Lookup(f.Rule); ok {
		if fam, ok := rules.FamilyOf(r); ok {
			return fam.Claim
		}
	}
	return rules.NoClaim
}

// judge compares ngxlint's findings with what nginx did and returns the
// disagreements. Each error is checked against the claim of its rule's
// family (rules.Claim): nginx -t fails, or the WebSocket handshake fails
// where the error is; when nginx -t fails or nginx does not start, every
// claim holds (nothing is served). Every WebSocket path that fails must be
// reported.
func judge(c e2eCase, cfg *model.Config, site *nginxtest.Site, targets []wsTarget, outcomes []*nginxtest.Outcome, findings []*e2eFinding) []string {
	var problems []string
	judged := findings[:0:0]
	for _, f := range findings {
		if !ownProof(f.Rule) {
			judged = append(judged, f)
		}
	}
	findings = judged
	var errs []*e2eFinding
	for _, f := range findings {
		if f.isError() {
			errs = append(errs, f)
		}
	}
	for _, f := range errs {
		if claimOf(f) == rules.NoClaim {
			problems = append(problems, fmt.Sprintf("%s belongs to no family with a claim (rules.RegisterFamily in its package): %s", f.Rule, f))
		}
	}
	if !site.TestOK || site.StartErr != nil {
		what := "nginx -t rejects the configuration"
		if site.TestOK {
			what = "nginx does not start with the configuration"
		}
		if c.mustWork {
			problems = append(problems, what+", but it must work")
		}
		if len(errs) == 0 && c.kind != kindBlock && c.kind != kindFrom {
			problems = append(problems, what+", but ngxlint reports no error")
		}
		return problems
	}
	if c.mustWork && (c.kind == kindBlock || c.kind == kindFrom) && len(targets) == 0 {
		problems = append(problems, "no WebSocket path to test")
	}

	type place struct {
		loc bool
		srv *model.Block
		// peers are the servers sharing the port of a finding made at a
		// listen directive: its parameters (http2...) apply to all of them.
		peers map[*model.Block]bool
	}
	places := map[*e2eFinding]place{}
	for _, f := range findings {
		loc, srv := scope(f, cfg)
		places[f] = place{loc, srv, portPeers(f, cfg)}
	}
	failed := map[*model.Block]bool{} // servers with a failing path
	anyFailed := false
	for i, w := range targets {
		if o := outcomes[i]; o != nil && !o.OK() {
			anyFailed = true
			failed[w.srv] = true
		}
	}

	// Every failing path must be reported.
	for i, w := range targets {
		o := outcomes[i]
		if o == nil || o.OK() {
			continue
		}
		if c.mustWork {
			problems = append(problems, fmt.Sprintf("%s must work: %s", w, o))
		}
		if c.kind == kindBlock || c.kind == kindFrom {
			continue
		}
		// An error is due where the evidence is strong and the handshake
		// or the echo fails. A warning is enough for a path that only
		// looks like WebSocket, for a socket closed after an idle check
		// (a timeout is a choice), and for a redirect to https:// (clients
		// are meant to use wss:// there).
		needError := w.strong && o.Stage() != "idle" && !redirectToHTTPS(o)
		meets := func(f *e2eFinding) bool {
			if needError {
				return f.isError()
			}
			return f.atLeastWarning()
		}
		ok := false
		for _, f := range findings {
			p := places[f]
			switch {
			case p.loc:
				for _, b := range chain(w) {
					if within(f, b) && meets(f) {
						ok = true
					}
				}
			case p.srv == nil || p.srv == w.srv || p.peers[w.srv]:
				ok = ok || meets(f)
			}
		}
		if !ok {
			need := "an error"
			if !needError {
				need = "a warning or an error"
			}
			problems = append(problems, fmt.Sprintf("nginx breaks %s, but ngxlint reports %s neither at its location nor at its server or http level: %s", w, need, o))
		}
	}

	// Every error must show its family's claim where it is.
	for _, f := range errs {
		switch claimOf(f) {
		case rules.NginxRejects:
			problems = append(problems, fmt.Sprintf("ngxlint reports an error that claims nginx -t fails, but nginx -t passes and nginx starts: %s", f))
			continue
		case rules.HandshakeFails:
		case rules.EffectShows:
			problems = append(problems, fmt.Sprintf("ngxlint reports an error that claims %s, and the suite has no check of that claim yet (add one to judge): %s", rules.EffectShows, f))
			continue
		default:
			continue
		}
		p := places[f]
		switch {
		case p.loc:
			var through []string
			broke := false
			for i, w := range targets {
				for _, b := range chain(w) {
					if within(f, b) && outcomes[i] != nil {
						through = append(through, outcomes[i].String())
						broke = broke || !outcomes[i].OK()
						break
					}
				}
			}
			switch {
			case len(through) == 0:
				problems = append(problems, fmt.Sprintf("ngxlint reports an error at a location the suite opens no WebSocket through (add the path to %s if it carries WebSocket): %s", e2eManifest, f))
			case !broke:
				problems = append(problems, fmt.Sprintf("ngxlint reports an error, but nginx serves every WebSocket path through its location:\n  %s\n  %s", f, strings.Join(through, "\n  ")))
			}
		case p.srv != nil:
			broke := failed[p.srv]
			for peer := range p.peers {
				broke = broke || failed[peer]
			}
			if !broke {
				problems = append(problems, fmt.Sprintf("ngxlint reports an error at a server, but every WebSocket path of that server (and of the servers sharing the port of a listen it names) works: %s", f))
			}
		default:
			if !anyFailed {
				problems = append(problems, fmt.Sprintf("ngxlint reports an error, but nginx -t passes and every WebSocket path works: %s", f))
			}
		}
	}
	return problems
}

func hasTLS(s *nginxtest.Server) bool {
	for _, l := range s.Listens {
		if l.TLS {
			return true
		}
	}
	return false
}

// redirectToHTTPS reports a handshake answered with a redirect to https://.
func redirectToHTTPS(o *nginxtest.Outcome) bool {
	if o.Conn == nil || o.Conn.Status < 300 || o.Conn.Status > 399 {
		return false
	}
	return strings.HasPrefix(strings.ToLower(o.Conn.Header.Get("Location")), "https://")
}
