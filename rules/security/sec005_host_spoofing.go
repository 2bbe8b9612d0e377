package security

import (
	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&hostSpoofing{}) }

type hostSpoofing struct{}

var hostSpoofingMeta = &rules.Meta{
	ID: "SEC005", Name: "host-spoofing", Severity: rules.Warning,
	Doc: rules.Doc{
		Summary: "A redirect or a forwarded Host is built from $http_host or $http_x_forwarded_host on a server that any Host reaches.",
		Why: "$http_host is the Host header as the client wrote it, port included; $http_x_forwarded_host is any value the client " +
			"sends. On the default server of a port (or one whose server_name matches anything) every Host arrives, so a " +
			"redirect to https://$http_host/... sends the user where the attacker chose, and a backend given Host $http_host " +
			"builds its links, password-reset mails and cache keys from it. On a server that a separate default_server " +
			"shields, only this server's names reach it, and $http_host is safe: that is when WS021 recommends it to keep " +
			"the port for Origin checks, and this rule stays silent. On nginx 1.29.3 and later $host$is_request_port$request_port " +
			"keeps the port from the validated host.",
		Bad:  "server {\n    listen 80;\n    location / {\n        return 301 https://$http_host$request_uri;\n    }\n}",
		Good: "server {\n    listen 80 default_server;\n    return 444;\n}\n\nserver {\n    listen 80;\n    server_name www.example.com;\n    location / {\n        return 301 https://$http_host$request_uri;\n    }\n}",
		Fix: "Give the port a default_server of its own that rejects unknown names (return 444;), and list this server's names " +
			"in server_name; or build URLs from $server_name or a fixed name.",
		SeverityNote: "Warning for a URL nginx itself builds (a redirect, a Location or Refresh header) on a server known to " +
			"get any Host (default_server, the first server for its port in a whole configuration, a catch-all server_name); " +
			"info for a Host or X-Forwarded-Host forwarded from such a server (what it does depends on the backend: many use " +
			"a configured site URL), and for $http_host in a URL when the default server of the port is in another file; " +
			"security: strict raises the forwarded case to a warning. $http_x_forwarded_host in a URL is at least info everywhere: only a proxy in front that " +
			"overwrites it makes it trustworthy.",
		Since: "0.2.0",
		Refs: []string{"https://nginx.org/en/docs/http/request_processing.html",
			"https://nginx.org/en/docs/http/ngx_http_core_module.html#var_host"},
	},
}

func (*hostSpoofing) Meta() *rules.Meta { return hostSpoofingMeta }

var spoofable = []string{"http_host", "http_x_forwarded_host"}

// urlArgs returns the arguments of d that become a URL the client
// follows: a redirect target, a Location/Refresh/Content-Location/Link
// header, proxy_redirect's replacement.
func urlArgs(d *parser.Directive) []parser.Word {
	switch d.Name {
	case "return", "rewrite":
		if args, what := headerArgs(d); what == "the Location header" {
			return args
		}
	case "add_header":
		if len(d.Args) >= 2 && isOneOf(d.Arg(0), []string{"Location", "Refresh", "Content-Location", "Link"}) {
			return d.Args[1:2]
		}
	case "proxy_redirect":
		if len(d.Args) >= 2 {
			return d.Args[1:2]
		}
	}
	return nil
}

// forwardArgs returns the value of a proxy_set_header Host or
// X-Forwarded-Host.
func forwardArgs(d *parser.Directive) []parser.Word {
	if (d.Name == "proxy_set_header" || d.Name == "grpc_set_header") && len(d.Args) == 2 &&
		isOneOf(d.Arg(0), []string{"Host", "X-Forwarded-Host"}) {
		return d.Args[1:]
	}
	return nil
}

func (*hostSpoofing) Check(p *rules.Pass) {
	st := stateOf(p)
	reach := map[*model.Block]model.HostReach{}
	p.Cfg.Walk(func(b *model.Block, e model.Entry) {
		url, fwd := urlArgs(e.D), forwardArgs(e.D)
		if len(url) == 0 && len(fwd) == 0 {
			return
		}
		srv := b.Server()
		if srv == nil {
			return
		}
		r, ok := reach[srv]
		if !ok {
			r = st.hosts.Reach(srv)
			reach[srv] = r
		}
		for _, w := range append(url, fwd...) {
			isURL := len(url) > 0
			for _, v := range uniq(model.Variables(w.Value)) {
				if !contains(spoofable, v) {
					continue
				}
				sev := rules.Off
				switch {
				case r.AnyHost && isURL:
					sev = rules.Warning
				case r.AnyHost:
					sev = opinion(p) // what a spoofed Host does depends on the backend
				case isURL && (v == "http_x_forwarded_host" || !r.Known):
					sev = rules.Info
				}
				if sev == rules.Off {
					continue
				}
				why := r.Why
				if !r.AnyHost {
					why = "the default server for its port is not in this configuration"
					if v == "http_x_forwarded_host" {
						why = "any client can send X-Forwarded-Host unless a proxy in front overwrites it"
					}
				}
				use := "a redirect to a host of the attacker's choosing (cache poisoning, phishing links)"
				if !isURL {
					use = "the backend's idea of its own name (links, password-reset mails and cache keys built from it)"
				}
				advice := "give the port a default_server that rejects unknown names (return 444;) and list this server's names, or use $server_name or a fixed name"
				p.ReportSev(sev, rules.VarSpan(e.D, w, v),
					"%s uses $%s, which the client chooses, and %s: that makes %s; %s",
					e.D.Name, v, why, use, advice)
			}
		}
	})
}
