package model

import (
	"regexp"
	"strconv"
	"strings"
)

// Server names and default servers, as nginx picks the server for a
// request (ngx_http_find_virtual_server, ngx_http_add_listening): among
// the servers listening on the address and port a connection arrived on,
// the one whose server_name matches the Host (exact name, then the longest
// leading wildcard "*.example.com" or ".example.com", then the longest
// trailing wildcard "www.example.*", then the first matching regex "~..."),
// else the default server of that address:port: the one whose listen has
// default_server, or the first server listening there.
// https://nginx.org/en/docs/http/server_names.html
// https://nginx.org/en/docs/http/request_processing.html

// ServerNames returns the names of server s as written, lower case (regex
// names keep their case and their leading "~"). A server without
// server_name has the empty name "".
func (s *Block) ServerNames() []string {
	var out []string
	for _, e := range s.Own("server_name") {
		for _, a := range e.D.Args {
			v := a.Value
			if !strings.HasPrefix(v, "~") {
				v = strings.ToLower(v)
			}
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}

// NameMatches reports whether one server_name entry matches a host (lower
// case, without port). ok is false when the entry is a regex Go cannot
// compile.
func NameMatches(name, host string) (match, ok bool) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	switch {
	case strings.HasPrefix(name, "~"):
		re, err := regexp.Compile(strings.TrimPrefix(name, "~"))
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
func (s *Block) MatchesHost(host string) bool {
	for _, n := range s.ServerNames() {
		if m, _ := NameMatches(n, host); m {
			return true
		}
	}
	return false
}

// CatchAllName reports whether a server_name entry matches any host: a
// regex such as ~.* or ~^.*$ that matches every name.
func CatchAllName(name string) bool {
	if !strings.HasPrefix(name, "~") {
		return false
	}
	re, err := regexp.Compile(strings.TrimPrefix(name, "~"))
	if err != nil {
		return false
	}
	for _, h := range []string{"a", "example.com", "x.y.z.invalid", "127.0.0.1"} {
		if !re.MatchString(h) {
			return false
		}
	}
	return true
}

// ListenKey is the address:port a listen binds, as nginx groups servers
// for name-based selection: "*:80", "[::]:443", "127.0.0.1:8080", or
// "unix:/path". A server without listen binds "*:80".
func ListenKey(l Listen) string {
	switch {
	case l.Unix:
		return strings.ToLower(l.D.Arg(0))
	case l.Variable:
		return ""
	}
	host := l.Host
	if host == "" {
		host = "*"
	}
	return host + ":" + strconv.Itoa(l.Port)
}

// serverKeys returns the listen keys of s, and for each whether that listen
// has default_server (or the older "default").
func serverKeys(s *Block) map[string]bool {
	out := map[string]bool{}
	ls := s.Listens()
	if len(ls) == 0 && !s.Synthetic {
		out["*:"+strconv.Itoa(DefaultListenPort)] = false
	}
	for _, l := range ls {
		k := ListenKey(l)
		if k == "" {
			continue
		}
		def := false
		for _, a := range l.D.Args[1:] {
			if v := strings.ToLower(a.Value); v == "default_server" || v == "default" {
				def = true
			}
		}
		out[k] = out[k] || def
	}
	return out
}

// DefaultServer returns the server nginx uses for requests on a listen key
// whose Host no server names: the one that lists default_server there, else
// the first server listening there. nil when no server listens there.
func (c *Config) DefaultServer(key string) *Block {
	if c.defaults == nil {
		// once per model: asked per server, a walk over every server made
		// a file of many servers cost their number squared
		c.defaults = map[string]*Block{}
		explicit := map[string]bool{}
		for _, s := range c.Servers {
			for k, def := range serverKeys(s) {
				if _, seen := c.defaults[k]; !seen || def && !explicit[k] {
					c.defaults[k] = s
					explicit[k] = def
				}
			}
		}
	}
	return c.defaults[key]
}

// ListenKeys returns the address:port keys server s listens on.
func (s *Block) ListenKeys() []string {
	var out []string
	for k := range serverKeys(s) {
		out = append(out, k)
	}
	return out
}

// RejectsUnknownHosts reports whether server s exists to turn away requests
// whose Host no other server names: it answers every request at server
// level (or in location /) with return 444 or a 4xx status, or refuses the
// TLS handshake (ssl_reject_handshake on) on its TLS listens and does so
// on the others.
func (s *Block) RejectsUnknownHosts() bool {
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
	for _, l := range s.cfg.ServerLocations(s) {
		if l.Kind == Location && l.Loc != nil && l.Loc.Modifier == "" && l.Loc.Pattern == "/" && rejects(l) {
			return true
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

// OnlyNamedHosts reports whether a request reaches server s only with a
// Host that one of its names matches: s is not the default server of any
// address:port it listens on (another server there rejects unknown hosts),
// and none of its names is a catch-all regex. A server around a fragment,
// whose listens are unknown, does not qualify.
func (s *Block) OnlyNamedHosts() bool {
	if s.Synthetic || s.cfg == nil {
		return false
	}
	for _, n := range s.ServerNames() {
		if CatchAllName(n) {
			return false
		}
	}
	keys := s.ListenKeys()
	if len(keys) == 0 {
		return false
	}
	for _, k := range keys {
		def := s.cfg.DefaultServer(k)
		if def == nil || def == s || !def.RejectsUnknownHosts() {
			return false
		}
	}
	return true
}

// ServerFor returns the server nginx picks for a request with host (lower
// case, without port) on listen key: an exact name first, then the longest
// matching leading wildcard, then the longest matching trailing wildcard,
// then the first matching regex in the order written, else the default
// server of the key. nil when no server listens there.
func (c *Config) ServerFor(key, host string) *Block {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	var lead, trail, re *Block
	leadLen, trailLen := 0, 0
	for _, s := range c.Servers {
		if _, ok := serverKeys(s)[key]; !ok {
			continue
		}
		for _, n := range s.ServerNames() {
			m, _ := NameMatches(n, host)
			if !m {
				continue
			}
			switch {
			case strings.HasPrefix(n, "~"):
				if re == nil {
					re = s
				}
			case strings.HasPrefix(n, "*.") || strings.HasPrefix(n, "."):
				if len(n) > leadLen {
					lead, leadLen = s, len(n)
				}
			case strings.HasSuffix(n, ".*"):
				if len(n) > trailLen {
					trail, trailLen = s, len(n)
				}
			default:
				return s
			}
		}
	}
	for _, s := range []*Block{lead, trail, re} {
		if s != nil {
			return s
		}
	}
	return c.DefaultServer(key)
}
