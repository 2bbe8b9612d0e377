package nginxtest

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
)

// This file rewrites a configuration as users write it so that a test nginx
// can run it on loopback: upstream addresses point at the echo backend,
// listen directives at free loopback ports, and every path nginx writes
// into the test directory. It works on the exact byte spans of the
// project's parser and edits the original bytes; it never reprints a
// directive, so comments, quoting and layout stay as written.

// Placeholders in rewritten text: {{DIR}} is the nginx directory and
// {{PORTn}} (n from 1) the n-th loopback port, replaced when the site
// starts.
const dirPlaceholder = "{{DIR}}"

func portPlaceholder(i int) string { return "{{PORT" + strconv.Itoa(i) + "}}" }

// Edit replaces Src[Start:End] of one file with New. Why says what the
// edit is for, for reports.
type Edit struct {
	Start, End int
	New        string
	Why        string
}

// ApplyEdits applies edits to src. Edits are sorted by offset; insertions
// at one offset keep their order and come before a replacement starting
// there; overlapping edits are an error.
func ApplyEdits(src []byte, edits []Edit) ([]byte, error) {
	es := append([]Edit(nil), edits...)
	// By offset; at one offset insertions come before a replacement.
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Start != es[j].Start {
			return es[i].Start < es[j].Start
		}
		return es[i].End == es[i].Start && es[j].End > es[j].Start
	})
	var out []byte
	last := 0
	for i, e := range es {
		if e.Start < last || e.End < e.Start || e.End > len(src) {
			if i > 0 {
				return nil, fmt.Errorf("edits overlap: [%d,%d) %q (%s) and [%d,%d) %q (%s)", es[i-1].Start, es[i-1].End, es[i-1].New, es[i-1].Why, e.Start, e.End, e.New, e.Why)
			}
			return nil, fmt.Errorf("edit [%d,%d) is outside the file (%d bytes)", e.Start, e.End, len(src))
		}
		out = append(out, src[last:e.Start]...)
		out = append(out, e.New...)
		last = e.End
	}
	return append(out, src[last:]...), nil
}

// Server is a server block of the configuration under test and the
// loopback ports its listen directives were given.
type Server struct {
	// Dir is the server directive in the configuration as loaded; nil for
	// the server written around a fragment of locations.
	Dir *parser.Directive
	// Names are the server_name values, in order.
	Names []string
	// Listens are the server's listen directives after rewriting, in order.
	Listens []Listen
}

// Listen is one rewritten listen directive.
type Listen struct {
	Index int    // the port placeholder {{PORTn}}
	Orig  string // the address as written ("80", "[::]:443"), "" when nginx's default *:80 was made explicit
	TLS   bool   // it had the ssl parameter (dropped: the test speaks plain HTTP)
	Port  int    // the port written originally (80 when none), 0 for a unix socket
}

// Probe returns the listen a test connects to: the first plain one, else
// the first one.
func (s *Server) Probe() (Listen, bool) {
	for _, l := range s.Listens {
		if !l.TLS {
			return l, true
		}
	}
	if len(s.Listens) > 0 {
		return s.Listens[0], true
	}
	return Listen{}, false
}

// Host returns the Host a client of this server sends: its first
// server_name usable as a host name (a wildcard or regex name gets a host
// it matches), with the original port unless it is 80 (or 443 with TLS).
// It returns "" when the server has no such name.
func (s *Server) Host() string {
	name := ""
	for _, n := range s.Names {
		if h, ok := hostFor(n); ok {
			name = h
			break
		}
	}
	if name == "" {
		return ""
	}
	l, ok := s.Probe()
	if !ok || l.Port == 0 || l.Port == 80 || l.Port == 443 && l.TLS {
		return name
	}
	return name + ":" + strconv.Itoa(l.Port)
}

// hostFor turns a server_name into a host name that matches it.
func hostFor(name string) (string, bool) {
	switch {
	case strings.HasPrefix(name, "~"):
		return Sample(strings.TrimPrefix(name, "~"))
	case name == "" || name == "_" || strings.Contains(name, "$"):
		return "", false
	case strings.HasPrefix(name, "*."):
		return "a" + name[1:], true
	case strings.HasPrefix(name, "."):
		return name[1:], true
	case strings.HasSuffix(name, ".*"):
		return name[:len(name)-1] + "a", true
	}
	return strings.ToLower(name), true
}

// rewriter collects the edits that make one configuration (every file of a
// loaded unit) runnable on loopback.
type rewriter struct {
	backend   string          // host:port of the echo backend
	upstreams map[string]bool // upstream{} names, lower case
	// include returns the new argument of an include directive (the files
	// are copied into the nginx directory); ok false keeps it.
	include func(d *parser.Directive) (arg string, ok bool)

	edits   map[*parser.File][]Edit
	servers []*Server
	notes   []string
	noted   map[string]bool

	portKeys    map[string]int // original listen port ("80", "unix:/x") -> placeholder index
	nports      int
	defaultDone map[int]bool
	optsDone    map[int]bool
	caches      int
	serverSeen  map[*parser.Directive]bool
	// timeoutScale multiplies read timeouts when above 0.
	timeoutScale float64
	// hostVars are variables a *_pass takes its host from (proxy_pass
	// http://$backend, fastcgi_pass $php); a variable holding a whole URL
	// is rewritten by its "://".
	hostVars map[string]bool
}

func newRewriter(backend string, upstreams map[string]bool) *rewriter {
	return &rewriter{backend: backend, upstreams: upstreams,
		edits: map[*parser.File][]Edit{}, noted: map[string]bool{}, portKeys: map[string]int{},
		defaultDone: map[int]bool{}, optsDone: map[int]bool{}, serverSeen: map[*parser.Directive]bool{}}
}

func (r *rewriter) note(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if !r.noted[s] {
		r.noted[s] = true
		r.notes = append(r.notes, s)
	}
}

func (r *rewriter) add(f *parser.File, e Edit) {
	for _, o := range r.edits[f] {
		if o.Start == e.Start && o.End == e.End && o.New == e.New {
			return
		}
	}
	r.edits[f] = append(r.edits[f], e)
}

// word replaces one word, keeping its quote character when it had one.
func (r *rewriter) word(d *parser.Directive, w parser.Word, value, why string) {
	// Placeholders hold no character that needs quotes once replaced.
	bare := strings.NewReplacer("{{", "", "}}", "").Replace(value)
	nw := value
	if parser.Quote(bare) != bare {
		nw = parser.Quote(value)
	}
	if q := d.File.QuoteOf(w); q != 0 && !strings.ContainsRune(value, rune(q)) && !strings.Contains(value, `\`) {
		nw = string(q) + value + string(q)
	}
	if d.File.Raw(w) == nw {
		return
	}
	r.add(d.File, Edit{Start: int(w.Start), End: int(w.End), New: nw, Why: why})
}

// remove deletes a directive's bytes (its line's indentation and line end
// stay, as an empty line).
func (r *rewriter) remove(d *parser.Directive, why string) {
	r.add(d.File, Edit{Start: d.Start(), End: int(d.End), Why: why})
}

// dropArg deletes one argument with the white space before it.
func (r *rewriter) dropArg(d *parser.Directive, i int, why string) {
	prevEnd := int(d.NameW().End)
	if i > 0 {
		prevEnd = int(d.Args[i-1].End)
	}
	r.add(d.File, Edit{Start: prevEnd, End: int(d.Args[i].End), Why: why})
}

func (r *rewriter) port(key string) int {
	if i, ok := r.portKeys[key]; ok {
		return i
	}
	r.nports++
	r.portKeys[key] = r.nports
	return r.nports
}

// Directives nginx reads a file from that the test cannot provide: TLS
// material. Without ssl listens nothing needs them.
var sslFileDirectives = map[string]bool{
	"ssl_certificate": true, "ssl_certificate_key": true, "ssl_trusted_certificate": true,
	"ssl_client_certificate": true, "ssl_dhparam": true, "ssl_crl": true, "ssl_password_file": true,
	"ssl_session_ticket_key": true, "ssl_stapling_file": true, "ssl_stapling": true,
	"ssl_stapling_verify": true, "ssl_verify_client": true, "ssl_early_data": true,
}

var readTimeouts = map[string]bool{
	"proxy_read_timeout": true, "uwsgi_read_timeout": true, "scgi_read_timeout": true,
	"grpc_read_timeout": true, "fastcgi_read_timeout": true,
}

var passDirectives = map[string]bool{
	"proxy_pass": true, "fastcgi_pass": true, "uwsgi_pass": true, "scgi_pass": true,
	"grpc_pass": true, "memcached_pass": true,
}

// walk collects the edits of one file whose top-level directives are read
// inside the blocks named by ctx (outermost first; empty for nginx.conf).
func (r *rewriter) walk(f *parser.File, ctx []string) {
	var visit func(ds []*parser.Directive, stack []string)
	visit = func(ds []*parser.Directive, stack []string) {
		parent := ""
		if len(stack) > 0 {
			parent = stack[len(stack)-1]
		}
		for _, d := range ds {
			r.directive(d, parent)
			if d.Block != nil {
				if d.Name == "server" && (parent == "http" || parent == "stream" || parent == "mail") {
					r.server(d)
				}
				visit(d.Block.Directives, append(stack[:len(stack):len(stack)], d.Name))
			}
		}
	}
	visit(f.Top, ctx)
}

func (r *rewriter) directive(d *parser.Directive, parent string) {
	name := d.Name
	switch {
	case name == "include" && d.Block == nil && len(d.Args) == 1:
		if r.include != nil {
			if arg, ok := r.include(d); ok {
				r.word(d, d.Args[0], arg, "include from the test directory")
			}
		}
	case passDirectives[name] && d.Block == nil:
		r.target(d)
	case name == "server" && d.Block == nil && parent == "upstream" && len(d.Args) > 0:
		r.word(d, d.Args[0], r.backend, "upstream server: the echo backend")
	case name == "set" && len(d.Args) == 2 && strings.Contains(d.Args[1].Value, "://"):
		if v, ok := r.url(d.Args[1].Value); ok {
			r.word(d, d.Args[1], v, "URL in a variable: the echo backend")
		}
	case name == "set" && len(d.Args) == 2 && r.hostVars[strings.ToLower(strings.TrimPrefix(d.Args[0].Value, "$"))] && !strings.Contains(d.Args[1].Value, "$"):
		r.word(d, d.Args[1], r.backend, "the host of a *_pass: the echo backend")
	case sslFileDirectives[name]:
		r.remove(d, "TLS is not tested")
	case name == "ssl" && d.Block == nil && (parent == "server" || parent == "http"):
		r.remove(d, "TLS is not tested")
		r.note("ssl on is dropped: the test speaks plain HTTP")
	case name == "pid" && len(d.Args) > 0:
		r.word(d, d.Args[0], dirPlaceholder+"/nginx.pid", "inside the test directory")
	case name == "lock_file" && len(d.Args) > 0:
		r.word(d, d.Args[0], dirPlaceholder+"/nginx.lock", "inside the test directory")
	case name == "error_log" && len(d.Args) > 0:
		a := d.Args[0].Value
		if a != "stderr" && !strings.HasPrefix(a, "memory:") {
			r.word(d, d.Args[0], dirPlaceholder+"/error.log", "inside the test directory")
		}
	case name == "access_log" && len(d.Args) > 0:
		if d.Args[0].Value != "off" {
			r.word(d, d.Args[0], dirPlaceholder+"/access.log", "inside the test directory")
		}
	case strings.HasSuffix(name, "_temp_path") && len(d.Args) > 0:
		r.word(d, d.Args[0], dirPlaceholder+"/"+strings.TrimSuffix(name, "_path"), "inside the test directory")
	case strings.HasSuffix(name, "_cache_path") && len(d.Args) > 0:
		r.caches++
		r.word(d, d.Args[0], fmt.Sprintf("%s/cache%d", dirPlaceholder, r.caches), "inside the test directory")
	case name == "user" || name == "daemon" || name == "working_directory":
		r.remove(d, "the test runs nginx in the foreground as the current user")
	case name == "load_module":
		r.remove(d, "dynamic modules are not loaded")
		r.note("load_module %s is dropped: the test nginx loads no dynamic modules", d.Arg(0))
	case r.timeoutScale > 0 && readTimeouts[name] && len(d.Args) == 1:
		if ms, err := model.ParseTime(d.Args[0].Value, false); err == nil && ms > 0 {
			scaled := int64(float64(ms) * r.timeoutScale)
			r.word(d, d.Args[0], strconv.FormatInt(max(scaled, 1), 10)+"ms", "read timeout scaled for a short idle check")
			r.note("%s %s is scaled by %g to %dms", name, d.Args[0].Value, r.timeoutScale, max(scaled, 1))
		}
	case name == "worker_processes" && len(d.Args) == 1:
		r.word(d, d.Args[0], "1", "one worker is enough for a test")
	}
}

// passVars records the variables *_pass directives take their host from,
// so that a set giving them a value can be rewritten.
func (r *rewriter) passVars(d *parser.Directive) {
	if !passDirectives[d.Name] || len(d.Args) == 0 {
		return
	}
	v := d.Args[0].Value
	if r.hostVars == nil {
		r.hostVars = map[string]bool{}
	}
	rest, isURL := v, false
	if i := strings.Index(v, "://"); i >= 0 {
		rest, isURL = v[i+3:], true
	}
	if !strings.HasPrefix(rest, "$") {
		return
	}
	name := strings.TrimPrefix(rest, "$")
	isVarChar := func(c rune) bool {
		return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	if j := strings.IndexFunc(name, func(c rune) bool { return !isVarChar(c) }); j >= 0 {
		name = name[:j]
	}
	if isURL || d.Name != "proxy_pass" && d.Name != "grpc_pass" {
		r.hostVars[strings.ToLower(name)] = true
	}
}

// target points a *_pass directive at the echo backend, unless it names an
// upstream{} block (whose servers are rewritten) or uses variables.
func (r *rewriter) target(d *parser.Directive) {
	if len(d.Args) == 0 {
		return
	}
	v := d.Args[0].Value
	if !strings.Contains(v, "://") {
		switch {
		case strings.Contains(v, "$"):
			r.note("%s %s uses a variable: its value is rewritten where a set gives it a URL, else it is left as written", d.Name, v)
			return
		case r.upstreams[strings.ToLower(v)]:
			return
		}
		r.word(d, d.Args[0], r.backend, d.Name+": the echo backend")
		return
	}
	if nv, ok := r.url(v); ok {
		r.word(d, d.Args[0], nv, d.Name+": the echo backend")
	}
}

// url rewrites the authority of scheme://host[:port][/uri] to the echo
// backend. TLS schemes become plain ones: the echo backend speaks no TLS.
func (r *rewriter) url(v string) (string, bool) {
	i := strings.Index(v, "://")
	if i < 0 {
		return "", false
	}
	scheme, rest := v[:i], v[i+3:]
	var auth, tail string
	if strings.HasPrefix(strings.ToLower(rest), "unix:") {
		// unix:/path/to.sock[:/uri]
		if j := strings.Index(rest[5:], ":"); j >= 0 {
			auth, tail = rest[:5+j], rest[5+j+1:]
		} else {
			auth = rest
		}
	} else if j := strings.IndexAny(rest, "/?"); j >= 0 {
		auth, tail = rest[:j], rest[j:]
	} else {
		auth = rest
	}
	if strings.Contains(scheme, "$") {
		r.note("%s uses a variable in its scheme: left as written", v)
		return "", false
	}
	// a variable host is rewritten where a set gives it a value
	upstream := r.upstreams[strings.ToLower(auth)] || strings.Contains(auth, "$")
	switch strings.ToLower(scheme) {
	case "https":
		scheme = "http"
		r.note("%s is proxied over plain HTTP: the echo backend speaks no TLS", v)
	case "grpcs":
		scheme = "grpc"
		r.note("%s is proxied without TLS: the echo backend speaks no TLS", v)
	case "suwsgi":
		scheme = "uwsgi"
		r.note("%s is proxied without TLS: the echo backend speaks no TLS", v)
	}
	if upstream {
		// upstream{} servers are rewritten; only the scheme may change
		if scheme == v[:i] {
			return "", false
		}
		return scheme + "://" + auth + tail, true
	}
	return scheme + "://" + r.backend + tail, true
}

// expand returns the directives of a block body with included files spliced
// in (not entering nested blocks).
func expand(ds []*parser.Directive) []*parser.Directive {
	var out []*parser.Directive
	seen := map[*parser.File]bool{}
	var add func(ds []*parser.Directive)
	add = func(ds []*parser.Directive) {
		for _, d := range ds {
			if d.Name == "include" && d.Block == nil {
				for _, f := range d.Included() {
					if !seen[f] {
						seen[f] = true
						add(f.Top)
					}
				}
				continue
			}
			out = append(out, d)
		}
	}
	add(ds)
	return out
}

// server rewrites the listen directives of a server block (also those in
// files it includes) and records its names. A server without listen gets
// one: nginx's default *:80.
func (r *rewriter) server(d *parser.Directive) {
	if r.serverSeen[d] {
		return
	}
	r.serverSeen[d] = true
	s := r.serverOf(d, expand(d.Block.Directives))
	if len(s.Listens) == 0 {
		i := r.port("80")
		eol := d.File.EOL()
		r.add(d.File, Edit{Start: int(d.Block.Open) + 1, End: int(d.Block.Open) + 1,
			New: eol + d.File.Indent(d.Start()) + "    listen 127.0.0.1:" + portPlaceholder(i) + "; # nginxtest: nginx's default *:80" + eol, Why: "a server without listen listens on *:80"})
		s.Listens = append(s.Listens, Listen{Index: i, Port: 80})
	}
}

// serverOf records a server from its (expanded) directives and rewrites
// its listen directives.
func (r *rewriter) serverOf(dir *parser.Directive, ds []*parser.Directive) *Server {
	s := &Server{Dir: dir}
	r.servers = append(r.servers, s)
	inServer := map[int]bool{}
	for _, d := range ds {
		switch d.Name {
		case "server_name":
			for _, a := range d.Args {
				s.Names = append(s.Names, a.Value)
			}
		case "listen":
			if l, ok := r.listen(d, inServer); ok {
				s.Listens = append(s.Listens, l)
			}
		}
	}
	return s
}

// Listen parameters that configure the listening socket: nginx takes them
// once per address and port, so they stay only on the first listen that
// ends up on a port.
var socketOptions = []string{"backlog=", "rcvbuf=", "sndbuf=", "accept_filter=", "deferred", "bind", "reuseport", "so_keepalive=", "fastopen=", "setfib="}

func isSocketOption(p string) bool {
	for _, o := range socketOptions {
		if p == o || strings.HasSuffix(o, "=") && strings.HasPrefix(p, o) {
			return true
		}
	}
	return false
}

// listen rewrites one listen directive to 127.0.0.1 and a port
// placeholder. Listens on the same original port share a placeholder, so
// name-based virtual servers stay on one port; a second listen of a server
// on the same port (listen 80; listen [::]:80;) is removed.
func (r *rewriter) listen(d *parser.Directive, inServer map[int]bool) (Listen, bool) {
	if len(d.Args) == 0 {
		return Listen{}, false
	}
	addr := d.Args[0].Value
	key, port := listenKey(addr)
	l := Listen{Orig: addr, Port: port}
	for _, a := range d.Args[1:] {
		switch strings.ToLower(a.Value) {
		case "ssl":
			l.TLS = true
		case "quic":
			r.remove(d, "QUIC (UDP) is not tested")
			r.note("listen %s quic is dropped: the test speaks HTTP/1.1 over TCP", addr)
			return Listen{}, false
		}
	}
	i := r.port(key)
	l.Index = i
	if inServer[i] {
		r.remove(d, "a second listen on the same port")
		return Listen{}, false
	}
	inServer[i] = true
	r.word(d, d.Args[0], "127.0.0.1:"+portPlaceholder(i), "listen on a loopback port")
	keptOpts := false
	for j := 1; j < len(d.Args); j++ {
		p := strings.ToLower(d.Args[j].Value)
		switch {
		case p == "ssl":
			r.dropArg(d, j, "TLS is not tested")
			r.note("listen %s ssl: ssl is dropped, the test speaks plain HTTP on that port ($scheme is http there)", addr)
		case p == "http2" && l.TLS:
			r.dropArg(d, j, "HTTP/2 without TLS would be h2c only")
		case p == "proxy_protocol":
			r.dropArg(d, j, "the test client sends no PROXY protocol header")
			r.note("listen %s proxy_protocol: the parameter is dropped, the test client sends no PROXY header", addr)
		case strings.HasPrefix(p, "ipv6only="):
			r.dropArg(d, j, "an IPv4 loopback address")
		case p == "default_server" || p == "default":
			if r.defaultDone[i] {
				r.dropArg(d, j, "one default server per port")
			}
			r.defaultDone[i] = true
		case isSocketOption(p):
			if r.optsDone[i] {
				r.dropArg(d, j, "socket options once per port")
			} else {
				keptOpts = true
			}
		}
	}
	if keptOpts {
		r.optsDone[i] = true
	}
	return l, true
}

// listenKey returns what identifies the port of a listen address, and the
// port number (80 when none is written, 0 for a unix socket).
func listenKey(addr string) (string, int) {
	if strings.HasPrefix(strings.ToLower(addr), "unix:") {
		return addr, 0
	}
	port := ""
	switch {
	case strings.HasPrefix(addr, "["):
		if i := strings.Index(addr, "]:"); i >= 0 {
			port = addr[i+2:]
		}
	case strings.IndexFunc(addr, func(c rune) bool { return c < '0' || c > '9' }) < 0:
		port = addr
	default:
		if i := strings.LastIndex(addr, ":"); i >= 0 {
			port = addr[i+1:]
		}
	}
	if port == "" {
		return "80", 80
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		return addr, 0
	}
	return strconv.Itoa(n), n
}

// mainDirectives returns the lines a main configuration needs to stay inside
// the test directory, for the names it does not set itself at the top.
func mainLines(has func(string) bool) []string {
	var out []string
	out = append(out, "daemon off;")
	if !has("worker_processes") {
		out = append(out, "worker_processes 1;")
	}
	if !has("pid") {
		out = append(out, "pid "+dirPlaceholder+"/nginx.pid;")
	}
	if !has("error_log") {
		out = append(out, "error_log "+dirPlaceholder+"/error.log info;")
	}
	if os.Geteuid() == 0 {
		out = append(out, "user root;")
	}
	return out
}

// httpLines are the http-level paths nginx would otherwise write under its
// compiled-in prefix.
func httpLines(has func(string) bool) []string {
	var out []string
	for _, n := range []string{"client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path", "uwsgi_temp_path", "scgi_temp_path"} {
		if !has(n) {
			out = append(out, n+" "+dirPlaceholder+"/"+strings.TrimSuffix(n, "_path")+";")
		}
	}
	if !has("access_log") {
		out = append(out, "access_log "+dirPlaceholder+"/access.log;")
	}
	return out
}

// wrapMain adds to a main configuration what keeps nginx in the test
// directory: the main-level lines at the top, an events block when there
// is none, and the temp paths inside http{}.
func (r *rewriter) wrapMain(f *parser.File) {
	top := expand(f.Top)
	has := func(ds []*parser.Directive) func(string) bool {
		return func(n string) bool {
			for _, d := range ds {
				if d.Name == n {
					return true
				}
			}
			return false
		}
	}
	eol := f.EOL()
	lines := mainLines(has(top))
	r.add(f, Edit{Start: 0, End: 0, New: "# nginxtest: run inside the test directory" + eol + strings.Join(lines, eol) + eol, Why: "main-level settings for the test"})
	if !has(top)("events") {
		r.add(f, Edit{Start: len(f.Src), End: len(f.Src), New: eol + "events { worker_connections 256; } # nginxtest" + eol, Why: "nginx needs an events block"})
	}
	for _, d := range top {
		if d.Name != "http" || d.Block == nil {
			continue
		}
		hl := httpLines(has(expand(d.Block.Directives)))
		if len(hl) > 0 {
			ind := f.Indent(d.Start()) + "    "
			r.add(f, Edit{Start: int(d.Block.Open) + 1, End: int(d.Block.Open) + 1, New: eol + ind + strings.Join(hl, eol+ind) + " # nginxtest" + eol, Why: "temp paths inside the test directory"})
		}
	}
}
