package security

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&disclosure{}) }

type disclosure struct{}

var disclosureMeta = &rules.Meta{
	ID: "SEC008", Name: "information-disclosure", Severity: rules.Info,
	Doc: rules.Doc{
		Summary: "Status pages, directory listings, version numbers or dotfiles (.git, .env) that anyone can read.",
		Why: "stub_status and the api module answer whoever asks unless allow/deny or authentication guards them, and api " +
			"write=on lets a client change upstreams. autoindex lists every file of a directory. server_tokens on (the " +
			"default) puts nginx's version in every Server header and error page. A root that holds a checkout serves " +
			"/.git/config and /.env unless a location denies dotfiles.",
		Bad:  "server {\n    location /nginx_status {\n        stub_status;\n    }\n}",
		Good: "server {\n    location /nginx_status {\n        stub_status;\n        allow 127.0.0.1;\n        deny all;\n    }\n}",
		Fix: "Guard status pages with allow ...; deny all; (or auth_basic), set server_tokens off; in http{}, turn autoindex " +
			"off where listings are not meant, and add location ~ /\\.(?!well-known) { deny all; } to servers that serve a " +
			"checkout.",
		SeverityNote: "Warning for api write=on without a guard; info for a public stub_status, autoindex on and server_tokens " +
			"on. Under security: strict, those become warnings, and a server that serves /.git/config from its root and an " +
			"http{} without server_tokens off are reported too.",
		Since: "0.2.0",
		Refs: []string{"https://nginx.org/en/docs/http/ngx_http_stub_status_module.html",
			"https://nginx.org/en/docs/http/ngx_http_api_module.html", "https://nginx.org/en/docs/http/ngx_http_autoindex_module.html",
			"https://nginx.org/en/docs/http/ngx_http_core_module.html#server_tokens"},
	},
}

func (*disclosure) Meta() *rules.Meta { return disclosureMeta }

func (*disclosure) Check(p *rules.Pass) {
	for _, l := range locations(p.Cfg) {
		if !l.IsLocationLike() {
			continue
		}
		a := l.AccessAt()
		if _, guarded := guard(a); guarded || a.Internal != nil {
			continue
		}
		for _, e := range l.Own("stub_status") {
			p.ReportSev(opinion(p), rules.DirectiveSpan(e.At()),
				"stub_status in %s answers anyone (connection and request counts); add allow for your monitoring host and deny all;", levelName(l))
		}
		for _, e := range l.Own("api") {
			sev, what := opinion(p), "shows upstreams, zones and counters to anyone"
			for _, w := range e.D.Args {
				if strings.EqualFold(w.Value, "write=on") {
					sev, what = rules.Warning, "lets anyone change upstream servers (write=on)"
				}
			}
			p.ReportSev(sev, rules.DirectiveSpan(e.At()), "api in %s %s; add allow for your management hosts and deny all;", levelName(l), what)
		}
		for _, e := range l.Own("autoindex") {
			if strings.EqualFold(e.D.Arg(0), "on") {
				p.ReportSev(opinion(p), rules.DirectiveSpan(e.At()),
					"autoindex on lists every file under %s to anyone; make sure that is meant, or guard it with allow/deny or auth_basic", levelName(l))
			}
		}
	}
	tokensOn := false
	p.Cfg.Walk(func(b *model.Block, e model.Entry) {
		if e.D.Name == "server_tokens" && strings.EqualFold(e.D.Arg(0), "on") {
			tokensOn = true
			p.ReportSev(opinion(p), rules.DirectiveSpan(e.At()),
				"server_tokens on sends nginx's version in every Server header and error page, which tells an attacker which CVEs apply; use server_tokens off;")
		}
	})
	if !strict(p) {
		return
	}
	if !tokensOn && p.Cfg.Unit != nil && p.Cfg.Unit.Context == parser.CtxMain {
		for _, h := range p.Cfg.Main.Children {
			if h.Kind == model.HTTP && len(h.Own("server_tokens")) == 0 && h.Dir != nil {
				p.ReportSev(rules.Warning, rules.DirectiveSpan(h.Dir),
					"http{} leaves server_tokens at its default, on: nginx's version is in every Server header and error page; add server_tokens off;")
			}
		}
	}
	for _, s := range p.Cfg.Servers {
		m := s.FindLocation("/.git/config")
		if m.Loc == nil || m.Unknown != nil {
			continue
		}
		if !servesFiles(m.Loc) {
			continue
		}
		a := m.Loc.AccessAt()
		if _, g := guard(a); g || a.Internal != nil {
			continue
		}
		if _, ok := m.Loc.Scalar("root"); !ok {
			continue
		}
		p.ReportSev(rules.Warning, anchor(m.Loc),
			"%s serves /.git/config and /.env from its root if they exist there; add location ~ /\\.(?!well-known) { deny all; } to %s", levelName(m.Loc), levelName(s))
	}
}
