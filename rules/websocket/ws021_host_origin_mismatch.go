package websocket

import (
	"fmt"
	"strings"

	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&hostOriginMismatch{}) }

type hostOriginMismatch struct{}

var hostOriginMismatchMeta = &rules.Meta{
	ID: "WS021", Name: "host-origin-mismatch", Severity: rules.Warning, Fixable: true,
	Doc: rules.Doc{
		Summary: "A WebSocket location sends the backend a Host that cannot match the browser's Origin.",
		Why: "Browsers send Origin with every WebSocket handshake, and many servers accept it only when it names the Host they " +
			"received: gorilla/websocket's and coder/websocket's default origin check, Jupyter (Tornado), Grafana Live, " +
			"Rails Action Cable (allow_same_origin_as_host; it answers 404) and code-server. Without proxy_set_header Host nginx " +
			"sends $proxy_host, the address written in proxy_pass (127.0.0.1:9001, or the upstream's name), so the check fails " +
			"with 403. proxy_set_header Host $host is right on ports 80 and 443 only: $host drops the port, so on a server that " +
			"listens on 8080 Origin says example.com:8080 and Host says example.com (403 in both nginx 1.22 and 1.31; " +
			"JupyterHub's guide: \"if nginx is not running on port 443, substitute $http_host for $host\"). " +
			"$http_host forwards what the client sent, port included; from nginx 1.29.3, $host$is_request_port$request_port " +
			"gives the same from the validated host.",
		Bad: "server {\n    listen 8080;\n    server_name grafana.example.com;\n\n    location /api/live/ {\n        proxy_pass http://127.0.0.1:3000;\n        proxy_http_version 1.1;\n" +
			"        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_set_header Host $host;\n    }\n}",
		Good: "server {\n    listen 8080 default_server;\n    return 444;\n}\n\nserver {\n    listen 8080;\n    server_name grafana.example.com;\n\n    location /api/live/ {\n        proxy_pass http://127.0.0.1:3000;\n        proxy_http_version 1.1;\n" +
			"        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_set_header Host $http_host;\n    }\n}",
		Fix: "On ports 80 and 443, proxy_set_header Host $host; is right. On another port the Host must keep it: from nginx 1.29.3 " +
			"$host$is_request_port$request_port (the validated host, with the port the client used). Before that only $http_host keeps " +
			"the port, and it is whatever the client sent: forward it only where a request reaches this server with a name the server " +
			"lists, that is, a separate default_server for the port rejects unknown names (return 444;, or ssl_reject_handshake on; " +
			"for TLS) and server_name has no catch-all regex; otherwise add that default server first, or write the public name and " +
			"port literally (proxy_set_header Host chat.example.com:8080;). On TLS servers set proxy_set_header X-Forwarded-Proto " +
			"$scheme; too, so that apps that rebuild the origin from the scheme (Action Cable) see https (WS028). ngxlint fix writes " +
			"$host, $host$is_request_port$request_port or $http_host by those rules, at the level whose proxy_set_header list the " +
			"location uses, and makes no fix where $http_host would not be safe.",
		SeverityNote: "Warning when the location is the WebSocket endpoint of an application known to compare Origin with Host " +
			"(Grafana Live, Jupyter, Action Cable, Cockpit), by its path or a declared path (--ws-path, ws-paths); an info note, at most " +
			"one per server, when the location is declared WebSocket (a comment or --ws-path) and the application is unknown; nothing " +
			"otherwise: most backends (Node's ws, Socket.IO, ASP.NET Core, media bridges, document servers) do not compare Origin " +
			"with Host. Never reported when the location sets proxy_set_header Origin itself, nor for Host values other than a " +
			"missing one and $host (a literal or $server_name may be exactly what the backend expects). A server that listens on " +
			"8080 behind a port mapping or another proxy (clients use port 80/443) is reported too.",
		Since: "0.1.0",
		Refs: []string{"https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header",
			"https://nginx.org/en/docs/http/ngx_http_core_module.html#var_host"},
	},
}

func (*hostOriginMismatch) Meta() *rules.Meta { return hostOriginMismatchMeta }

func (*hostOriginMismatch) Check(p *rules.Pass) {
	noted := map[*model.Block]bool{} // servers with an info note already
	for _, pl := range proxyLocationsOf(p) {
		in := pl.intent(p)
		if in.Evidence == noEvidence {
			continue
		}
		hs := pl.headers(p)
		if len(hs.Get("Origin")) > 0 {
			continue
		}
		app := wsAppFor(pl.Block, in)
		srv := pl.Block.Server()
		var sev rules.Severity
		who := "servers that compare Origin with Host (gorilla/websocket and coder/websocket by default, Jupyter, Grafana, Action Cable, code-server) refuse"
		switch {
		case app != nil && app.ChecksOrigin && in.Certain():
			sev, who = rules.Warning, app.Name+" compares Origin with Host and refuses"
		case app == nil && in.Has(declared) && !noted[srv]:
			sev = rules.Info
		default:
			continue // a backend not known to compare Origin with Host
		}
		status := "403"
		if app != nil && app.Name == "Rails Action Cable" {
			status = "404"
		}
		hosts := hs.Get("Host")
		if len(hosts) == 0 {
			adv := hostAdvice(p, srv, false)
			noted[srv] = noted[srv] || sev == rules.Info
			f := p.ReportSev(sev, anchor(pl.Block),
				"%s proxies WebSocket%s without proxy_set_header Host, so the backend gets Host: %s (nginx's default, $proxy_host) while the browser's Origin names your site; %s such a handshake (%s); %s",
				pl.Block.Name(), because(in), proxyHostOf(p, pl), who, status, adv.advice("add proxy_set_header Host %s;"))
			level := hs.Level
			if level == nil {
				level = pl.Block
			}
			if adv.noFix != "" {
				f.NoFix = adv.noFix
			} else if e, ok := rules.InsertInLevel(level, []string{"proxy_set_header"}, []string{"proxy_set_header Host " + adv.value + ";"}); ok {
				f.WithFix(&rules.Fix{Message: "set Host to " + adv.value, Edits: []rules.Edit{e}})
			}
			continue
		}
		if len(hosts) > 1 {
			continue // two Host lines: WS020
		}
		h := hosts[0]
		if !strings.EqualFold(strings.TrimSpace(h.Value()), "$host") {
			continue
		}
		if srv == nil || srv.Synthetic {
			continue // the ports are unknown
		}
		var odd []string
		for _, l := range srv.Listens() {
			if l.Unix || l.Variable || l.Port == 80 || l.Port == 443 {
				continue
			}
			odd = append(odd, fmt.Sprintf("%d (%s)", l.Port, rules.Line(l.D, h.Entry.D.File)))
		}
		if len(odd) == 0 {
			continue
		}
		adv := hostAdvice(p, srv, true)
		noted[srv] = noted[srv] || sev == rules.Info
		d := h.Entry.D
		f := p.ReportSev(sev, rules.WordSpan(d, d.Args[1]),
			"%s proxies WebSocket%s with proxy_set_header Host $host, which drops the port, on a server that listens on port %s: the browser's Origin carries the port, the Host the backend gets does not, and %s such a handshake (%s); %s",
			pl.Block.Name(), because(in), strings.Join(odd, ", "), who, status, adv.advice("use %s"))
		if adv.noFix != "" {
			f.NoFix = adv.noFix
			continue
		}
		f.WithFix(&rules.Fix{Message: "set Host to " + adv.value, Edits: []rules.Edit{rules.ReplaceWord(d, d.Args[1], adv.value)}})
	}
}

// hostChoice is the Host value WS021 recommends for a server, as
// HOSTSTORY's one story for Host and $http_host tells it (shared with the
// security family's host-spoofing rule, so the two never contradict each
// other).
type hostChoice struct {
	value string // the value to write
	alt   string // another choice, for the message
	noFix string // why no fix is made, "" when value is safe to write
}

// advice is the recommendation as the end of a message; format has one %s
// for the value.
func (h hostChoice) advice(format string) string {
	if h.noFix != "" {
		return h.noFix
	}
	return fmt.Sprintf(format, h.value) + h.alt
}

// hostAdvice chooses the Host value for srv: $host where the server listens
// on ports 80 and 443 only (or its ports are unknown) and keepPort is
// false; else $host$is_request_port$request_port when the target nginx has
// those variables (1.29.3); else $http_host when a request reaches srv
// only with a name it lists (model.Block.OnlyNamedHosts); else no safe
// built-in value, and no fix.
func hostAdvice(p *rules.Pass, srv *model.Block, keepPort bool) hostChoice {
	if !keepPort {
		odd := false
		if srv != nil && !srv.Synthetic {
			for _, l := range srv.Listens() {
				odd = odd || !l.Unix && !l.Variable && l.Port != 80 && l.Port != 443
			}
		}
		if !odd {
			return hostChoice{value: "$host", alt: " (on a port other than 80 and 443, a Host that keeps the port)"}
		}
	}
	if hasPortVars(p.Cfg) {
		return hostChoice{value: "$host$is_request_port$request_port"}
	}
	if srv != nil && srv.OnlyNamedHosts() {
		return hostChoice{value: "$http_host", alt: " (or $host$is_request_port$request_port on nginx 1.29.3 and later)"}
	}
	why, names := "it is the default server of its port, or no separate default_server rejects unknown names", ""
	if srv != nil {
		if r := srv.Reach(); r.AnyHost && r.Default != nil && r.Default.Name == "server_name" {
			// the model's evidence: a server_name regex that takes any name
			why, names = r.Why, "list the names it serves in server_name, "
		}
	}
	return hostChoice{value: "$http_host", noFix: "$http_host keeps the port, but it is whatever Host the client sent, and this server answers any Host " +
		"(" + why + "): " + names + "add server { listen <port> default_server; return 444; } " +
		"and then use $http_host, write the public name and port (proxy_set_header Host chat.example.com:8080;), or use " +
		"$host$is_request_port$request_port on nginx 1.29.3 and later"}
}

// hasPortVars reports whether the target nginx is known to have
// $is_request_port and $request_port (1.29.3), by the model's
// version-aware variable table.
func hasPortVars(cfg *model.Config) bool {
	if !cfg.Version.AtLeast(spec.GateRequestPort) {
		return false
	}
	for _, v := range []string{"is_request_port", "request_port"} {
		if st, _ := cfg.Var(v); st != model.VarBuiltin {
			return false
		}
	}
	return true
}
