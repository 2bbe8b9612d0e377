package security

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&ssrf{}) }

type ssrf struct{}

var ssrfMeta = &rules.Meta{
	ID: "SEC003", Name: "ssrf-upstream-from-request", Severity: rules.Error,
	Doc: rules.Doc{
		Summary: "proxy_pass, fastcgi_pass, uwsgi_pass, scgi_pass or grpc_pass takes its host or port from the request: the client picks where nginx connects (SSRF).",
		Why: "When the address part of *_pass holds a variable, nginx evaluates it per request; if the client controls it " +
			"($arg_*, $http_*, $cookie_*, a capture of the path, $http_host...), a request can make nginx connect to any " +
			"address it can reach: 127.0.0.1:6379, a cloud metadata service, an admin port. An IP address needs no resolver. " +
			"An internal location is reachable only through nginx's own redirects (X-Accel-Redirect, error_page, try_files), " +
			"so it is not reported.",
		Bad:  "server {\n    location /fetch/ {\n        proxy_pass http://$arg_host;\n    }\n}",
		Good: "map $arg_site $backend {\n    default 127.0.0.1:8081;\n    eu      127.0.0.1:8082;\n}\n\nserver {\n    location /fetch/ {\n        proxy_pass http://$backend;\n    }\n}",
		Fix: "Map the request value to fixed addresses (map with a default) or to upstream names, or make the location internal " +
			"and reach it only through X-Accel-Redirect.",
		SeverityNote: "Error when the host or port comes from the request line, a header other than Host, or a cookie; " +
			"$host and $http_host count only where the server gets any Host (it is the default server for its port, or a " +
			"server_name matches anything): warning for $host, which nginx validates, error for $http_host, which also carries " +
			"the port the client wrote.",
		Since: "0.2.0",
		Refs:  []string{"https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass", "https://nginx.org/en/docs/http/ngx_http_core_module.html#internal"},
	},
}

func (*ssrf) Meta() *rules.Meta { return ssrfMeta }

var passDirectives = []string{"proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass"}

// addressPart returns the part of a *_pass value naming the host and port:
// after the scheme, up to the first '/'.
func addressPart(v string) string {
	if i := strings.Index(v, "://"); i >= 0 {
		v = v[i+3:]
	}
	if i := strings.IndexByte(v, '/'); i >= 0 {
		v = v[:i]
	}
	// a variable that always starts with '/' ends the address
	for _, path := range []string{"$request_uri", "$uri", "$document_uri", "${request_uri}", "${uri}", "${document_uri}"} {
		if i := strings.Index(v, path); i >= 0 {
			v = v[:i]
		}
	}
	return v
}

func (*ssrf) Check(p *rules.Pass) {
	st := stateOf(p)
	for _, l := range locations(p.Cfg) {
		for _, name := range passDirectives {
			for _, e := range l.Own(name) {
				addr := addressPart(e.D.Arg(0))
				if !strings.Contains(addr, "$") || strings.HasPrefix(strings.ToLower(addr), "unix:") {
					continue
				}
				checkPass(p, st, l, e, name, addr)
			}
		}
	}
}

func checkPass(p *rules.Pass, st *state, l *model.Block, e model.Entry, name, addr string) {
	if l.AccessAt().Internal != nil {
		return
	}
	var strong, hostOnly, hostHeader []string
	for _, v := range model.Variables(addr) {
		pv := st.src.Var(l, e.D, v)
		switch {
		case !pv.Source.Has(model.FromRequest):
		case pv.Source.Has(model.FromHostHeader) && pv.Source&^(model.FromHostHeader|model.FromRequest) == 0:
			hostHeader = append(hostHeader, pv.String())
		case pv.Source.Has(model.FromHost) && pv.Source&^(model.FromHost|model.FromRequest) == 0:
			hostOnly = append(hostOnly, pv.String())
		default:
			strong = append(strong, pv.String())
		}
	}
	span := rules.WordSpan(e.D, e.D.Args[0])
	if len(strong) > 0 {
		p.Report(span,
			"%s takes its address from %s, which the client chooses: one request makes nginx connect to any host and port it can reach (127.0.0.1:6379, a metadata service); map the value to fixed addresses or upstream names, or mark the location internal",
			name, quoteList(strong))
		return
	}
	if len(hostOnly) == 0 && len(hostHeader) == 0 {
		return
	}
	srv := l.Server()
	if srv == nil {
		return
	}
	reach := st.hosts.Reach(srv)
	if !reach.AnyHost {
		return
	}
	if len(hostHeader) > 0 {
		p.Report(span,
			"%s takes its address from %s, the Host header as the client wrote it, and this server gets requests whatever their Host (%s): a request with Host: 127.0.0.1:6379 makes nginx connect there; proxy to a fixed address and send the host with proxy_set_header Host",
			name, quoteList(hostHeader), reach.Why)
		return
	}
	p.ReportSev(rules.Warning, span,
		"%s takes its address from %s, and this server gets requests whatever their Host (%s): the client picks the host nginx connects to; proxy to a fixed address, or serve this from a server whose server_name lists the hosts",
		name, quoteList(hostOnly), reach.Why)
}
