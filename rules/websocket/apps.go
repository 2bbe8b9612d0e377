package websocket

// Applications with a known WebSocket endpoint: their paths, heartbeats
// and needs, and how a location is matched to one.

import (
	"strings"
	"time"

	"github.com/ngxlint/ngxlint/parser/model"
)

// App is an application with a known WebSocket path and heartbeat.
type App struct {
	Name string
	// Keywords are words a regex location for this app's endpoint names.
	Keywords []string
	// Paths are request paths where its clients open WebSockets.
	Paths []string
	// Heartbeat is how often the app pings an idle socket, 0 when unknown.
	Heartbeat time.Duration
	// MinReadTimeout is the idle time the app needs without a frame.
	MinReadTimeout time.Duration
	// Sticky is true when several backends need session affinity.
	Sticky bool
	// ChecksOrigin is true when the app compares Origin with Host.
	ChecksOrigin bool
	// SchemeInOrigin is true when the app rebuilds the page's origin from
	// the scheme the proxy reports (X-Forwarded-Proto) to check Origin.
	SchemeInOrigin bool
}

// apps are the applications whose WebSocket endpoints ngxlint knows, with
// what they document about their heartbeats: Socket.IO's pingInterval
// (25 s) and pingTimeout; Node-RED's editor comms ping (15 s); ASP.NET Core SignalR's
// KeepAliveInterval (15 s); Action Cable's server beat (every 3 s);
// phoenix.js's heartbeatIntervalMs (30 s); SockJS's heartbeat_delay
// (25 s); Jitsi Meet's XMPP ping (lib-jitsi-meet, every 10 s).
var apps = []*App{
	{Name: "Socket.IO", Keywords: []string{"socket.io"}, Paths: []string{"/socket.io/"}, Heartbeat: 25 * time.Second, MinReadTimeout: 45 * time.Second, Sticky: true},
	{Name: "Home Assistant", Keywords: []string{"websocket"}, Paths: []string{"/api/websocket"}},
	{Name: "Grafana Live", Keywords: []string{"live"}, Paths: []string{"/api/live/ws", "/api/live/"}, ChecksOrigin: true},
	{Name: "Rails Action Cable", Keywords: []string{"cable"}, Paths: []string{"/cable"}, Heartbeat: 3 * time.Second, ChecksOrigin: true, SchemeInOrigin: true},
	{Name: "Portainer", Keywords: []string{"websocket"}, Paths: []string{"/api/websocket/"}},
	{Name: "Nextcloud notify_push", Keywords: []string{"push"}, Paths: []string{"/push/ws", "/push/"}},
	{Name: "Node-RED", Keywords: []string{"comms"}, Paths: []string{"/comms"}, Heartbeat: 15 * time.Second},
	{Name: "Mattermost", Keywords: []string{"websocket"}, Paths: []string{"/api/v4/websocket", "/api/v4/users/websocket"}},
	{Name: "Phoenix LiveView", Keywords: []string{"websocket"}, Paths: []string{"/live/websocket", "/socket/websocket"}, Heartbeat: 30 * time.Second},
	{Name: "Jupyter", Keywords: []string{"channels", "kernels", "terminals", "events"}, Paths: []string{"/api/kernels/", "/terminals/websocket/", "/api/events/subscribe"}, ChecksOrigin: true},
	{Name: "SignalR", Keywords: []string{"hub", "signalr"}, Paths: []string{"/signalr", "/hubs/", "/hub"}, Heartbeat: 15 * time.Second, Sticky: true},
	{Name: "SockJS", Keywords: []string{"sockjs"}, Paths: []string{"/sockjs/", "/sockjs-node"}, Heartbeat: 25 * time.Second},
	{Name: "Next.js dev server", Keywords: []string{"webpack-hmr"}, Paths: []string{"/_next/webpack-hmr"}},
	{Name: "Jitsi Meet", Keywords: []string{"xmpp-websocket", "colibri-ws"}, Paths: []string{"/xmpp-websocket", "/colibri-ws/"}, Heartbeat: 10 * time.Second},
	{Name: "Cockpit", Keywords: []string{"cockpit"}, Paths: []string{"/cockpit/socket"}, ChecksOrigin: true},
	{Name: "Apache Guacamole", Keywords: []string{"websocket-tunnel"}, Paths: []string{"/websocket-tunnel"}},
}

// knownApp matches a location against the applications' WebSocket paths.
// A prefix or exact location matches an app whose path it is, an exact
// spelling first (Portainer's /api/websocket/ before Home Assistant's
// /api/websocket), then ignoring a trailing slash. A regex location counts
// only when it matches the app's path and names the app's keyword: a
// catch-all such as ~ ^/(ws|api)/ matching /api/websocket is not Home
// Assistant's endpoint.
func knownApp(l *model.LocationSpec) (*App, string) {
	switch {
	case l.IsNamed():
		return nil, ""
	case l.IsRegex():
		if l.Regexp == nil {
			return nil, ""
		}
		for _, app := range apps {
			if !containsAny(strings.ToLower(l.Pattern), app.Keywords) {
				continue
			}
			for _, p := range app.Paths {
				if l.Regexp.MatchString(p) {
					return app, p
				}
			}
		}
		return nil, ""
	}
	for _, exact := range []bool{true, false} {
		for _, app := range apps {
			for _, p := range app.Paths {
				if exact && l.Pattern == p || !exact && strings.TrimSuffix(l.Pattern, "/") == strings.TrimSuffix(p, "/") {
					return app, p
				}
			}
		}
	}
	return nil, ""
}

// appForPath returns the application whose WebSocket endpoint a request
// path is, also when the application is mounted under a prefix
// (/nodered/comms is Node-RED's /comms): the path is the endpoint, starts
// with an endpoint that ends with '/', or ends with the endpoint or holds
// it followed by '/'.
func appForPath(p string) *App {
	for _, exact := range []bool{true, false} {
		for _, app := range apps {
			for _, ap := range app.Paths {
				switch {
				case exact && (p == ap || strings.TrimSuffix(p, "/") == strings.TrimSuffix(ap, "/")):
					return app
				case !exact && strings.HasSuffix(ap, "/") && strings.Contains(p, ap),
					!exact && strings.HasSuffix(p, ap),
					!exact && !strings.HasSuffix(ap, "/") && strings.Contains(p, ap+"/"):
					return app
				}
			}
		}
	}
	return nil
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// wsAppFor returns the application a WebSocket location serves: the one
// whose endpoint is exactly the location's path (Portainer's
// /api/websocket/ rather than Home Assistant's /api/websocket), else the
// one its path names, else the one a declared WebSocket path served there
// belongs to.
func wsAppFor(loc *model.Block, in intent) *App {
	if l := loc.EnclosingLocation(); l != nil && l.Loc != nil && !l.Loc.IsRegex() && !l.Loc.IsNamed() {
		for _, app := range apps {
			for _, ap := range app.Paths {
				if ap == l.Loc.Pattern {
					return app
				}
			}
		}
	}
	if in.App != nil {
		return in.App
	}
	for _, p := range in.Paths {
		if app := appWithPath(p); app != nil {
			return app
		}
	}
	return nil
}

// appWithPath returns the application whose WebSocket path is p (ignoring a
// trailing slash).
func appWithPath(p string) *App {
	for _, app := range apps {
		for _, ap := range app.Paths {
			if strings.TrimSuffix(ap, "/") == strings.TrimSuffix(p, "/") {
				return app
			}
		}
	}
	return nil
}

// appIdleNeed is how long an idle socket of app must survive without a
// frame from nginx's point of view: the app's MinReadTimeout when known,
// else twice its heartbeat (one ping may be late), else 0 (unknown).
func appIdleNeed(app *App) time.Duration {
	switch {
	case app == nil:
		return 0
	case app.MinReadTimeout > 0:
		return app.MinReadTimeout
	case app.Heartbeat > 0:
		return 2 * app.Heartbeat
	}
	return 0
}

// KnownApps returns the applications whose WebSocket endpoints ngxlint
// knows (a copy: the table itself stays as it is).
func KnownApps() []App {
	out := make([]App, len(apps))
	for i, a := range apps {
		out[i] = *a
	}
	return out
}
