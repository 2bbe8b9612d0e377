package model

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
)

// HostReach says whether a request can reach a server with any Host
// header, or only with a name the server lists.
type HostReach struct {
	// AnyHost is true when nginx hands this server requests whatever their
	// Host: it is the default server of one of its listen sockets (marked
	// default_server, or the first server for that address and port in a
	// whole configuration), or one of its server_name entries matches any
	// name (a regex such as ~.* or ~^(.+)$).
	AnyHost bool
	// Known is false when ngxlint cannot tell: a fragment linted without
	// the nginx.conf around it, where another file may hold the default
	// server for the port.
	Known bool
	// Why is the evidence, for messages: "it is the default server for
	// port 80 (line 3)", "server_name ~.* matches any host".
	Why string
	// Default is the directive that makes it the default (a listen), or
	// the catch-all server_name.
	Default *parser.Directive
}

// attackerHost is a host name no configuration means to serve.
const attackerHost = "attacker.invalid"

// Hosts knows the default server of every listen socket; build it once per
// model with NewHosts.
type Hosts struct {
	c        *Config
	defaults map[string]*Block
	explicit map[string]bool
	servers  map[string]int // servers per socket
	implicit []ImplicitDefault
}

// ImplicitDefault is a socket that several servers share and none of them
// marks default_server: nginx makes the first one the default, so requests
// with an unknown Host (or none) reach it.
type ImplicitDefault struct {
	Listen  Listen // the first server's listen for the socket
	Server  *Block // the first server
	Servers int    // how many servers listen on the socket
}

// NewHosts indexes the default server of each address and port.
func NewHosts(c *Config) *Hosts {
	h := &Hosts{c: c, defaults: map[string]*Block{}, explicit: map[string]bool{}, servers: map[string]int{}}
	first := map[string]Listen{}
	var order []string
	for _, s := range c.Servers {
		seen := map[string]bool{}
		for _, x := range serverListens(s) {
			k, ok := listenKey(x)
			if !ok {
				continue
			}
			if !seen[k] {
				seen[k] = true
				if h.servers[k] == 0 {
					first[k] = x
					order = append(order, k)
				}
				h.servers[k]++
			}
			if h.explicit[k] {
				continue
			}
			if x.D != nil && hasDefaultFlag(x.D) {
				h.defaults[k], h.explicit[k] = s, true
			} else if h.defaults[k] == nil {
				h.defaults[k] = s
			}
		}
	}
	if c.Unit != nil && c.Unit.Context == parser.CtxMain {
		for _, k := range order {
			if x := first[k]; !h.explicit[k] && h.servers[k] > 1 && !x.Variable && x.D != nil {
				h.implicit = append(h.implicit, ImplicitDefault{Listen: x, Server: h.defaults[k], Servers: h.servers[k]})
			}
		}
	}
	return h
}

// ImplicitDefaults returns, in a whole configuration (an nginx.conf, not a
// fragment whose other files are unknown), the sockets several servers share
// without a default_server, in the order of their first listen.
func (h *Hosts) ImplicitDefaults() []ImplicitDefault { return h.implicit }

func serverListens(s *Block) []Listen {
	ls := s.Listens()
	if len(ls) == 0 && !s.Synthetic {
		ls = []Listen{{Port: DefaultListenPort}}
	}
	return ls
}

// listenKey names the socket of a listen. An address nginx cannot read
// here (a template placeholder: listen ${NGINX_PORT}) is keyed by its text:
// the same text renders to the same socket, while two different texts may
// or may not. A unix socket has no key.
func listenKey(x Listen) (string, bool) {
	switch {
	case x.Unix:
		return "", false
	case x.Variable:
		if x.D == nil || len(x.D.Args) == 0 {
			return "", false
		}
		return "?" + x.D.Args[0].Value, true
	}
	h := x.Host
	if h == "*" || h == "0.0.0.0" {
		h = ""
	}
	return h + ":" + strconv.Itoa(x.Port), true
}

// Reach returns how Host headers reach server s. Only the server's own
// listens and names count; a request whose Host names no server on a
// socket goes to that socket's default server (ngx_http_find_virtual_server
// falls back to the default of the address and port).
func (h *Hosts) Reach(s *Block) HostReach {
	c := h.c
	r := HostReach{Known: true}
	for _, e := range s.Own("server_name") {
		for _, a := range e.D.Args {
			n := a.Value
			if !strings.HasPrefix(n, "~") {
				continue
			}
			re, err := regexp.Compile("(?i)" + n[1:])
			if err == nil && re.MatchString(attackerHost) {
				return HostReach{AnyHost: true, Known: true, Why: "its server_name " + n + " matches any host", Default: e.D}
			}
		}
	}
	whole := c.Unit != nil && c.Unit.Context == parser.CtxMain
	if s.Synthetic {
		r.Known = false
	}
	for _, l := range serverListens(s) {
		k, ok := listenKey(l)
		if !ok {
			continue
		}
		if l.D != nil && hasDefaultFlag(l.D) {
			port := "port " + strconv.Itoa(l.Port)
			if l.Variable {
				port = l.D.Args[0].Value
			}
			return HostReach{AnyHost: true, Known: true, Why: "it is the default_server for " + port + " (line " + strconv.Itoa(l.D.File.Position(l.D.Start()).Line) + ")", Default: l.D}
		}
		if h.explicit[k] {
			continue // another server is the default_server for this socket
		}
		if l.Variable {
			// whether another address renders to the same socket, and
			// which server comes first there, is unknown
			r.Known = false
			continue
		}
		if !whole {
			r.Known = false
			continue
		}
		if h.defaults[k] == s {
			why := "it is the first server that listens on port " + strconv.Itoa(l.Port) + " and none is marked default_server, so nginx makes it the default"
			return HostReach{AnyHost: true, Known: true, Why: why, Default: l.D}
		}
	}
	return r
}

func hasDefaultFlag(d *parser.Directive) bool {
	for _, a := range d.Args[1:] {
		if v := strings.ToLower(a.Value); v == "default_server" || v == "default" {
			return true
		}
	}
	return false
}
