package model

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
)

// Server names and default servers, as nginx picks the server for a
// request (ngx_http_add_listening, ngx_http_find_virtual_server): among the
// servers listening on the address and port (or unix socket) a connection
// arrived on, the one whose server_name matches the Host (an exact name,
// then the longest leading wildcard "*.example.com" or ".example.com", then
// the longest trailing wildcard "www.example.*", then the first matching
// regex "~..." in the order written), else the default server of that
// socket: the one whose listen has default_server, or the first server
// listening there.
// https://nginx.org/en/docs/http/server_names.html
// https://nginx.org/en/docs/http/request_processing.html
//
// Everything here is computed once per configuration (Config.hostIndex):
// the sockets, their default servers and name tables, and what each server
// is reachable with. Rules ask ServerFor, DefaultServer, Reach and
// OnlyNamedHosts instead of re-deriving any of it.

// ServerNames returns the names of server s as written, lower case (regex
// names keep their case and their leading "~"). A server without
// server_name has the empty name "".
func (s *Block) ServerNames() []string {
	var out []string
	for _, n := range s.serverNames() {
		out = append(out, n.name)
	}
	return out
}

// serverName is one name of a server with the server_name argument that
// writes it (D nil for the implicit "" of a server without server_name).
type serverName struct {
	name string
	d    *parser.Directive
	arg  int
}

func (s *Block) serverNames() []serverName {
	var out []serverName
	for _, e := range s.Own("server_name") {
		for i, a := range e.D.Args {
			v := a.Value
			if !strings.HasPrefix(v, "~") {
				v = strings.ToLower(v)
			}
			out = append(out, serverName{v, e.D, i})
		}
	}
	if len(out) == 0 {
		out = []serverName{{}}
	}
	return out
}

// compileName compiles a regex server name (with its "~"). nginx matches
// it against the Host it has lower-cased, and compiles a pattern that has
// an upper-case letter caselessly (ngx_http_core_server_name), so matching
// without regard to case is what nginx does for every pattern.
func compileName(name string) (*regexp.Regexp, error) {
	return regexp.Compile("(?i)" + strings.TrimPrefix(name, "~"))
}

// normHost lower-cases a Host and drops a trailing dot, as nginx does
// before it looks up the server (ngx_http_validate_host).
func normHost(host string) string {
	return strings.ToLower(strings.TrimSuffix(host, "."))
}

// NameMatches reports whether one server_name entry matches a host (without
// port). ok is false when the entry is a regex Go cannot compile.
func NameMatches(name, host string) (match, ok bool) {
	host = normHost(host)
	switch {
	case strings.HasPrefix(name, "~"):
		re, err := compileName(name)
		if err != nil {
			return false, false
		}
		return re.MatchString(host), true
	case strings.HasPrefix(name, "*."):
		return strings.HasSuffix(host, name[1:]), true
	case strings.HasPrefix(name, "."):
		return host == name[1:] || strings.HasSuffix(host, name), true
	case strings.HasSuffix(name, ".*"):
		return strings.HasPrefix(host, name[:len(name)-1]), true
	}
	return name == host, true
}

// MatchesHost reports whether one of server s's names matches host.
// Regex names are compiled once per configuration.
func (s *Block) MatchesHost(host string) bool {
	if s.Config() == nil {
		for _, n := range s.ServerNames() {
			if m, _ := NameMatches(n, host); m {
				return true
			}
		}
		return false
	}
	h := s.Config().hosts()
	host = normHost(host)
	for _, n := range s.ServerNames() {
		if !strings.HasPrefix(n, "~") {
			if m, _ := NameMatches(n, host); m {
				return true
			}
		} else if re := h.compiled(n); re != nil && re.MatchString(host) {
			return true
		}
	}
	return false
}

// attackerHost is a host name no configuration means to serve.
const attackerHost = "attacker.invalid"

// CatchAllName reports whether a server_name entry takes hosts the
// configuration does not name: a regex such as ~.* or ~^(.+)$ that matches
// a foreign name (the client picks the Host, so a regex that lets any such
// name through lets every client-chosen one through). A leading or
// trailing wildcard is a family of real names and does not count.
func CatchAllName(name string) bool {
	if !strings.HasPrefix(name, "~") {
		return false
	}
	re, err := compileName(name)
	return err == nil && re.MatchString(attackerHost)
}

// SocketAddr is nginx's text for the address of a listen argument
// (addr_text): "0.0.0.0:80" for 80, *:80 and 0.0.0.0:80 (one socket,
// INADDR_ANY), "[::1]:443" for an IPv6 address in canonical form,
// "unix:/path" for a unix socket. "" when it cannot be compared: a host
// name (resolved when nginx starts), a variable, an invalid port.
func SocketAddr(a string) string {
	if strings.HasPrefix(a, "unix:") {
		return a // paths are case-sensitive
	}
	host, port := "", "80"
	switch {
	case strings.HasPrefix(a, "["):
		i := strings.Index(a, "]")
		if i < 0 {
			return ""
		}
		host = a[1:i]
		if rest := a[i+1:]; rest != "" {
			if !strings.HasPrefix(rest, ":") {
				return ""
			}
			port = rest[1:]
		}
		ip, ok := ipAddr(host)
		if !ok {
			return ""
		}
		host = "[" + ipString(ip) + "]"
	case strings.Contains(a, ":"):
		i := strings.LastIndex(a, ":")
		host, port = a[:i], a[i+1:]
	case allDigits(a):
		host, port = "*", a
	default:
		host = a
	}
	n, err := strconv.Atoi(port)
	if !allDigits(port) || err != nil || n < 1 || n > 65535 {
		return ""
	}
	if host == "*" || host == "" {
		host = "0.0.0.0"
	}
	if !strings.HasPrefix(host, "[") {
		ip, ok := ipAddr(host)
		if !ok || ipv4String(ip) == "" {
			return ""
		}
		host = ipv4String(ip)
	}
	return host + ":" + strconv.Itoa(n)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// ListenKey names the socket a listen binds, as nginx groups servers for
// name-based selection: its SocketAddr ("0.0.0.0:80" for listen 80, *:80
// and 0.0.0.0:80, "[::]:443", "127.0.0.1:8080", "unix:/path"); a host name
// is keyed by its text. An address nginx cannot read here (a template
// placeholder: listen ${NGINX_PORT}) is keyed by its text, "?${NGINX_PORT}":
// the same text renders to the same socket, while two different texts may
// or may not. "" when there is nothing to key.
func ListenKey(l Listen) string {
	if l.D == nil || len(l.D.Args) == 0 {
		if l.Unix || l.Variable {
			return ""
		}
		return "0.0.0.0:" + strconv.Itoa(l.Port) // the implicit listen of a server without one
	}
	arg := l.D.Args[0].Value
	if l.Variable {
		return "?" + arg
	}
	if a := SocketAddr(arg); a != "" {
		return a
	}
	if l.Unix {
		return arg
	}
	host := l.Host
	if host == "" || host == "*" {
		host = "0.0.0.0"
	}
	return strings.ToLower(host) + ":" + strconv.Itoa(l.Port)
}

// serverListens returns the listens of s; a server without any listens on
// *:DefaultListenPort, a synthetic one (around a fragment) on nothing known.
func serverListens(s *Block) []Listen {
	ls := s.Listens()
	if len(ls) == 0 && !s.Synthetic {
		ls = []Listen{{Port: DefaultListenPort}}
	}
	return ls
}

func hasDefaultFlag(d *parser.Directive) bool {
	if d == nil {
		return false
	}
	for _, a := range d.Args[1:] {
		if v := strings.ToLower(a.Value); v == "default_server" || v == "default" {
			return true
		}
	}
	return false
}

// socket is one address:port (or unix socket) and the servers on it.
type socket struct {
	key      string
	first    Listen   // the first server's listen for the socket
	servers  []*Block // in order, each once
	def      *Block
	explicit bool // def is marked default_server
	exact    map[string]*Block
	lead     []wildName // leading wildcards, suffix with its dot: ".example.com"
	trail    []wildName // trailing wildcards, prefix with its dot: "www.example."
	regex    []regexName
	// wild holds the server of each wildcard as nginx hashes it (the lead
	// parts and the trail parts, which cannot collide: one starts with a
	// dot, the other ends with one).
	wild map[string]*Block
	// conflicts are the names a later server lists again, in order.
	conflicts []NameConflict
}

// NameConflict is a server name nginx ignores on a socket because a server
// before it there (or the same server) lists it already: nginx -t warns
// `conflicting server name "NAME" on ADDR, ignored`, and requests for the
// name reach Keeper only. nginx builds a socket's name tables only when
// more than one server listens there, so a name repeated by the only server
// of a socket is no conflict.
type NameConflict struct {
	Name   string // lower case, as nginx prints it
	Addr   string // the socket (address:port or unix:path)
	Server *Block // the server whose name is ignored
	Keeper *Block // the server that keeps the name; Server itself when it lists the name twice
	// D and Arg are the server_name directive and the argument that
	// writes the name; D is nil for the implicit "" of a server without
	// server_name.
	D   *parser.Directive
	Arg int
}

type wildName struct {
	part string
	s    *Block
}

type regexName struct {
	re *regexp.Regexp
	s  *Block
}

type keyedListen struct {
	Listen
	key string
}

// hostIndex is the server-selection model of one configuration.
type hostIndex struct {
	c       *Config
	whole   bool // a whole configuration, not a fragment
	sockets map[string]*socket
	// listens holds each server's listens, those of c.Servers[i] from
	// listenAt[i] to listenAt[i+1]
	listens  []keyedListen
	listenAt []int32
	reach    map[*Block]HostReach
	regexps  map[string]*regexp.Regexp // regex names; nil when Go cannot compile one
	rejects  map[*Block]bool
	implicit []ImplicitDefault
	// conflicts are the sockets' name conflicts, sockets in the order
	// their first server appears
	conflicts []NameConflict
}

// hosts returns the configuration's server-selection model, built on first
// use in one pass over the servers and their names.
func (c *Config) hosts() *hostIndex {
	c.hostSet.Do(func() { c.hostIdx = c.buildHosts() })
	return c.hostIdx
}

func (c *Config) buildHosts() *hostIndex {
	h := &hostIndex{
		c:        c,
		whole:    c.Unit != nil && c.Unit.Context == parser.CtxMain,
		sockets:  map[string]*socket{},
		listens:  make([]keyedListen, 0, len(c.Servers)), // most servers have one listen
		listenAt: make([]int32, 1, len(c.Servers)+1),
		reach:    map[*Block]HostReach{},
		regexps:  map[string]*regexp.Regexp{},
		rejects:  map[*Block]bool{},
	}
	var order []*socket
	for _, s := range c.Servers {
		var mine []*socket
		for _, l := range serverListens(s) {
			k := ListenKey(l)
			if k == "" {
				continue
			}
			h.listens = append(h.listens, keyedListen{l, k})
			sk := h.sockets[k]
			if sk == nil {
				sk = &socket{key: k, first: l, exact: map[string]*Block{}, wild: map[string]*Block{}}
				h.sockets[k] = sk
				order = append(order, sk)
			}
			if len(sk.servers) == 0 || sk.servers[len(sk.servers)-1] != s {
				sk.servers = append(sk.servers, s)
				mine = append(mine, sk)
			}
			switch {
			case sk.explicit:
			case hasDefaultFlag(l.D):
				sk.def, sk.explicit = s, true
			case sk.def == nil:
				sk.def = s
			}
		}
		h.listenAt = append(h.listenAt, int32(len(h.listens)))
		if len(mine) == 0 {
			continue
		}
		for _, n := range s.serverNames() {
			for _, sk := range mine {
				sk.addName(h, n, s)
			}
		}
	}
	for _, sk := range order {
		sort.SliceStable(sk.lead, func(i, j int) bool { return len(sk.lead[i].part) > len(sk.lead[j].part) })
		sort.SliceStable(sk.trail, func(i, j int) bool { return len(sk.trail[i].part) > len(sk.trail[j].part) })
		if len(sk.servers) > 1 && !strings.HasPrefix(sk.key, "?") {
			h.conflicts = append(h.conflicts, sk.conflicts...)
		}
		if h.whole && !sk.explicit && len(sk.servers) > 1 && !sk.first.Variable && sk.first.D != nil {
			h.implicit = append(h.implicit, ImplicitDefault{Listen: sk.first, Server: sk.def, Servers: len(sk.servers)})
		}
	}
	if cap(h.listens) > len(h.listens)+len(h.listens)/4 {
		h.listens = slices.Clone(h.listens)
	}
	return h
}

// listensOf returns the listens of server s, each with its socket's key.
func (h *hostIndex) listensOf(s *Block) []keyedListen {
	i := h.c.serverIndex(s)
	if i < 0 {
		return nil
	}
	return h.listens[h.listenAt[i]:h.listenAt[i+1]]
}

// addName enters one server_name of s in the socket's tables; the first
// server to list a name keeps it, as nginx ignores the later ones with a
// "conflicting server name" warning.
func (sk *socket) addName(h *hostIndex, sn serverName, s *Block) {
	n := sn.name
	switch {
	case strings.HasPrefix(n, "~"):
		// regexes are tried in order; nginx never calls two of them a conflict
		if re := h.compiled(n); re != nil {
			sk.regex = append(sk.regex, regexName{re, s})
		}
	case strings.Contains(n, "$"):
		// $hostname, replaced by the machine's name: not known here
	case strings.HasPrefix(n, "*."):
		sk.addWild(sn, n[1:], s, &sk.lead)
	case strings.HasPrefix(n, "."):
		// ".example.com" is both the name example.com and *.example.com;
		// nginx (ngx_hash_add_key) checks the exact name first and adds
		// neither when it is taken, else the exact name, then the wildcard
		if !sk.addExact(sn, n[1:], s) {
			return
		}
		sk.addWild(sn, n, s, &sk.lead)
	case strings.HasSuffix(n, ".*"):
		sk.addWild(sn, n[:len(n)-1], s, &sk.trail)
	default:
		sk.addExact(sn, n, s)
	}
}

// addExact enters an exact name; false when a server has it already.
func (sk *socket) addExact(sn serverName, name string, s *Block) bool {
	if keeper, ok := sk.exact[name]; ok {
		sk.conflict(sn, keeper, s)
		return false
	}
	sk.exact[name] = s
	return true
}

func (sk *socket) addWild(sn serverName, part string, s *Block, list *[]wildName) {
	if keeper, ok := sk.wild[part]; ok {
		sk.conflict(sn, keeper, s)
		return
	}
	sk.wild[part] = s
	*list = append(*list, wildName{part, s})
}

func (sk *socket) conflict(sn serverName, keeper, s *Block) {
	sk.conflicts = append(sk.conflicts, NameConflict{Name: sn.name, Addr: sk.key, Server: s, Keeper: keeper, D: sn.d, Arg: sn.arg})
}

// NameConflicts returns the server names nginx ignores because a server
// before them on the same socket lists them (see NameConflict), sockets in
// the order their first server appears, names in the order written.
func (c *Config) NameConflicts() []NameConflict { return c.hosts().conflicts }

// compiled returns the regex of a server name, compiled once; nil when Go
// cannot compile it.
func (h *hostIndex) compiled(n string) *regexp.Regexp {
	h.c.mu.Lock()
	defer h.c.mu.Unlock()
	re, ok := h.regexps[n]
	if !ok {
		re, _ = compileName(n)
		h.regexps[n] = re
	}
	return re
}

// pick returns the server whose name matches host, nil when none does.
func (sk *socket) pick(host string) *Block {
	if s, ok := sk.exact[host]; ok {
		return s
	}
	for _, w := range sk.lead { // longest first
		if strings.HasSuffix(host, w.part) && len(host) > len(w.part) {
			return w.s
		}
	}
	for _, w := range sk.trail {
		if strings.HasPrefix(host, w.part) && len(host) > len(w.part) {
			return w.s
		}
	}
	for _, r := range sk.regex {
		if r.re.MatchString(host) {
			return r.s
		}
	}
	return nil
}

// ServerFor returns the server nginx picks for a request with host
// (without port) on listen key (see ListenKey): an exact name first, then
// the longest matching leading wildcard, then the longest matching trailing
// wildcard, then the first matching regex in the order written, else the
// default server of the key. nil when no server listens there.
func (c *Config) ServerFor(key, host string) *Block {
	sk := c.hosts().sockets[key]
	if sk == nil {
		return nil
	}
	if s := sk.pick(normHost(host)); s != nil {
		return s
	}
	return sk.def
}

// DefaultServer returns the server nginx uses for requests on a listen key
// whose Host no server names: the one that lists default_server there, else
// the first server listening there. nil when no server listens there.
func (c *Config) DefaultServer(key string) *Block {
	if sk := c.hosts().sockets[key]; sk != nil {
		return sk.def
	}
	return nil
}

// ListenKeys returns the keys of the sockets server s listens on, in the
// order of its listens, each once.
func (s *Block) ListenKeys() []string {
	if s.Config() == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, l := range s.Config().hosts().listensOf(s) {
		if !seen[l.key] {
			seen[l.key] = true
			out = append(out, l.key)
		}
	}
	return out
}

// RejectsUnknownHosts reports whether server s exists to turn away requests
// whose Host no other server names: it answers every request at server
// level (or in location /) with return 444 or a 4xx status, or refuses the
// TLS handshake (ssl_reject_handshake on) on its TLS listens and does so
// on the others.
func (s *Block) RejectsUnknownHosts() bool {
	if s.Config() == nil {
		return rejectsUnknownHosts(s)
	}
	h := s.Config().hosts()
	s.Config().mu.Lock()
	r, ok := h.rejects[s]
	s.Config().mu.Unlock()
	if !ok {
		r = rejectsUnknownHosts(s) // outside the lock: it reads blocks
		s.Config().mu.Lock()
		h.rejects[s] = r
		s.Config().mu.Unlock()
	}
	return r
}

func rejectsUnknownHosts(s *Block) bool {
	rejects := func(b *Block) bool {
		for _, e := range b.Own("return") {
			code, err := strconv.Atoi(e.D.Arg(0))
			if err == nil && (code == 444 || code >= 400 && code < 500) {
				return true
			}
		}
		return false
	}
	if rejects(s) {
		return true
	}
	if s.Config() != nil {
		for _, l := range s.Config().ServerLocations(s) {
			if l.Kind == Location && l.Loc != nil && l.Loc.Modifier == "" && l.Loc.Pattern == "/" && rejects(l) {
				return true
			}
		}
	}
	if e, ok := s.Scalar("ssl_reject_handshake"); ok && strings.EqualFold(e.D.Arg(0), "on") {
		for _, l := range s.Listens() {
			if !l.SSL && !l.QUIC {
				return false // its plain listens answer normally
			}
		}
		return true
	}
	return false
}

// HostReach says whether a request can reach a server with any Host
// header, or only with a name the server lists.
type HostReach struct {
	// AnyHost is true when nginx hands this server requests whatever their
	// Host: it is the default server of one of its listen sockets (marked
	// default_server, or the first server for that socket in a whole
	// configuration), or one of its server_name entries matches any name
	// (CatchAllName: a regex such as ~.* or ~^(.+)$).
	AnyHost bool
	// Known is false when ngxlint cannot tell: a fragment linted without
	// the nginx.conf around it, where another file may hold the default
	// server for the port.
	Known bool
	// Why is the evidence, for messages: "it is the default_server for
	// port 80 (line 3)", "its server_name ~.* matches any host".
	Why string
	// Default is the directive that makes it the default (a listen), or
	// the catch-all server_name.
	Default *parser.Directive
}

// Hosts answers how Host headers reach the servers of one configuration.
// It is a view of the model the Config builds once (ServerFor and
// DefaultServer answer from the same tables).
type Hosts struct{ h *hostIndex }

// NewHosts returns the Host model of c; every call for the same c shares
// one index.
func NewHosts(c *Config) *Hosts { return &Hosts{c.hosts()} }

// ImplicitDefault is a socket that several servers share and none of them
// marks default_server: nginx makes the first one the default, so requests
// with an unknown Host (or none) reach it.
type ImplicitDefault struct {
	Listen  Listen // the first server's listen for the socket
	Server  *Block // the first server
	Servers int    // how many servers listen on the socket
}

// ImplicitDefaults returns, in a whole configuration (an nginx.conf, not a
// fragment whose other files are unknown), the sockets several servers share
// without a default_server, in the order of their first listen.
func (h *Hosts) ImplicitDefaults() []ImplicitDefault { return h.h.implicit }

// Reach returns how Host headers reach server s.
func (h *Hosts) Reach(s *Block) HostReach { return h.h.reachOf(s) }

// Reach returns how Host headers reach server s (see HostReach).
func (s *Block) Reach() HostReach {
	if s.Config() == nil {
		return HostReach{}
	}
	return s.Config().hosts().reachOf(s)
}

func (h *hostIndex) reachOf(s *Block) HostReach {
	h.c.mu.Lock()
	r, ok := h.reach[s]
	h.c.mu.Unlock()
	if ok {
		return r
	}
	r = h.computeReach(s) // outside the lock: it reads blocks
	h.c.mu.Lock()
	h.reach[s] = r
	h.c.mu.Unlock()
	return r
}

// computeReach: only the server's own listens and names count; a request
// whose Host names no server on a socket goes to that socket's default
// server.
func (h *hostIndex) computeReach(s *Block) HostReach {
	for _, e := range s.Own("server_name") {
		for _, a := range e.D.Args {
			if !strings.HasPrefix(a.Value, "~") {
				continue
			}
			if re := h.compiled(a.Value); re != nil && re.MatchString(attackerHost) { // CatchAllName
				return HostReach{AnyHost: true, Known: true, Why: "its server_name " + a.Value + " matches any host", Default: e.D}
			}
		}
	}
	r := HostReach{Known: !s.Synthetic}
	for _, l := range h.listensOf(s) {
		sk := h.sockets[l.key]
		where := "port " + strconv.Itoa(l.Port)
		if l.Variable || l.Unix {
			where = l.D.Args[0].Value
		}
		if hasDefaultFlag(l.D) {
			return HostReach{AnyHost: true, Known: true, Why: "it is the default_server for " + where + " (line " + strconv.Itoa(l.D.File.Position(l.D.Start()).Line) + ")", Default: l.D}
		}
		if sk.explicit {
			continue // another server is the default_server for this socket
		}
		if l.Variable || !h.whole {
			// whether another address renders to the same socket (or
			// another file of the configuration listens there first) is
			// unknown
			r.Known = false
			continue
		}
		if sk.def == s {
			why := "it is the first server that listens on " + where + " and none is marked default_server, so nginx makes it the default"
			return HostReach{AnyHost: true, Known: true, Why: why, Default: l.D}
		}
	}
	return r
}

// OnlyNamedHosts reports whether a request reaches server s only with a
// Host that one of its names matches: it is not reachable with any Host
// (Reach), and on every socket it listens on the default server is another
// one that rejects unknown hosts. A server around a fragment, whose
// listens are unknown, does not qualify.
func (s *Block) OnlyNamedHosts() bool {
	if s.Synthetic || s.Config() == nil {
		return false
	}
	h := s.Config().hosts()
	if r := h.reachOf(s); r.AnyHost || !r.Known {
		return false
	}
	ls := h.listensOf(s)
	if len(ls) == 0 {
		return false
	}
	for _, l := range ls {
		def := h.sockets[l.key].def
		if def == nil || def == s || !def.RejectsUnknownHosts() {
			return false
		}
	}
	return true
}
