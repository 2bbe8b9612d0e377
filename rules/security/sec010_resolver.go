package security

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&resolverDNS{}) }

type resolverDNS struct{}

var resolverDNSMeta = &rules.Meta{
	ID: "SEC010", Name: "resolver-dns", Severity: rules.Error,
	Doc: rules.Doc{
		Summary: "A *_pass with variables names a host but no resolver is set (every request fails with 502); an upstream server with resolve but no zone; a public DNS resolver; a hostname resolved only at startup.",
		Why: "With variables in proxy_pass nginx resolves the host per request, and only with the resolver directive: without " +
			"it the request fails (\"no resolver defined to resolve app.internal\", 502). A name written without variables is " +
			"resolved once when nginx starts and never again, so a backend that moves (containers, cloud load balancers) is " +
			"lost until a reload. server ... resolve in an upstream needs the upstream in shared memory (zone), or nginx -t " +
			"fails. A public resolver (8.8.8.8, 1.1.1.1) answers over the Internet, where nginx's resolver has no DNSSEC and " +
			"its queries can be spoofed; internal names leak there too.",
		Bad:  "server {\n    location / {\n        set $backend app.internal;\n        proxy_pass http://$backend:8080;\n    }\n}",
		Good: "server {\n    resolver 127.0.0.53 valid=30s;\n    location / {\n        set $backend app.internal;\n        proxy_pass http://$backend:8080;\n    }\n}",
		Fix: "Add resolver with your local or internal DNS server (resolver 127.0.0.11 in Docker, 127.0.0.53 with " +
			"systemd-resolved), give an upstream that resolves a zone, and prefer an internal resolver to a public one.",
		SeverityNote: "Error for a variable *_pass whose host is a name ngxlint can read (a set or map literal) with no resolver " +
			"in effect, and for resolve without zone; info for a public resolver; a literal hostname resolved only at startup " +
			"is reported only under security: strict.",
		Since: "0.2.0",
		Refs: []string{"https://nginx.org/en/docs/http/ngx_http_core_module.html#resolver",
			"https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass",
			"https://nginx.org/en/docs/http/ngx_http_upstream_module.html#resolve"},
	},
}

func (*resolverDNS) Meta() *rules.Meta { return resolverDNSMeta }

var publicResolvers = []string{"8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "9.9.9.9", "149.112.112.112", "208.67.222.222",
	"208.67.220.220", "2001:4860:4860::8888", "2001:4860:4860::8844", "2606:4700:4700::1111", "2606:4700:4700::1001"}

// literalValues returns the values a variable can take when the
// configuration spells them (set with a literal, map values), or nil.
func literalValues(c *model.Config, b *model.Block, name string) []string {
	if m, ok := c.Map(name); ok {
		var out []string
		for _, e := range m.Entries {
			if strings.Contains(e.Value, "$") {
				return nil
			}
			out = append(out, e.Value)
		}
		if m.Default != nil {
			if strings.Contains(m.Default.Value, "$") {
				return nil
			}
			out = append(out, m.Default.Value)
		}
		return out
	}
	var out []string
	for l := b; l != nil; l = l.Parent {
		for _, e := range l.Own("set") {
			if strings.EqualFold(strings.TrimPrefix(e.D.Arg(0), "$"), name) {
				if strings.Contains(e.D.Arg(1), "$") {
					return nil
				}
				out = append(out, e.D.Arg(1))
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// needsResolver reports whether an address nginx resolves at request time
// is a host name (not an IP address, not an upstream block's name).
func needsResolver(c *model.Config, addr string) bool {
	host := addr
	if h, _, ok := model.SplitHostPort(addr); ok {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "" || model.IsIPAddress(host) || strings.HasPrefix(strings.ToLower(addr), "unix:") {
		return false
	}
	up := c.Upstream(host) != nil
	return !up
}

func (*resolverDNS) Check(p *rules.Pass) {
	for _, l := range locations(p.Cfg) {
		for _, name := range passDirectives {
			for _, e := range l.Own(name) {
				checkResolver(p, l, e, name)
			}
		}
	}
	p.Cfg.Walk(func(b *model.Block, e model.Entry) {
		switch e.D.Name {
		case "resolver":
			for _, w := range e.D.Args {
				ip := w.Value
				if h, _, ok := model.SplitHostPort(ip); ok {
					ip = h
				}
				if isOneOf(strings.Trim(ip, "[]"), publicResolvers) {
					p.ReportSev(opinion(p), rules.WordSpan(e.D, w),
						"resolver %s is a public DNS service: nginx's resolver has no DNSSEC, its answers can be spoofed on the way, and internal names leak; use the local or internal resolver (127.0.0.53, 127.0.0.11 in Docker)", w.Value)
				}
			}
		case "server":
			if b.Kind != model.Upstream || len(e.D.Args) == 0 {
				return
			}
			for _, w := range e.D.Args[1:] {
				if strings.EqualFold(w.Value, "resolve") && len(b.Own("zone")) == 0 {
					p.Report(rules.WordSpan(e.D, w),
						"server %s ... resolve in upstream %s needs the upstream in shared memory: add zone %s 64k; to the upstream (nginx -t fails without it)",
						e.D.Arg(0), b.Dir.Arg(0), b.Dir.Arg(0))
				}
			}
		}
	})
}

func checkResolver(p *rules.Pass, l *model.Block, e model.Entry, name string) {
	raw := e.D.Arg(0)
	addr := addressPart(raw)
	if !strings.Contains(raw, "$") {
		if strict(p) && needsResolver(p.Cfg, addr) && name == "proxy_pass" {
			p.ReportSev(rules.Warning, rules.WordSpan(e.D, e.D.Args[0]),
				"%s %s resolves %s once, when nginx starts: if its address changes, nginx keeps the old one until a reload; use an upstream with server ... resolve (nginx 1.27.3+) or a variable with resolver", name, raw, addr)
		}
		return
	}
	if _, ok := l.Scalar("resolver"); ok {
		return
	}
	vars := model.Variables(addr)
	if len(vars) != 1 {
		return
	}
	vals := literalValues(p.Cfg, l, vars[0])
	for _, v := range vals {
		full := addressPart(strings.NewReplacer("$"+vars[0], v, "${"+vars[0]+"}", v).Replace(raw))
		if strings.Contains(full, "$") {
			continue
		}
		if needsResolver(p.Cfg, full) {
			p.Report(rules.WordSpan(e.D, e.D.Args[0]),
				"%s resolves %s per request because of $%s, but no resolver is set for %s: every request fails with 502 (\"no resolver defined\"); add resolver with your DNS server (127.0.0.11 in Docker, 127.0.0.53 with systemd-resolved)",
				name, full, vars[0], levelName(l))
			return
		}
	}
}
