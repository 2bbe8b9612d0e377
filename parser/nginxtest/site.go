package nginxtest

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ngxlint/ngxlint/parser"
)

// A Site is any configuration as users write it (a whole nginx.conf, a
// conf.d file of server blocks, a file of locations, a snippet of
// location-level directives), made runnable on loopback:
//
//   - it is read the way ngxlint reads it (parser.Load: includes, natural
//     context, Debian's proxy_params stand-in);
//   - every upstream address (the target of proxy_pass, uwsgi_pass...,
//     upstream{} server lines, a URL given to set) points at a WebSocket
//     echo backend, host names such as http://backend or localhost:3000
//     included; upstream{} names stay;
//   - every listen directive gets a free loopback port (listens on the same
//     port share one, so name-based servers stay together), ssl is dropped
//     from listen with the certificate directives, and nginx's default
//     *:80 is written out for a server without listen;
//   - pid, logs, temp and cache paths move into the test directory;
//   - included files are copied into it (absolute paths such as
//     /etc/nginx/snippets/x.conf become relative ones), files every nginx
//     package installs (proxy_params, mime.types...) are provided as
//     ngxlint assumes them;
//   - a fragment is wrapped in a minimal nginx.conf at the level it is
//     written for; location blocks at the top of an http-level file (the
//     output of ngxlint block: a map for http{} and a location for
//     server{}) go into a server of their own.
//
// All of it is done with byte edits on the exact spans of the project's
// parser; nothing is reprinted. Notes says what changed in meaning.
type Site struct {
	Path string       // the configuration under test
	Unit *parser.Unit // as parser.Load read it; Servers refer to its directives
	Echo *Echo        // the backend every upstream address points at
	// Files is what is written into the nginx directory, by relative name,
	// with the placeholders {{DIR}} and {{PORTn}} not yet replaced;
	// "nginx.conf" is the main file.
	Files map[string][]byte
	// Edits are the edits made to each file, by the same name.
	Edits map[string][]Edit
	// Servers are the server blocks, with the loopback ports of their listens.
	Servers []*Server
	// Notes say what the rewriting changed in meaning (TLS dropped, an
	// address left as written...).
	Notes []string

	nports int
	dirs   []string

	// Set by Start.
	Nginx      *Nginx // nil when nginx -t failed or nginx did not start
	TestOK     bool   // nginx -t accepted the configuration
	TestOutput string // what nginx -t printed
	StartErr   error  // why nginx did not start after nginx -t passed
	Dir        string // the nginx directory
	ports      []int
}

// SiteOptions change how a configuration is read and served.
type SiteOptions struct {
	// Load is how parser.Load reads the configuration: Prefix and PathMaps
	// as ngxlint's --prefix and --path-map.
	Load parser.Options
	// Echo configures the echo backend.
	Echo []EchoOption
	// SplitLocations moves location blocks written at the top of an
	// http-level file into a server of their own: the output of ngxlint
	// block, a map for http{} followed by a location for server{}. Without
	// it such a file is read as nginx would read it in http{}.
	SplitLocations bool
	// TimeoutScale, when above 0, multiplies every read timeout written in
	// the configuration (proxy_read_timeout and its uwsgi, scgi, grpc and
	// fastcgi kin), so that an idle check of a scaled duration shows in a
	// second what takes a minute.
	TimeoutScale float64
}

// FragmentPath is the path of the location a snippet of location-level
// directives is wrapped in.
const FragmentPath = "/"

// Prepare reads the configuration at path, starts the echo backend, and
// rewrites the configuration to run on loopback. A configuration that does
// not parse is copied as written (nginx -t then says why); an error is
// returned only when the file cannot be read at all.
func Prepare(t testing.TB, path string, opt SiteOptions) (*Site, error) {
	t.Helper()
	units, err := parser.Load([]string{path}, opt.Load)
	if err != nil {
		return nil, err
	}
	if len(units) != 1 {
		return nil, fmt.Errorf("%s: expected one configuration, got %d", path, len(units))
	}
	s := &Site{Path: path, Unit: units[0], Files: map[string][]byte{}, Edits: map[string][]Edit{}}
	s.Echo = StartEcho(t, opt.Echo...)
	if err := s.prepare(opt); err != nil {
		return nil, err
	}
	return s, nil
}

// contextChain is the chain of blocks a file's top level is read in.
func contextChain(c parser.Context) []string {
	switch c {
	case parser.CtxHTTP:
		return []string{"http"}
	case parser.CtxServer:
		return []string{"http", "server"}
	case parser.CtxLocation:
		return []string{"http", "server", "location"}
	}
	return nil
}

func isGlob(s string) bool { return strings.ContainsAny(s, "*?[") }

// includeArg returns the argument an include gets in the test directory:
// absolute paths become relative to it, and ".." segments are renamed so
// nothing resolves outside it.
func includeArg(arg string) string {
	a := filepath.ToSlash(arg)
	a = strings.TrimLeft(a, "/")
	segs := strings.Split(a, "/")
	for i, sg := range segs {
		if sg == ".." {
			segs[i] = "__"
		}
	}
	return strings.Join(segs, "/")
}

func (s *Site) prepare(opt SiteOptions) error {
	lopt := opt.Load
	u := s.Unit
	root := u.Root
	rootName := "root.conf"
	if u.Context == parser.CtxMain {
		rootName = "nginx.conf"
	}
	if root.Partial {
		// It does not parse: nginx gets the bytes as written.
		s.Files[rootName] = root.Src
		s.Notes = append(s.Notes, "the configuration does not parse; it is given to nginx as written")
		if u.Context != parser.CtxMain {
			s.Files["nginx.conf"] = []byte(s.wrapper(u.Context, rootName, nil, false, 0, false, ""))
		}
		return nil
	}

	upstreams := map[string]bool{}
	var files []*parser.File // every file, in the order first reached
	ctxs := map[*parser.File][]string{}
	names := map[*parser.File][]string{}
	newArgs := map[*parser.Directive]string{}
	var reach func(f *parser.File, ctx []string)
	reach = func(f *parser.File, ctx []string) {
		if _, ok := ctxs[f]; ok {
			return
		}
		ctxs[f] = ctx
		files = append(files, f)
		var visit func(ds []*parser.Directive, stack []string)
		visit = func(ds []*parser.Directive, stack []string) {
			for _, d := range ds {
				if d.Name == "upstream" && d.Block != nil {
					upstreams[strings.ToLower(d.Arg(0))] = true
				}
				if d.Name == "include" && d.Block == nil && len(d.Args) == 1 {
					s.planInclude(d, lopt, newArgs, names)
					for _, inc := range d.Included() {
						if !inc.Partial { // given to nginx as it was found, not rewritten
							reach(inc, stack)
						}
					}
				}
				if d.Block != nil {
					visit(d.Block.Directives, append(stack[:len(stack):len(stack)], d.Name))
				}
			}
		}
		visit(f.Top, ctx)
	}
	names[root] = []string{rootName}
	reach(root, contextChain(u.Context))
	for i, f := range u.Env {
		if f == u.Root {
			continue // the list is shared by the directory's fragments
		}
		names[f] = append(names[f], fmt.Sprintf("env/%d.conf", i+1))
		reach(f, []string{"http"})
	}

	r := newRewriter(s.Echo.Addr, upstreams)
	r.timeoutScale = opt.TimeoutScale
	r.include = func(d *parser.Directive) (string, bool) {
		a, ok := newArgs[d]
		return a, ok
	}
	for _, f := range files {
		f.Walk(r.passVars)
	}
	for _, f := range files {
		r.walk(f, ctxs[f])
	}

	// Locations at the top of an http-level file go into a server.
	var moved []*parser.Directive
	if u.Context == parser.CtxHTTP && opt.SplitLocations {
		for _, d := range root.Top {
			if d.Name == "location" {
				moved = append(moved, d)
			}
		}
	}
	synthetic := 0
	hasListen := false
	switch {
	case u.Context == parser.CtxServer:
		srv := r.serverOf(nil, expand(root.Top))
		hasListen = len(srv.Listens) > 0
		if !hasListen {
			synthetic = r.port("80")
			srv.Listens = append(srv.Listens, Listen{Index: synthetic, Port: 80})
		}
	case u.Context == parser.CtxLocation || len(moved) > 0:
		synthetic = r.port("80")
		r.servers = append(r.servers, &Server{Listens: []Listen{{Index: synthetic, Port: 80}}})
	}
	if u.Context == parser.CtxMain {
		r.wrapMain(root)
	}

	// Write every file with its edits.
	for _, f := range files {
		edits := r.edits[f]
		src := f.Src
		if f == root && len(moved) > 0 {
			var keep []Edit
			var server []byte
			for _, m := range moved {
				part, err := applyRange(src, edits, m.Start(), int(m.End))
				if err != nil {
					return fmt.Errorf("%s: %w", f.Path, err)
				}
				server = append(append(server, part...), '\n')
				keep = append(keep, Edit{Start: m.Start(), End: int(m.End), Why: "moved into a server{} (root.server.conf)"})
			}
			for _, e := range edits {
				inside := false
				for _, m := range moved {
					if e.Start >= m.Start() && e.End <= int(m.End) {
						inside = true
					}
				}
				if !inside {
					keep = append(keep, e)
				}
			}
			edits = keep
			s.Files["root.server.conf"] = server
		}
		out, err := ApplyEdits(src, edits)
		if err != nil {
			return fmt.Errorf("%s: %w", f.Path, err)
		}
		for _, n := range names[f] {
			s.Files[n] = out
			s.Edits[n] = edits
		}
	}
	s.Servers = r.servers
	s.Notes = append(s.Notes, r.notes...)
	s.nports = r.nports
	if u.Context != parser.CtxMain {
		top := expand(root.Top)
		has := func(n string) bool {
			for _, d := range top {
				if d.Name == n {
					return true
				}
			}
			return false
		}
		handler := false
		for _, d := range top {
			handler = handler || passDirectives[d.Name]
		}
		var env []string
		for _, f := range u.Env {
			if f != u.Root {
				env = append(env, names[f][0])
			}
		}
		w := s.wrapper(u.Context, rootName, env, len(moved) > 0, synthetic, !handler, "")
		if u.Context == parser.CtxHTTP {
			w = s.wrapper(u.Context, rootName, env, len(moved) > 0, synthetic, false, strings.Join(httpLines(has), "\n    "))
		}
		s.Files["nginx.conf"] = []byte(w)
	}
	return nil
}

// planInclude decides where the files an include reads go in the test
// directory and the argument the include gets there.
func (s *Site) planInclude(d *parser.Directive, lopt parser.Options, newArgs map[*parser.Directive]string, names map[*parser.File][]string) {
	arg := d.Args[0].Value
	na := includeArg(arg)
	if na != arg {
		newArgs[d] = na
	}
	for _, inc := range d.Included() {
		dest := filepath.Clean(na)
		if isGlob(na) && inc.Abs != "" {
			dest = filepath.Join(filepath.Dir(na), filepath.Base(inc.Abs))
		}
		if !contains(names[inc], dest) {
			names[inc] = append(names[inc], dest)
		}
	}
	if len(d.Included()) == 0 && !isGlob(arg) {
		// An include of a directory: nginx -t fails reading it; keep it so.
		target := arg
		if !filepath.IsAbs(target) {
			target = filepath.Join(s.Unit.Prefix, target)
		}
		for _, m := range lopt.PathMaps {
			if target == m.From || strings.HasPrefix(target, m.From+string(filepath.Separator)) {
				target = filepath.Join(m.To, strings.TrimPrefix(target, m.From))
			}
		}
		if st, err := os.Stat(target); err == nil && st.IsDir() {
			s.dirs = append(s.dirs, filepath.Clean(na))
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// applyRange returns the bytes of src[start:end] with the edits inside it.
func applyRange(src []byte, edits []Edit, start, end int) ([]byte, error) {
	var in []Edit
	for _, e := range edits {
		if e.Start >= start && e.End <= end {
			in = append(in, Edit{Start: e.Start - start, End: e.End - start, New: e.New, Why: e.Why})
		}
	}
	return ApplyEdits(src[start:end], in)
}

// wrapper writes the nginx.conf around a fragment.
func (s *Site) wrapper(ctx parser.Context, root string, env []string, moved bool, port int, addPass bool, httpExtra string) string {
	var b strings.Builder
	b.WriteString("# written by ngxlint's parser/nginxtest around " + filepath.Base(s.Path) + " (a " + ctx.String() + "-level fragment)\n")
	for _, l := range mainLines(func(string) bool { return false }) {
		b.WriteString(l + "\n")
	}
	b.WriteString("events { worker_connections 256; }\n\nhttp {\n")
	if ctx != parser.CtxHTTP {
		httpExtra = strings.Join(httpLines(func(string) bool { return false }), "\n    ")
	}
	if httpExtra != "" {
		b.WriteString("    " + httpExtra + "\n")
	}
	for _, e := range env {
		b.WriteString("    include " + e + ";\n")
	}
	listen := ""
	if port > 0 {
		listen = "        listen 127.0.0.1:" + portPlaceholder(port) + ";\n"
	}
	switch ctx {
	case parser.CtxHTTP:
		b.WriteString("    include " + root + ";\n")
		if moved {
			b.WriteString("    server {\n" + listen + "        include root.server.conf;\n    }\n")
		}
	case parser.CtxServer:
		b.WriteString("    server {\n" + listen + "        include " + root + ";\n    }\n")
	case parser.CtxLocation:
		b.WriteString("    server {\n" + listen + "        location " + FragmentPath + " {\n            include " + root + ";\n")
		if addPass {
			b.WriteString("            proxy_pass http://" + s.Echo.Addr + "; # nginxtest: the snippet has no handler\n")
		}
		b.WriteString("        }\n    }\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// Start writes the site into a new test directory with free loopback
// ports, runs nginx -t, and when it passes starts nginx until the test
// ends (stopped by its process id). It fails the test only when nginx
// cannot be run at all; TestOK, TestOutput and StartErr say what happened.
func (s *Site) Start(t testing.TB) {
	t.Helper()
	bin := Require(t)
	for attempt := 0; attempt < 3; attempt++ {
		dir := t.TempDir()
		s.Dir = dir
		ports, err := freePorts(s.nports)
		if err != nil {
			t.Fatal(err)
		}
		pairs := []string{dirPlaceholder, dir}
		for i, p := range ports {
			pairs = append(pairs, portPlaceholder(i+1), strconv.Itoa(p))
		}
		repl := strings.NewReplacer(pairs...)
		for _, d := range s.dirs {
			if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for name, content := range s.Files {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(repl.Replace(string(content))), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		s.TestOK, s.TestOutput = runTest(t, bin, dir)
		if !s.TestOK || len(ports) == 0 {
			return
		}
		n := &Nginx{Dir: dir, t: t, Port: ports[0]}
		b, _ := os.ReadFile(n.ConfPath())
		n.Conf = string(b)
		n.TestOutput = s.TestOutput
		err = n.start(bin)
		if err == nil {
			s.Nginx, s.ports, s.StartErr = n, ports, nil
			t.Cleanup(func() {
				n.Stop()
				if t.Failed() {
					t.Logf("nginx error log (%s):\n%s", filepath.Join(dir, "error.log"), tail(n.ErrorLog(), 3000))
				}
			})
			return
		}
		s.StartErr = err
		if !strings.Contains(err.Error(), "Address already in use") {
			return
		}
	}
}

// freePorts returns n distinct free loopback ports.
func freePorts(n int) ([]int, error) {
	var out []int
	seen := map[int]bool{}
	for tries := 0; len(out) < n; tries++ {
		if tries > 10*n+10 {
			return nil, errors.New("cannot find enough free ports on 127.0.0.1")
		}
		p, err := freePort()
		if err != nil {
			return nil, err
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out, nil
}

// Port returns the loopback port the n-th placeholder got ({{PORTn}}).
func (s *Site) Port(n int) int {
	if n < 1 || n > len(s.ports) {
		return 0
	}
	return s.ports[n-1]
}

// Conf returns the file written into the nginx directory, placeholders
// replaced, with line numbers: for failure reports.
func (s *Site) Conf(name string) string {
	b, err := os.ReadFile(filepath.Join(s.Dir, name))
	if err != nil {
		return ""
	}
	return numbered(string(b))
}

// Describe lists the files of the site with their content, for failure
// reports.
func (s *Site) Describe() string {
	var names []string
	for n := range s.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "--- %s\n%s", n, s.Conf(n))
	}
	for _, n := range s.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	return b.String()
}

// Server returns the rewritten server for a server directive of Unit, or
// for nil the server written around a fragment (else the first server).
func (s *Site) Server(d *parser.Directive) *Server {
	for _, srv := range s.Servers {
		if srv.Dir == d {
			return srv
		}
	}
	if d == nil && len(s.Servers) > 0 {
		return s.Servers[0]
	}
	return nil
}

// Target is what a probe opens a WebSocket to.
type Target struct {
	// Server is the server block, a directive of Site.Unit; nil means the
	// server around a fragment, or the first one.
	Server *parser.Directive
	Path   string // the request path, such as "/ws/"
	// Host is the Host sent; empty means the server's own name (Server.Host).
	Host   string
	Header http.Header // more request fields (Origin...)
	// Idle, when set, keeps the connection silent that long after the
	// first echo and checks it with a second one.
	Idle time.Duration
}

// Outcome is what a probe found.
type Outcome struct {
	Target Target
	URL    string
	Host   string
	Conn   *Conn // the handshake: Status, Header, Body, Err
	// Echo is the result of the first echo; nil when it came back.
	Echo error
	// IdleErr is the result of the echo after Idle; a *ClosedError when the
	// connection was closed while idle.
	IdleErr error
	// Backend holds the requests the echo backend received during the probe.
	Backend []Request
	// Log holds the lines nginx wrote to its error log during the probe at
	// level warn or above.
	Log []string
	// Err is set when the probe could not run (no such server, nginx not
	// running).
	Err error
}

// OK reports whether the handshake succeeded, the echo came back and, with
// Idle, the connection was still open afterwards.
func (o *Outcome) OK() bool {
	return o.Err == nil && o.Conn != nil && o.Conn.OK() && o.Echo == nil && o.IdleErr == nil
}

// Stage names what failed: "probe", "handshake", "echo", "idle"; "" when OK.
func (o *Outcome) Stage() string {
	switch {
	case o.Err != nil:
		return "probe"
	case o.Conn == nil || !o.Conn.OK():
		return "handshake"
	case o.Echo != nil:
		return "echo"
	case o.IdleErr != nil:
		return "idle"
	}
	return ""
}

// String reports the outcome: the request, what failed, and what the
// backend received.
func (o *Outcome) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s", o.URL)
	if o.Host != "" {
		fmt.Fprintf(&b, " (Host: %s)", o.Host)
	}
	switch o.Stage() {
	case "probe":
		fmt.Fprintf(&b, ": cannot probe: %v", o.Err)
		return b.String()
	case "handshake":
		fmt.Fprintf(&b, ": handshake failed, %s", o.Conn)
		if loc := o.Conn.Header.Get("Location"); loc != "" {
			fmt.Fprintf(&b, ", Location: %s", loc)
		}
	case "echo":
		fmt.Fprintf(&b, ": 101, but the echo failed: %v", o.Echo)
	case "idle":
		fmt.Fprintf(&b, ": 101 and echo, but after %v idle: %v", o.Target.Idle, o.IdleErr)
	default:
		fmt.Fprintf(&b, ": 101, echo OK")
		if o.Target.Idle > 0 {
			fmt.Fprintf(&b, ", still open after %v idle", o.Target.Idle)
		}
	}
	if len(o.Backend) == 0 {
		b.WriteString("; the backend received nothing")
	}
	for _, r := range o.Backend {
		fmt.Fprintf(&b, "; the backend received %s %s %s with Upgrade %q, Connection %q, Sec-WebSocket-Key %v, Host %q and answered %d",
			r.Method, r.URI, r.Proto, r.Get("Upgrade"), r.Get("Connection"), r.Has("Sec-WebSocket-Key"), r.Host, r.Status)
		if r.Err != "" {
			fmt.Fprintf(&b, " (%s)", r.Err)
		}
	}
	for _, l := range o.Log {
		fmt.Fprintf(&b, "\n    nginx: %s", l)
	}
	return b.String()
}

// Probe opens a WebSocket through nginx to the target, checks an echo and,
// with Target.Idle, stays silent that long and checks again. It does not
// fail the test; the Outcome says what happened. Probes of one site must
// not run concurrently (the backend's record is shared).
func (s *Site) Probe(t testing.TB, tg Target) *Outcome {
	t.Helper()
	o := &Outcome{Target: tg}
	srv := s.Server(tg.Server)
	switch {
	case s.Nginx == nil:
		o.Err = errors.New("nginx is not running")
		return o
	case srv == nil:
		o.Err = errors.New("no such server in the configuration")
		return o
	}
	l, ok := srv.Probe()
	if !ok {
		o.Err = errors.New("the server has no listen port")
		return o
	}
	o.URL = fmt.Sprintf("ws://127.0.0.1:%d%s", s.Port(l.Index), tg.Path)
	o.Host = tg.Host
	if o.Host == "" {
		o.Host = srv.Host()
	}
	h := http.Header{}
	for k, vs := range tg.Header {
		h[k] = append([]string(nil), vs...)
	}
	if o.Host != "" {
		h.Set("Host", o.Host)
	}
	before := len(s.Echo.Requests())
	logBefore := len(s.Nginx.ErrorLog())
	o.Conn = Dial(t, o.URL, &DialOptions{Header: h})
	if o.Conn.OK() {
		o.Echo = o.Conn.Echo("hello through nginx")
		if o.Echo == nil && tg.Idle > 0 {
			o.IdleErr = o.Conn.Idle(tg.Idle)
		}
		o.Conn.Close()
	}
	o.Backend = s.Echo.Requests()[before:]
	if lg := s.Nginx.ErrorLog(); len(lg) > logBefore {
		for _, line := range strings.Split(lg[logBefore:], "\n") {
			for _, lvl := range []string{"[warn]", "[error]", "[crit]", "[alert]", "[emerg]"} {
				if strings.Contains(line, lvl) {
					o.Log = append(o.Log, line)
					break
				}
			}
		}
	}
	return o
}
