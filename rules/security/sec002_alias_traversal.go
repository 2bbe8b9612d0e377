package security

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&aliasTraversal{}) }

type aliasTraversal struct{}

var aliasTraversalMeta = &rules.Meta{
	ID: "SEC002", Name: "alias-traversal", Severity: rules.Error,
	Doc: rules.Doc{
		Summary: "A prefix location without a trailing slash uses an alias with one: /files../ reads the directory above the alias (path traversal); root / serves the whole file system.",
		Why: "alias replaces the part of the path the location matched. location /files matches /files../etc/passwd too " +
			"(nginx normalises /files/../x, but \"files..\" is one path segment), so with alias /srv/data/ the file read is " +
			"/srv/data/../etc/passwd: every file readable by the worker one level above the alias. root / makes every file of " +
			"the machine a URL.",
		Bad:  "server {\n    location /files {\n        alias /srv/data/;\n    }\n}",
		Good: "server {\n    location /files/ {\n        alias /srv/data/;\n    }\n}",
		Fix: "End the location and the alias alike: location /files/ { alias /srv/data/; } (or drop both slashes). " +
			"ngxlint does not change it for you: which requests the location should match is your choice.",
		SeverityNote: "Error for the alias traversal in a location that serves files (no proxy_pass, fastcgi_pass... and no " +
			"return of its own); warning for root / in such a location, which may sit behind authentication.",
		Since: "0.2.0",
		Refs:  []string{"https://nginx.org/en/docs/http/ngx_http_core_module.html#alias", "https://nginx.org/en/docs/http/ngx_http_core_module.html#location"},
	},
}

func (*aliasTraversal) Meta() *rules.Meta { return aliasTraversalMeta }

// servesFiles reports whether requests at b are answered from the file
// system: no content handler and no return of its own.
func servesFiles(b *model.Block) bool {
	if _, ok := b.Handler(); ok {
		return false
	}
	for _, n := range []string{"return", "stub_status", "empty_gif", "api", "js_content", "perl", "content_by_lua_block", "content_by_lua", "content_by_lua_file"} {
		if len(b.Own(n)) > 0 {
			return false
		}
	}
	return true
}

func (*aliasTraversal) Check(p *rules.Pass) {
	seen := map[*parser.Directive]bool{}
	for _, l := range locations(p.Cfg) {
		if l.Kind != model.Location || l.Loc == nil || l.Synthetic || !servesFiles(l) {
			continue
		}
		for _, e := range l.Own("alias") {
			v := e.D.Arg(0)
			mod, pat := l.Loc.Modifier, l.Loc.Pattern
			if (mod != "" && mod != "^~") || strings.HasSuffix(pat, "/") || !strings.HasSuffix(v, "/") || strings.Contains(v, "$") {
				continue
			}
			seg := pat[strings.LastIndex(pat, "/")+1:]
			p.Report(rules.DirectiveSpan(e.D),
				"location %s has no trailing slash but alias %s has one, so a request for %s../secret reads %s../secret, outside the alias: a prefix location also matches \"%s..\", and alias replaces only the prefix (path traversal); write location %s/ (or alias %s)",
				l.Loc.String(), v, pat, v, seg, pat, strings.TrimRight(v, "/"))
		}
		if e, ok := l.Scalar("root"); ok && e.D.Arg(0) == "/" && len(l.Own("alias")) == 0 && !seen[e.D] && l.AccessAt().Internal == nil {
			seen[e.D] = true
			p.ReportSev(rules.Warning, rules.DirectiveSpan(e.At()),
				"root / makes every file the nginx worker can read a URL for %s (/etc/passwd, keys, other sites' configuration); point root at the site's own directory", levelName(l))
		}
	}
}
