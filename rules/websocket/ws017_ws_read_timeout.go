package websocket

import (
	"fmt"
	"time"

	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&wsReadTimeout{}) }

type wsReadTimeout struct{}

var wsReadTimeoutMeta = &rules.Meta{
	ID: "WS017", Name: "ws-read-timeout", Severity: rules.Error, Fixable: true,
	Doc: rules.Doc{
		Summary: "proxy_read_timeout closes idle WebSockets too early, or at once.",
		Why: "Once a WebSocket is tunneled, nginx's only idle timer is proxy_read_timeout, re-armed whenever a frame passes in either " +
			"direction: a socket that carries no frame for that long is closed without a close frame, and the browser sees code 1006. " +
			"The default is 60s. proxy_read_timeout 0 does not mean \"no timeout\": the handshake itself times out at once and nginx answers " +
			"504 Gateway Time-out. proxy_send_timeout, send_timeout, keepalive_timeout and client_body_timeout never close an idle WebSocket " +
			"(nginx runs them only while a write is blocked, or not at all on an upgraded connection), so ngxlint never reports them. " +
			"Applications that ping more often than the timeout keep their sockets alive: Socket.IO pings every 25 s and asks for more than " +
			"45 s (pingInterval + pingTimeout), Node-RED's editor every 15 s.",
		Bad:  "location /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n    proxy_read_timeout 0;\n}",
		Good: "location /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n    proxy_read_timeout 1h;\n}",
		Fix: "Set proxy_read_timeout above the longest silence the application allows (ingress-nginx suggests an hour), or make the server " +
			"ping. ngxlint fix writes proxy_read_timeout 1h; in the location, replacing the value when the location sets one itself. " +
			"Keep units lowercase: M and y are not accepted by timeout directives.",
		SeverityNote: "Error for 0 (the handshake fails with 504) and for a value at or below the heartbeat of the application the path " +
			"identifies (every idle socket is closed before its next ping: ngxlint reads this as the socket dying early, not as a risk). " +
			"Warning for an explicit value below 60s, or below what the known application asks for (Socket.IO: 45s). " +
			"Info for the 60s default, at most one note per server, on a location declared WebSocket (a comment or --ws-path), a known " +
			"endpoint or a path naming WebSocket (headers alone do not count), naming the application " +
			"when the path identifies it, unless the application is known to ping well inside 60 s (Socket.IO, Node-RED), where nothing is reported. " +
			"Only the path's evidence gives at most a warning. Values nginx would refuse are WS029's.",
		Since: "0.1.0",
		Refs:  []string{"https://nginx.org/en/docs/http/websocket.html", "https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_read_timeout"},
	},
}

func (*wsReadTimeout) Meta() *rules.Meta { return wsReadTimeoutMeta }

const defaultReadTimeout = 60 * time.Second

func (*wsReadTimeout) Check(p *rules.Pass) {
	// The 60 s default is an advisory topic: one note per server, at its
	// first location, naming the others.
	type quiet struct {
		loc *model.Block
		in  intent
		app *App
	}
	var order []*model.Block
	defaults := map[*model.Block][]quiet{}
	for _, pl := range proxyLocationsOf(p) {
		loc := pl.Block
		in := webSocket(p, loc)
		if in.Evidence == noEvidence {
			continue
		}
		app := wsAppFor(loc, in)
		need := appIdleNeed(app)
		entries, level := loc.Lookup("proxy_read_timeout")
		explicit := len(entries) > 0
		t := defaultReadTimeout
		var e model.Entry
		if explicit {
			e = entries[len(entries)-1]
			ms, err := model.ParseTime(e.D.Arg(0), false)
			if err != nil {
				continue // WS029 reports values nginx refuses
			}
			t = model.Millis(ms)
		}
		at := anchor(loc)
		if explicit && level == loc {
			at = entrySpan(e, 0)
		}
		var sev rules.Severity
		var msg string
		what := fmt.Sprintf("the default proxy_read_timeout of %s", model.FormatDuration(t))
		if explicit {
			what = fmt.Sprintf("proxy_read_timeout %s%s", e.D.File.Raw(e.D.Args[0]), setIn(level, loc, e, at.File))
		}
		switch {
		case t == 0:
			sev = in.Severity(rules.Error)
			msg = fmt.Sprintf("%s in %s%s does not disable the timeout: nginx times out at once and answers the WebSocket handshake with 504; set proxy_read_timeout 1h;",
				what, loc.Name(), because(in))
		case app != nil && app.Heartbeat > 0 && t <= app.Heartbeat:
			sev = in.Severity(rules.Error)
			msg = fmt.Sprintf("%s in %s%s closes every idle %s socket before its next ping (every %s): an idle WebSocket is closed after %s without a frame in either direction; set proxy_read_timeout 1h;",
				what, loc.Name(), because(in), app.Name, fmtSeconds(app.Heartbeat), fmtSeconds(t))
		case need > 0 && t < need:
			sev = in.Severity(rules.Warning)
			msg = fmt.Sprintf("%s in %s%s is shorter than the %s %s needs without a frame: an idle WebSocket is closed after %s without a frame in either direction; set proxy_read_timeout 1h;",
				what, loc.Name(), because(in), fmtSeconds(need), app.Name, fmtSeconds(t))
		case need > 0:
			continue // the application pings well inside the timeout
		case explicit && t < defaultReadTimeout:
			sev = in.Severity(rules.Warning)
			msg = fmt.Sprintf("%s in %s%s closes a WebSocket after %s without a frame in either direction, unless the application pings more often; set proxy_read_timeout 1h;",
				what, loc.Name(), because(in), fmtSeconds(t))
		case !explicit && in.SeverityBy(advisoryTable(rules.Info)) != rules.Off:
			srv := loc.Server()
			if _, ok := defaults[srv]; !ok {
				order = append(order, srv)
			}
			defaults[srv] = append(defaults[srv], quiet{loc, in, app})
			continue
		default:
			continue
		}
		f := p.ReportSev(sev, at, "%s", msg)
		setReadTimeoutFix(f, loc, level, e)
	}
	for _, srv := range order {
		qs := defaults[srv]
		first := qs[0]
		who := "unless the application pings more often than that"
		if first.app != nil {
			who = fmt.Sprintf("ngxlint does not know whether %s pings more often than that", first.app.Name)
		}
		also := ""
		if len(qs) > 1 {
			var names []string
			for _, q := range qs[1:] {
				name := q.loc.Name()
				if q.loc.Dir != nil {
					name += " (" + rules.Line(q.loc.Dir, anchor(first.loc).File) + ")"
				}
				names = append(names, name)
			}
			also = fmt.Sprintf("; so do %s in the same server", andList(names))
		}
		f := p.ReportSev(rules.Info, anchor(first.loc),
			"%s proxies WebSocket%s with the default proxy_read_timeout of 60s: an idle WebSocket is closed after 60 s without a frame in either direction (%s)%s; set proxy_read_timeout 1h; to keep quiet sockets open",
			first.loc.Name(), becauseBy(first.in, advisoryTable(rules.Info)), who, also)
		setReadTimeoutFix(f, first.loc, nil, model.Entry{})
	}
}

// setReadTimeoutFix writes proxy_read_timeout 1h; (the canonical
// DefaultReadTimeout) into loc: it replaces the
// value the location sets itself, or adds the directive when the value is
// inherited or the default.
func setReadTimeoutFix(f *rules.Finding, loc, level *model.Block, e model.Entry) {
	value := DefaultReadTimeout
	if level == loc {
		if e.Via != nil {
			f.NoFix = fmt.Sprintf("proxy_read_timeout comes from include %s; change it there", e.Via.Arg(0))
			return
		}
		f.WithFix(&rules.Fix{Message: "set proxy_read_timeout " + value, Edits: []rules.Edit{rules.ReplaceWord(e.D, e.D.Args[0], value)}})
		return
	}
	ed, ok := rules.InsertInLevel(loc, []string{"proxy_send_timeout", "proxy_connect_timeout"}, []string{render(readTimeout(value))})
	if !ok {
		f.NoFix = "the location has no place in the source to write to"
		return
	}
	f.WithFix(&rules.Fix{Message: "add proxy_read_timeout " + value, Edits: []rules.Edit{ed}})
}

// fmtSeconds writes a duration for messages: "60 s", "1.5 s", "500 ms".
func fmtSeconds(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	if d%time.Second == 0 {
		return fmt.Sprintf("%d s", int64(d/time.Second))
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}
