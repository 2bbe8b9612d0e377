package websocket

import (
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&headerNameTypo{}) }

type headerNameTypo struct{}

var headerNameTypoMeta = &rules.Meta{
	ID: "WS008", Name: "header-name-typo", Severity: rules.Error, Fixable: true,
	Doc: rules.Doc{
		Summary: "A proxy_set_header field name misspells Upgrade or Connection.",
		Why: "nginx sends any field name as written, so proxy_set_header Ugrade $http_upgrade; passes nginx -t and sends a header " +
			"no server reads; the real Upgrade (or Connection) is missing and the handshake fails with 400. " +
			"A name counts as a misspelling when it is within two edits of Upgrade or Connection, at least five characters long, " +
			"and not closer to another common header (Proxy-Connection, Keep-Alive...). Case does not matter: header names are case-insensitive.",
		Bad:   "proxy_set_header Upgarde $http_upgrade;\nproxy_set_header Conection \"upgrade\";",
		Good:  "proxy_set_header Upgrade $http_upgrade;\nproxy_set_header Connection \"upgrade\";",
		Fix:   "Correct the field name; ngxlint fix does.",
		Since: "0.1.0",
		Refs:  []string{"https://nginx.org/en/docs/http/websocket.html", "https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header"},
	},
}

func (*headerNameTypo) Meta() *rules.Meta { return headerNameTypoMeta }

func (*headerNameTypo) Check(p *rules.Pass) {
	walk(p, func(_ *model.Block, e model.Entry) {
		d := e.D
		if d.Name != "proxy_set_header" || len(d.Args) < 1 {
			return
		}
		name := d.Args[0]
		for _, want := range []string{"Upgrade", "Connection"} {
			if isTypoOf(name.Value, want) {
				p.Report(rules.WordSpan(d, name),
					"proxy_set_header field %q is a misspelling of %q: nginx sends it as written, a header no server reads, so the real %s is missing and the WebSocket handshake fails with 400",
					name.Value, want, want).
					WithFix(&rules.Fix{Message: "rename the field to " + want, Edits: []rules.Edit{rules.ReplaceWord(d, name, want)}})
				return
			}
		}
	})
}
