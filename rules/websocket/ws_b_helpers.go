package websocket

import (
	"fmt"
	"strings"
	"time"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

// Helpers shared by WS015-WS020 and WS023.

// wsAppFor returns the application a WebSocket location serves: the one
// whose endpoint is exactly the location's path (Portainer's
// /api/websocket/ rather than Home Assistant's /api/websocket), else the
// one its path names, else the one a declared WebSocket path served there
// belongs to.
func wsAppFor(loc *model.Block, in Intent) *App {
	if l := loc.EnclosingLocation(); l != nil && l.Loc != nil && !l.Loc.IsRegex() && !l.Loc.IsNamed() {
		for _, app := range Apps {
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
	for _, app := range Apps {
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

// forwardsUpgrade reports whether requests served at b reach the backend
// with what a WebSocket handshake needs: proxy_set_header forwards Upgrade
// or a Connection with the upgrade token, or the handler is uwsgi_pass or
// scgi_pass, which pass the client's Upgrade and Connection as parameters.
func forwardsUpgrade(cfg *model.Config, b *model.Block) bool {
	if h, ok := b.Handler(); ok && (h.D.Name == "uwsgi_pass" || h.D.Name == "scgi_pass") {
		return true
	}
	return len(upgradeHeaders(cfg, b)) > 0
}

// locationKeepalive returns the upstream{} block the proxy_pass of a
// location targets and whether nginx keeps idle connections to it.
func locationKeepalive(cfg *model.Config, pl ProxyLocation) (*model.Block, bool, *parser.Directive) {
	if pl.Handler.D == nil {
		return nil, false, nil
	}
	t, ok := cfg.ProxyTarget(pl.Handler.D)
	if !ok || t.Upstream == nil {
		return nil, false, nil
	}
	u := t.Upstream
	on, d := u.UpstreamKeepalive(cfg.Version)
	return u, on, d
}

// keepaliveWhy says why an upstream keeps idle connections, for messages.
func keepaliveWhy(cfg *model.Config, u *model.Block, d *parser.Directive, from *parser.File) string {
	name := "upstream " + u.Dir.Arg(0)
	if d != nil {
		return fmt.Sprintf("%s keeps idle connections (keepalive %s on %s)", name, d.Arg(0), rules.Line(d, from))
	}
	return fmt.Sprintf("%s keeps idle connections (nginx %s caches 32 per upstream{} by default since 1.29.7)", name, cfg.Version)
}

// viaNote says, for an entry brought in by an include, where it really is.
func viaNote(e model.Entry) string {
	if e.Via == nil {
		return ""
	}
	return fmt.Sprintf(" (from include %s, %s)", e.Via.Arg(0), rules.Line(e.D, e.Via.File))
}

// andList joins names with commas and a final "and".
func andList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// entrySpan is where a finding about argument i of an entry is shown: the
// word itself, or the include line that brings the directive in.
func entrySpan(e model.Entry, i int) rules.Span {
	if e.Via != nil {
		return rules.DirectiveSpan(e.Via)
	}
	if i < len(e.D.Args) {
		return rules.WordSpan(e.D, e.D.Args[i])
	}
	return rules.DirectiveSpan(e.D)
}

// setIn says where an entry in effect at loc is written, when that is not
// loc itself: " (set in server on line 4)".
func setIn(level, loc *model.Block, e model.Entry, from *parser.File) string {
	if level == nil || level == loc {
		return viaNote(e)
	}
	return fmt.Sprintf(" (set in %s on %s)", levelName(level), rules.Line(e.D, from))
}

// deleteFix deletes a directive written at its level; for one brought in by
// an include it explains why it cannot.
func deleteFix(f *rules.Finding, e model.Entry, msg string) {
	if e.Via != nil {
		f.NoFix = fmt.Sprintf("it comes from include %s, which other places may share; remove it there", e.Via.Arg(0))
		return
	}
	f.WithFix(&rules.Fix{Message: msg, Edits: []rules.Edit{rules.DeleteDirective(e.D)}})
}
