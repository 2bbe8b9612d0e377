package correctness

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser/model"

	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&conflictingServerName{}) }

type conflictingServerName struct{}

var conflictingServerNameMeta = &rules.Meta{
	ID: "NGX115", Name: "conflicting-server-name", Severity: rules.Warning,
	Doc: rules.Doc{
		Summary: "A server_name that an earlier server on the same address and port already lists: nginx ignores it.",
		Why: "nginx builds one table of names per address and port (or unix socket) that several servers listen on; the first " +
			"server to list a name keeps it, and nginx -t only warns `conflicting server name \"NAME\" on ADDR, ignored` for " +
			"the others. Requests for that name never reach the later server: a site copied without renaming, or the same " +
			"vhost enabled twice, serves the first copy. `.example.com` counts as both example.com and *.example.com; regex " +
			"names never conflict.",
		SeverityNote: "Warning when the name belongs to another server, or when a server without server_name is not the " +
			"default of the socket (nothing reaches it there). Info when a server lists a name twice, or when the empty name " +
			"of a default server is taken (it still gets the requests for unknown names).",
		Bad:   "server {\n    listen 80;\n    server_name example.com;\n    root /srv/old;\n}\nserver {\n    listen 80;\n    server_name example.com www.example.com;\n    root /srv/new;\n}",
		Good:  "server {\n    listen 80;\n    server_name old.example.com;\n    root /srv/old;\n}\nserver {\n    listen 80;\n    server_name example.com www.example.com;\n    root /srv/new;\n}",
		Fix:   "Remove the name from one of the servers (or disable the copy), or give the servers different listen addresses.",
		Since: "0.4.0",
		Refs:  []string{"https://nginx.org/en/docs/http/server_names.html", "https://nginx.org/en/docs/http/request_processing.html"},
	},
}

func (*conflictingServerName) Meta() *rules.Meta { return conflictingServerNameMeta }

func (*conflictingServerName) Check(p *rules.Pass) {
	conflicts := p.Cfg.NameConflicts()
	// dead counts, per server without server_name, the sockets where
	// another server keeps the empty name and this one is not the default:
	// nothing reaches it there.
	dead := map[*model.Block]int{}
	for _, nc := range conflicts {
		if nc.D == nil && nc.Keeper != nc.Server && p.Cfg.DefaultServer(nc.Addr) != nc.Server {
			dead[nc.Server]++
		}
	}
	warned := map[*model.Block]bool{}
	for _, nc := range conflicts {
		nginx := "nginx -t warns: conflicting server name \"" + nc.Name + "\" on " + nc.Addr + ", ignored"
		switch {
		case nc.Keeper == nc.Server && nc.D != nil:
			p.ReportSev(rules.Info, argSpan(nc.D, nc.Arg), "server_name %s is listed twice by this server: %s; remove the repeat", nc.Name, nginx)
		case nc.D == nil:
			s := nc.Server
			span := rules.DirectiveSpan(s.Dir)
			span.End = s.Dir.HeaderEnd()
			keeper := rules.Line(nc.Keeper.Dir, s.Dir.File)
			switch {
			case p.Cfg.DefaultServer(nc.Addr) == s:
				p.ReportSev(rules.Info, span, "this server has no server_name, like the server at %s before it on %s, which keeps the empty name "+
					"(requests without a Host header go there); this one is the default server, so unknown names still reach it: %s",
					keeper, nc.Addr, nginx)
			case dead[s] == len(s.ListenKeys()):
				if !warned[s] {
					warned[s] = true
					p.Report(span, "this server has no server_name and is the default server of none of its listen sockets, where other servers keep "+
						"the empty name (on %s the server at %s): no request reaches it (%s); give it the server_name it is meant to answer, "+
						"or make it a default_server", nc.Addr, keeper, nginx)
				}
			default:
				p.ReportSev(rules.Info, span, "this server has no server_name and is not the default server of %s, where the server at %s keeps the "+
					"empty name: it gets no request arriving on %s, only on its other listen sockets (%s)", nc.Addr, keeper, nc.Addr, nginx)
			}
		default:
			p.Report(argSpan(nc.D, nc.Arg), "server_name %s is already listed by the server at %s on %s, which keeps it: requests for %s never reach this server (%s); "+
				"remove the name from one of them",
				quoteName(nc.Name), rules.Line(nc.Keeper.Dir, nc.D.File), nc.Addr, requestsFor(nc.Name), nginx)
		}
	}
}

// requestsFor names the hosts a server name stands for.
func requestsFor(n string) string {
	if strings.HasPrefix(n, ".") || strings.HasPrefix(n, "*") || strings.HasSuffix(n, "*") {
		return "the names " + n + " matches"
	}
	return n
}

func quoteName(n string) string {
	if n == "" {
		return `""`
	}
	return n
}
