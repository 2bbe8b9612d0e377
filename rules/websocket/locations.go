package websocket

// The locations that carry WebSocket: those proxy_pass serves, and the
// location that answers a handshake nginx matched elsewhere.

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

// Serving returns the location that answers a WebSocket handshake nginx
// matched to loc: loc itself, or the named location (same server) it hands
// the request to:
//   - "error_page 418 = @ws;" with "if ($http_upgrade ...) { return 418; }":
//     an if that tests Upgrade or Connection and returns a code that
//     error_page sends to a named location, even when loc has a handler of
//     its own for plain requests;
//   - without a handler of its own: the named location at the end of
//     try_files (Django Channels' "try_files $uri @proxy_to_app"), or the
//     one error_page sends the final "=CODE" of try_files to;
//   - without a handler or try_files: a "return CODE" of loc, or the 404
//     nginx answers for a path that is no file ("error_page 404 = @app").
func Serving(loc *model.Block) *model.Block {
	srv := loc.Server()
	if srv == nil {
		return loc
	}
	named := func(b *model.Block, code string) *model.Block {
		es, _ := b.Lookup("error_page")
		for _, e := range es {
			n := len(e.D.Args)
			if n < 2 || !strings.HasPrefix(e.D.Args[n-1].Value, "@") {
				continue
			}
			for _, a := range e.D.Args[:n-1] {
				if a.Value == code {
					return srv.NamedLocation(e.D.Args[n-1].Value)
				}
			}
		}
		return nil
	}
	for _, c := range loc.Children {
		if c.Kind != model.If || !testsUpgrade(c) {
			continue
		}
		for _, r := range c.Own("return") {
			if to := named(c, r.D.Arg(0)); to != nil {
				return to
			}
		}
	}
	if _, ok := loc.Handler(); ok {
		return loc
	}
	if e, ok := loc.Scalar("try_files"); ok && len(e.D.Args) > 0 {
		last := e.D.Args[len(e.D.Args)-1].Value
		if strings.HasPrefix(last, "@") {
			if to := srv.NamedLocation(last); to != nil {
				return to
			}
		} else if code, ok := strings.CutPrefix(last, "="); ok {
			if to := named(loc, code); to != nil {
				return to
			}
		}
		return loc
	}
	code := "404"
	if r := loc.Own("return"); len(r) > 0 {
		code = r[0].D.Arg(0)
	}
	if to := named(loc, code); to != nil {
		return to
	}
	return loc
}

// proxyLocation is a location whose requests proxy_pass forwards.
type proxyLocation struct {
	Block   *model.Block // the location (or the snippet linted as one)
	Handler model.Entry  // the proxy_pass (in the location or an if/limit_except inside it)
	cache   *plCache     // set in the unit's list (proxyLocationsOf)
}

// proxyLocations lists the locations served by proxy_pass: their own, one
// inside an if or limit_except block, or, for a snippet linted as a
// location, the snippet itself when it holds proxy directives (it is meant
// to be included where proxy_pass is).
func proxyLocations(cfg *model.Config) []proxyLocation {
	var out []proxyLocation
	for _, b := range cfg.Locations {
		if b.Kind != model.Location {
			continue
		}
		if h, ok := proxyHandler(b); ok {
			out = append(out, proxyLocation{Block: b, Handler: h})
			continue
		}
		if b.Synthetic {
			for _, e := range b.Directives {
				if strings.HasPrefix(e.D.Name, "proxy_") {
					out = append(out, proxyLocation{Block: b})
					break
				}
			}
		}
	}
	return out
}

func proxyHandler(b *model.Block) (model.Entry, bool) {
	if h, ok := b.Handler(); ok {
		if h.D.Name == "proxy_pass" {
			return h, true
		}
		return model.Entry{}, false
	}
	for _, c := range b.Children {
		if c.Kind == model.If || c.Kind == model.LimitExcept {
			if h, ok := proxyHandler(c); ok {
				return h, true
			}
		}
	}
	return model.Entry{}, false
}

// proxyHostOf is the Host nginx sends by default for a proxied location:
// $proxy_host, the address written in proxy_pass.
func proxyHostOf(p *rules.Pass, pl proxyLocation) string {
	t, ok := p.Cfg.ProxyTarget(pl.Handler.D)
	switch {
	case !ok || t.Variables:
		return "the address of its proxy_pass"
	case t.Unix:
		return "localhost"
	}
	return t.Authority()
}
