package websocket

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

// Helpers shared by WS005, WS006, WS007, WS011, WS012, WS013, WS014 and WS029.

// strongWSSegment matches a path that names WebSocket (ws, wss, websocket,
// socket, socket.io, sockjs): the PathHint grade. Words that also name
// ordinary pages (live, push, hub, cable, comms) count only as a known
// application's exact endpoint (the Apps table).
var strongWSSegment = regexp.MustCompile(`(?i)(^|[/^(|_.-])(ws|wss|websockets?|sockets?|socket\.io|sockjs)([/$)|_.?-]|$)`)

// handlerIntent is the WebSocket evidence for a location served by a
// handler that cannot carry proxy_set_header's meaning (fastcgi_pass,
// grpc_pass, memcached_pass). The shared helper counts proxy_set_header
// Upgrade in effect as a declaration, but such a location only inherits it
// from a server that proxies elsewhere; here only what is written for this
// location counts: a --ws-path it serves, a "# ngxlint: websocket" comment,
// an Upgrade or upgrading Connection header set at this level with
// proxy_set_header, grpc_set_header or fastcgi_param HTTP_UPGRADE /
// HTTP_CONNECTION, a known application path that names WebSocket
// (/socket.io/, /api/websocket), or another path segment that does (ws,
// websocket, sockjs). Known paths without such a segment (/push/, /hub,
// /cable, /comms) are only hints, since a location handed to PHP or gRPC
// there may belong to another application; the other words of the path
// heuristics ("live", "push", "hub" in any path) do not count: they name
// ordinary pages too often.
func handlerIntent(p *rules.Pass, b *model.Block) Intent {
	var out Intent
	add := out.add
	loc := b.EnclosingLocation()
	levels := []*model.Block{b}
	if loc != nil && loc != b {
		levels = append(levels, loc)
	}
	for _, l := range levels {
		for _, path := range intentsOf(p).served[l] {
			_, src := wsPaths(p.Opts)
			add(Declared, fmt.Sprintf("%s %s is served here", src, path))
		}
		if c, ok := marker(l); ok {
			add(Declared, fmt.Sprintf("it is marked %q on %s", "#"+c.Text, lineOf(l, c.Start)))
		}
		for _, name := range []string{"proxy_set_header", "grpc_set_header", "fastcgi_param"} {
			for _, e := range l.Own(name) {
				if len(e.D.Args) < 2 {
					continue
				}
				field, value := e.D.Args[0].Value, e.D.Args[1].Value
				if name == "fastcgi_param" {
					field = strings.TrimPrefix(strings.ToUpper(field), "HTTP_")
				}
				if strings.EqualFold(field, "Upgrade") ||
					strings.EqualFold(field, "Connection") && ConnectionIntent(p.Cfg, value) {
					add(OwnHeaders, fmt.Sprintf("it sets %s %s on %s", name, e.D.Args[0].Value, rules.Line(e.D, e.D.File)))
				}
			}
		}
	}
	if loc != nil && loc.Loc != nil && !loc.Synthetic {
		app, _ := knownApp(loc.Loc)
		strong := strongWSSegment.MatchString(loc.Loc.Pattern)
		switch {
		case app != nil:
			out.App = app
			ev := KnownPath
			if !strong {
				ev = PathHint // /push/ or /hub may be another application's page
			}
			add(ev, fmt.Sprintf("its path %s is where %s opens WebSockets", loc.Loc.String(), app.Name))
		case strong:
			add(PathHint, fmt.Sprintf("its path %s looks like a WebSocket endpoint", loc.Loc.String()))
		}
	}
	return out
}

// pathEvidence reports whether a location's own path says WebSocket: a
// --ws-path it serves, a known application path, or a WebSocket-looking
// path segment. It ignores headers.
func pathEvidence(p *rules.Pass, loc *model.Block) (string, bool) {
	if loc == nil || loc.Kind != model.Location || loc.Loc == nil || loc.Synthetic {
		return "", false
	}
	if paths := intentsOf(p).served[loc]; len(paths) > 0 {
		_, src := wsPaths(p.Opts)
		return fmt.Sprintf("%s %s is served here", src, paths[0]), true
	}
	if app, _ := knownApp(loc.Loc); app != nil {
		return fmt.Sprintf("its path %s is where %s opens WebSockets", loc.Loc.String(), app.Name), true
	}
	if strongWSSegment.MatchString(loc.Loc.Pattern) {
		return fmt.Sprintf("its path %s looks like a WebSocket endpoint", loc.Loc.String()), true
	}
	return "", false
}

// names lists up to three level names, then "and N more".
func names(bs []*model.Block) string {
	var out []string
	for i, b := range bs {
		if i == 3 {
			out = append(out, fmt.Sprintf("%d more", len(bs)-3))
			break
		}
		out = append(out, b.Name())
	}
	switch len(out) {
	case 0:
		return ""
	case 1:
		return out[0]
	}
	return strings.Join(out[:len(out)-1], ", ") + " and " + out[len(out)-1]
}
