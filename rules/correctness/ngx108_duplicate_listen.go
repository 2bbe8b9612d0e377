package correctness

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&duplicateListen{}) }

type duplicateListen struct{}

var duplicateListenMeta = &rules.Meta{
	ID: "NGX108", Name: "duplicate-listen", Severity: rules.Error,
	Doc: rules.Doc{
		Summary: "Two default_server listens on one address and port, one server listening twice on the same address and port, or socket options (backlog=, reuseport...) given twice for one address and port.",
		Why: "nginx groups servers by the address and port they listen on. Only one of them may be the default " +
			"(`a duplicate default server for 0.0.0.0:80`), one server may not list the same address twice (`a duplicate " +
			"listen 0.0.0.0:80`), and the options of the listening socket itself (backlog, rcvbuf, sndbuf, reuseport, " +
			"ipv6only, fastopen, deferred, bind, so_keepalive, accept_filter, setfib) may be given by one listen only " +
			"(`duplicate listen options for 0.0.0.0:443`). Each fails nginx -t. `listen 80` and `listen 127.0.0.1:80` are " +
			"different addresses, and a quic listen is a UDP socket beside the TCP one; host names are not resolved and not compared.",
		Bad:   "server {\n    listen 80 default_server;\n}\nserver {\n    listen 80 default_server;\n}",
		Good:  "server {\n    listen 80 default_server;\n}\nserver {\n    listen 80;\n}",
		Fix:   "Keep default_server (and socket options) on one listen per address and port.",
		Since: "0.2.0",
		Refs:  []string{"https://nginx.org/en/docs/http/ngx_http_core_module.html#listen", "https://github.com/nginx/nginx/blob/master/src/http/ngx_http.c"},
	},
}

func (*duplicateListen) Meta() *rules.Meta { return duplicateListenMeta }

// socketOptions are the listen parameters that set options of the socket
// (lsopt->set in ngx_http_core_listen).
var socketOptions = []string{"backlog=", "rcvbuf=", "sndbuf=", "accept_filter=", "deferred", "bind", "ipv6only=",
	"reuseport", "so_keepalive=", "fastopen=", "setfib="}

func hasParam(d *parser.Directive, names ...string) bool {
	for _, a := range d.Args[1:] {
		for _, n := range names {
			if a.Value == n || strings.HasSuffix(n, "=") && strings.HasPrefix(a.Value, n) {
				return true
			}
		}
	}
	return false
}

func (*duplicateListen) Check(p *rules.Pass) {
	ix := indexOf(p)
	defaults := map[string]*parser.Directive{}
	options := map[string]*parser.Directive{}
	for _, lv := range ix.levels {
		if lv.ctx != spec.CtxHTTPServer {
			continue
		}
		mine := map[string]*parser.Directive{}
		for _, it := range lv.items {
			d := it.d
			if d.Name != "listen" || d.Block != nil || len(d.Args) == 0 {
				continue
			}
			addr := model.SocketAddr(d.Args[0].Value)
			if addr == "" {
				continue
			}
			key := addr
			if hasParam(d, "quic") {
				key += " (quic)" // a UDP socket beside the TCP one
			}
			at := spanAt(d, rules.DirectiveSpan(d))
			if first := mine[key]; first != nil {
				p.Report(at, "this server already listens on %s (%s): nginx -t: a duplicate listen %s%s; remove one",
					addr, rules.Line(first, d.File), addr, where(d))
				continue
			}
			mine[key] = d
			if hasParam(d, "default_server", "default") {
				if first := defaults[key]; first != nil {
					p.Report(at, "%s already has a default server (%s): nginx -t: a duplicate default server for %s%s; keep default_server on one of them",
						addr, rules.Line(first, d.File), addr, where(d))
				} else {
					defaults[key] = d
				}
			}
			if hasParam(d, socketOptions...) {
				if first := options[key]; first != nil {
					p.Report(at, "the socket options of %s are already set by %s: nginx -t: duplicate listen options for %s%s; set them on one listen only",
						addr, rules.Line(first, d.File), addr, where(d))
				} else {
					options[key] = d
				}
			}
		}
	}
}
