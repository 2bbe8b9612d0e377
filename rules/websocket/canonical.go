package websocket

import (
	"strings"
	"sync"

	"github.com/tufanbarisyildirim/gonginx/config"
	"github.com/tufanbarisyildirim/gonginx/dumper"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

// The canonical WebSocket proxy configuration (https://nginx.org/en/docs/http/websocket.html), the
// single definition that fixes insert and `ngxlint block` prints. Directives
// are built as gonginx nodes and printed with gonginx's dumper.

// ConnectionVar is the variable the canonical map defines.
const ConnectionVar = "connection_upgrade"

func directive(name string, params ...string) *config.Directive {
	d := &config.Directive{Name: name}
	for _, p := range params {
		d.Parameters = append(d.Parameters, config.Parameter{Value: p})
	}
	return d
}

// upgradeHeader is `proxy_set_header Upgrade $http_upgrade;`.
func upgradeHeader() *config.Directive {
	return directive("proxy_set_header", "Upgrade", "$http_upgrade")
}

// connectionHeader is `proxy_set_header Connection $connection_upgrade;`.
func connectionHeader() *config.Directive {
	return directive("proxy_set_header", "Connection", "$"+ConnectionVar)
}

// httpVersion is `proxy_http_version 1.1;`. It is written for every target
// version: it is required before nginx 1.29.7, the default from then on,
// and a configuration outlives the nginx it was written for.
func httpVersion() *config.Directive { return directive("proxy_http_version", "1.1") }

// hostValue is the Host header that lets a backend compare the browser's
// Origin with it: the host and port the client used (WS021).
func hostValue(v spec.Version) string {
	if v.AtLeast(spec.GateRequestPort) {
		return "$host$is_request_port$request_port"
	}
	return "$http_host"
}

// hostHeader is `proxy_set_header Host <HostValue>;`.
func hostHeader(v spec.Version) *config.Directive {
	return directive("proxy_set_header", "Host", hostValue(v))
}

// forwardedProtoHeader is `proxy_set_header X-Forwarded-Proto $scheme;`,
// which lets an app behind TLS rebuild the origin it checks (WS028).
func forwardedProtoHeader() *config.Directive {
	return directive("proxy_set_header", "X-Forwarded-Proto", "$scheme")
}

// DefaultReadTimeout is the proxy_read_timeout a generated block carries
// unless told otherwise: nginx's 60s closes any WebSocket that is quiet for
// a minute in both directions; an hour outlasts
// every application heartbeat and still closes dead sockets (WS017).
const DefaultReadTimeout = "1h"

// readTimeout is `proxy_read_timeout <value>;`: how long a WebSocket may
// stay silent in both directions before nginx closes it.
func readTimeout(value string) *config.Directive {
	return directive("proxy_read_timeout", value)
}

// sslServerName is `proxy_ssl_server_name on;`: nginx sends no SNI to an
// https upstream by default, and a name-routed backend refuses the TLS
// handshake (WS027).
func sslServerName() *config.Directive { return directive("proxy_ssl_server_name", "on") }

// connectionMap is the map that yields "upgrade" for a WebSocket request.
// For a normal request it yields "close" (nginx's pre-1.29.7 default), or
// nothing at all when keepalive is true, so that upstream keepalive works.
func connectionMap(keepalive bool) *config.Directive {
	empty := "close"
	if keepalive {
		empty = "''"
	}
	m := directive("map", "$http_upgrade", "$"+ConnectionVar)
	m.Block = &config.Block{Directives: []config.IDirective{
		directive("default", "upgrade"),
		directive("''", empty),
	}}
	return m
}

// upstreamKeepalive reports whether an upstream{} block of the
// configuration keeps connections to its servers open: it has keepalive N
// with N > 0, or the target nginx is 1.29.7 or later (keepalive is on by
// default there) and it does not turn it off. A Connection map must then
// send no Connection header for normal requests, not "close" (WS018).
func upstreamKeepalive(cfg *model.Config) bool { return cfg.UpstreamsKeepAlive() }

// render prints one simple directive on one line.
func render(d config.IDirective) string {
	return strings.TrimSpace(dumper.DumpDirective(d, dumper.NoIndentStyle))
}

// The fixed directives fixes insert, rendered once: a finding per location
// on a large configuration would render them tens of thousands of times.
var (
	upgradeHeaderLine    = sync.OnceValue(func() string { return render(upgradeHeader()) })
	connectionHeaderLine = sync.OnceValue(func() string { return render(connectionHeader()) })
	httpVersionLine      = sync.OnceValue(func() string { return render(httpVersion()) })
)

// RenderBlock prints a block directive as lines, indented by unit per level.
func RenderBlock(d config.IDirective, unit string) []string {
	style := &dumper.Style{Indent: 4, StartIndent: 0}
	text := dumper.DumpDirective(d, style)
	var out []string
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		trimmed := strings.TrimLeft(l, " ")
		depth := (len(l) - len(trimmed)) / 4
		out = append(out, strings.Repeat(unit, depth)+trimmed)
	}
	return out
}

// connectionMapFix returns the edit that adds the canonical map for
// $connection_upgrade when the configuration has none (needed false when it
// has one). The map goes where http-level directives are written:
//   - a conf.d fragment linted alone: the top of the fragment;
//   - a fragment linted inside the nginx.conf that includes it at http
//     level: the top of that fragment, so that the fix stays in the files
//     the user asked about (the first such file, so that fixing several
//     fragments adds one map);
//   - otherwise the top of the http{} block.
//
// A file written for the server or location level cannot hold a map: the
// reason says so and ok is false.
func connectionMapFix(cfg *model.Config) (e rules.Edit, needed bool, reason string) {
	if _, ok := cfg.Map(ConnectionVar); ok {
		return rules.Edit{}, false, ""
	}
	keepalive := upstreamKeepalive(cfg)
	u := cfg.Unit
	switch u.Context {
	case parser.CtxServer, parser.CtxLocation:
		return rules.Edit{}, true, "the map for $connection_upgrade must go in http{}, and this file is written for the " +
			u.Context.String() + " level; lint it together with the nginx.conf that includes it, or add the map to http{} yourself"
	case parser.CtxHTTP:
		if e, ok := rules.InsertAtTop(u.Root, RenderBlock(connectionMap(keepalive), rules.IndentUnit(u.Root))); ok {
			return e, true, ""
		}
		return rules.Edit{}, true, "the file has no directive to put the map for $connection_upgrade before"
	}
	for _, b := range cfg.Main.Children {
		if b.Kind != model.HTTP || b.Dir == nil || b.Dir.Block == nil {
			continue
		}
		if !u.Report[b.Dir.File] {
			for _, ent := range b.Directives {
				f := ent.D.File
				if ent.Via != nil && u.Report[f] && f != b.Dir.File && len(f.Top) > 0 && f.Top[0] == ent.D {
					if e, ok := rules.InsertAtTop(f, RenderBlock(connectionMap(keepalive), rules.IndentUnit(f))); ok {
						return e, true, ""
					}
				}
			}
		}
		lines := RenderBlock(connectionMap(keepalive), rules.IndentUnit(b.Dir.File))
		return rules.InsertFirstBlock(b.Dir, lines), true, ""
	}
	return rules.Edit{}, true, "the configuration has no http{} block to put the map for $connection_upgrade in"
}

// BlockSpec describes a WebSocket location for `ngxlint block`.
type BlockSpec struct {
	// Path is the location's argument: "/ws/", or with a modifier "= /ws".
	Path string
	// Upstream is the proxy_pass URL: http://127.0.0.1:9001, https://app.internal/ws/.
	Upstream string
	// readTimeout is the proxy_read_timeout value ("" for DefaultReadTimeout).
	ReadTimeout string
	// Keepalive asks for upstream keepalive: an upstream{} block named
	// UpstreamName (with keepalive 16 before nginx 1.29.7, where it is off
	// by default) and the map variant that sends no Connection header for
	// normal requests.
	Keepalive    bool
	UpstreamName string
	Version      spec.Version
}

// Generated is a WebSocket proxy configuration: what goes in http{} and
// the location that goes in server{}.
type Generated struct {
	HTTP     []*config.Directive
	Location *config.Directive
}

// GenerateBlock builds the canonical WebSocket location for spec, from the
// same directives the fixes insert.
func GenerateBlock(spec BlockSpec) Generated {
	var g Generated
	g.HTTP = append(g.HTTP, connectionMap(spec.Keepalive))
	pass := spec.Upstream
	scheme, addr, path, plain := splitProxyURL(spec.Upstream)
	sniName := ""
	if plain && strings.EqualFold(scheme, "https") && !strings.HasPrefix(strings.ToLower(addr), "unix:") && !isIPAddr(addr) {
		sniName = hostOf(addr)
	}
	if spec.Keepalive && plain {
		up := directive("upstream", spec.UpstreamName)
		body := []config.IDirective{directive("server", addr)}
		if !spec.Version.DefaultHTTP11() {
			body = append(body, directive("keepalive", "16"))
		}
		up.Block = &config.Block{Directives: body}
		g.HTTP = append(g.HTTP, up)
		pass = scheme + "://" + spec.UpstreamName + path
	}
	var where []string
	for _, w := range strings.Fields(spec.Path) {
		where = append(where, parser.Quote(w))
	}
	loc := directive("location", where...)
	body := []config.IDirective{
		directive("proxy_pass", parser.Quote(pass)),
		httpVersion(),
		upgradeHeader(),
		connectionHeader(),
		hostHeader(spec.Version),
		forwardedProtoHeader(),
	}
	timeout := spec.ReadTimeout
	if timeout == "" {
		timeout = DefaultReadTimeout
	}
	body = append(body, readTimeout(parser.Quote(timeout)))
	if sniName != "" {
		body = append(body, sslServerName())
		if pass != spec.Upstream {
			// through the upstream{} block the name nginx would send is its name
			body = append(body, directive("proxy_ssl_name", sniName))
		}
	}
	loc.Block = &config.Block{Directives: body}
	g.Location = loc
	return g
}

// splitProxyURL splits a proxy_pass URL into scheme, address (host:port or
// unix:/path) and the rest (the URI part, possibly empty). It returns false
// for a URL an upstream{} server line cannot take (variables, no scheme).
func splitProxyURL(u string) (scheme, addr, path string, ok bool) {
	scheme, rest, found := strings.Cut(u, "://")
	if !found || strings.Contains(u, "$") || scheme == "" {
		return "", "", "", false
	}
	if strings.HasPrefix(strings.ToLower(rest), "unix:") {
		// unix:/run/app.sock or unix:/run/app.sock:/uri
		if i := strings.Index(rest[5:], ":"); i >= 0 {
			return scheme, rest[:5+i], rest[5+i+1:], rest[:5+i] != "unix:"
		}
		return scheme, rest, "", rest != "unix:"
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		addr, path = rest[:i], rest[i:]
	} else {
		addr = rest
	}
	if addr == "" {
		return "", "", "", false
	}
	host := addr
	if i := strings.LastIndexByte(addr, ']'); i >= 0 {
		host = addr[i+1:]
	}
	if !strings.Contains(host, ":") && strings.EqualFold(scheme, "https") {
		addr += ":443" // a server line without a port means 80
	}
	return scheme, addr, path, true
}

// hostOf is the host of host:port or [v6]:port.
func hostOf(addr string) string {
	if strings.HasPrefix(addr, "[") {
		if i := strings.IndexByte(addr, ']'); i >= 0 {
			return addr[:i+1]
		}
	}
	if i := strings.LastIndexByte(addr, ':'); i >= 0 {
		return addr[:i]
	}
	return addr
}

func isIPAddr(addr string) bool {
	return model.IsIPAddress(strings.Trim(hostOf(addr), "[]"))
}
