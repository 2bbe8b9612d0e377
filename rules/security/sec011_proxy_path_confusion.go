package security

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&proxyPathConfusion{}) }

type proxyPathConfusion struct{}

var proxyPathConfusionMeta = &rules.Meta{
	ID: "SEC011", Name: "proxy-pass-off-by-slash", Severity: rules.Warning,
	Doc: rules.Doc{
		Summary: "A prefix location without a trailing slash proxies to a URI with one: /api../x reaches the backend as /v1/../x (path traversal on the backend).",
		Why: "With a URI in proxy_pass, nginx replaces the part of the path the location matched by that URI. location /api " +
			"also matches /api../admin, so with proxy_pass http://backend/v1/ the backend receives /v1/../admin: a path outside " +
			"the prefix the location meant to expose, which many backends and object stores resolve.",
		Bad:  "server {\n    location /api {\n        proxy_pass http://127.0.0.1:8080/v1/;\n    }\n}",
		Good: "server {\n    location /api/ {\n        proxy_pass http://127.0.0.1:8080/v1/;\n    }\n}",
		Fix: "End the location and the proxy_pass URI alike: location /api/ { proxy_pass http://backend/v1/; }. ngxlint does not " +
			"change it for you: which requests the location should match is your choice.",
		SeverityNote: "Warning: nginx forwards the traversal (shown end to end); whether the backend serves what it names depends on the backend.",
		Since:        "0.2.0",
		Refs:         []string{"https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass"},
	},
}

func (*proxyPathConfusion) Meta() *rules.Meta { return proxyPathConfusionMeta }

func (*proxyPathConfusion) Check(p *rules.Pass) {
	for _, l := range locations(p.Cfg) {
		if l.Kind != model.Location || l.Loc == nil || l.Synthetic {
			continue
		}
		mod, pat := l.Loc.Modifier, l.Loc.Pattern
		if mod != "" && mod != "^~" || strings.HasSuffix(pat, "/") {
			continue
		}
		for _, e := range l.Own("proxy_pass") {
			t, ok := p.Cfg.ProxyTarget(e.D)
			if !ok || t.Variables || t.Unix || !strings.HasSuffix(t.Path, "/") {
				continue
			}
			p.Report(rules.WordSpan(e.D, e.D.Args[0]),
				"location %s has no trailing slash but proxy_pass %s ends its URI with one, so a request for %s../admin reaches the backend as %s../admin, outside %s; write location %s/",
				l.Loc.String(), e.D.Arg(0), pat, t.Path, t.Path, pat)
		}
	}
}
