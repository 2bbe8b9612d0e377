package websocket

// Upstream keepalive, which a Connection: close map defeats.

import (
	"fmt"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

// locationKeepalive returns the upstream{} block the proxy_pass of a
// location targets and whether nginx keeps idle connections to it.
func locationKeepalive(cfg *model.Config, pl proxyLocation) (*model.Block, bool, *parser.Directive) {
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
