package model

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser"
)

// ProxyTarget is what the URL of a proxy_pass names (ngx_http_proxy_pass,
// ngx_parse_url): "http://127.0.0.1:9001/", "https://api.example.com",
// "http://backend" (an upstream{} block), "http://unix:/run/app.sock:/".
type ProxyTarget struct {
	Scheme string // "http" or "https", lower case; "" when the URL starts with a variable
	Host   string // as written, IPv6 literals with their brackets; "" for a unix socket
	Port   string // "" when the URL has none
	Path   string // from the first '/' after the address, "" when absent
	Unix   bool
	// Variables is true when the scheme or address uses variables: nginx
	// resolves it per request and the fields above may be incomplete.
	Variables bool
	// Upstream is the upstream{} block the address names, nil when it
	// names a host. nginx matches the name ignoring case.
	Upstream *Block
}

// IPLiteral reports whether the target's host is an IPv4 or IPv6 address.
func (t ProxyTarget) IPLiteral() bool {
	return IsIPAddress(strings.Trim(t.Host, "[]"))
}

// Authority is the host and port as written: what nginx's $proxy_host is.
func (t ProxyTarget) Authority() string {
	if t.Port == "" {
		return t.Host
	}
	return t.Host + ":" + t.Port
}

// ProxyTarget reads the URL of a proxy_pass directive. It returns false
// when the directive has no URL argument.
func (c *Config) ProxyTarget(d *parser.Directive) (ProxyTarget, bool) {
	if d == nil || d.Name != "proxy_pass" || len(d.Args) == 0 {
		return ProxyTarget{}, false
	}
	url := d.Args[0].Value
	var t ProxyTarget
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		// "proxy_pass $backend;": everything comes from a variable
		t.Variables = strings.Contains(url, "$")
		return t, t.Variables
	}
	t.Scheme = strings.ToLower(scheme)
	if strings.Contains(scheme, "$") {
		t.Variables = true
	}
	if strings.HasPrefix(strings.ToLower(rest), "unix:") {
		t.Unix = true
		if i := strings.Index(rest[5:], ":"); i >= 0 {
			t.Path = rest[5+i+1:]
		}
		return t, true
	}
	addr := rest
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		addr, t.Path = rest[:i], rest[i:]
	}
	if strings.Contains(addr, "$") {
		t.Variables = true
	}
	switch {
	case strings.HasPrefix(addr, "["):
		if end := strings.Index(addr, "]"); end >= 0 {
			t.Host = addr[:end+1]
			t.Port = strings.TrimPrefix(addr[end+1:], ":")
		} else {
			t.Host = addr
		}
	default:
		if i := strings.LastIndex(addr, ":"); i >= 0 {
			t.Host, t.Port = addr[:i], addr[i+1:]
		} else {
			t.Host = addr
		}
	}
	if !t.Variables && t.Port == "" {
		t.Upstream = c.Upstream(t.Host)
	}
	return t, true
}

// UpstreamServer is one server line of an upstream{} block.
type UpstreamServer struct {
	D            *parser.Directive
	Backup, Down bool
}

// Servers returns the server lines of an upstream block; a server without
// its address (which nginx -t refuses) is none.
func (b *Block) Servers() []UpstreamServer {
	var out []UpstreamServer
	if b.Kind != Upstream {
		return nil
	}
	for _, e := range b.Own("server") {
		if len(e.D.Args) == 0 {
			continue // "server;": nginx -t refuses it (NGX104)
		}
		s := UpstreamServer{D: e.D}
		for _, a := range e.D.Args[1:] {
			switch strings.ToLower(a.Value) {
			case "backup":
				s.Backup = true
			case "down":
				s.Down = true
			}
		}
		out = append(out, s)
	}
	return out
}

// BalancingMethods are the upstream directives that choose the server for
// a request instead of round-robin.
var BalancingMethods = []string{"ip_hash", "hash", "sticky", "least_conn", "least_time", "random"}

// Balancing returns the load-balancing directive of an upstream block, if any.
func (b *Block) Balancing() (Entry, bool) {
	for _, e := range b.Directives {
		for _, m := range BalancingMethods {
			if e.D.Name == m {
				return e, true
			}
		}
	}
	return Entry{}, false
}
