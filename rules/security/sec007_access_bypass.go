package security

import (
	"strconv"
	"strings"

	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&accessBypass{}) }

type accessBypass struct{}

var accessBypassMeta = &rules.Meta{
	ID: "SEC007", Name: "access-control-bypass", Severity: rules.Error,
	Doc: rules.Doc{
		Summary: "allow/deny or authentication that does not guard what it seems to: allow without deny, a return that answers before the check, a regex location that takes the protected paths.",
		Why: "allow lets a client through but denies nobody: without a deny (usually deny all) after it, every client is " +
			"let in. return runs in the rewrite phase, before the access phase where allow, deny, auth_basic and " +
			"auth_request are checked, so return 200 in a protected location answers everyone. A prefix location's checks " +
			"apply only to requests it serves, and nginx prefers a matching regex location to a prefix location without ^~: " +
			"location /admin/ { deny all; } does not protect /admin/x.php when location ~ \\.php$ exists.",
		Bad:  "server {\n    location /admin/ {\n        allow 10.0.0.0/8;\n        deny all;\n    }\n    location ~ \\.php$ {\n        fastcgi_pass 127.0.0.1:9000;\n    }\n}",
		Good: "server {\n    location ^~ /admin/ {\n        allow 10.0.0.0/8;\n        deny all;\n        location ~ \\.php$ {\n            fastcgi_pass 127.0.0.1:9000;\n        }\n    }\n    location ~ \\.php$ {\n        fastcgi_pass 127.0.0.1:9000;\n    }\n}",
		Fix: "End an allow list with deny all; move the return out of the protected location (or protect the location it " +
			"sends to); write location ^~ /admin/ and nest the regex locations that must run under it.",
		SeverityNote: "Error when the bypass is certain: nothing else guards the location, the return answers 2xx, or " +
			"ngxlint's location matching shows a path under the protected prefix served by an unprotected regex location. " +
			"Warning for an allow list without deny where authentication still guards the location, and for a regex " +
			"location without a handler (static files such as images under the protected prefix).",
		Since: "0.2.0",
		Refs: []string{"https://nginx.org/en/docs/http/ngx_http_access_module.html",
			"https://nginx.org/en/docs/http/ngx_http_core_module.html#location",
			"https://nginx.org/en/docs/dev/development_guide.html#http_phases"},
	},
}

func (*accessBypass) Meta() *rules.Meta { return accessBypassMeta }

func (*accessBypass) Check(p *rules.Pass) {
	var levels []*model.Block
	levels = append(levels, p.Cfg.Servers...)
	levels = append(levels, p.Cfg.Locations...)
	for _, b := range levels {
		allowWithoutDeny(p, b)
		returnBeforeAccess(p, b)
	}
	for _, s := range p.Cfg.Servers {
		regexBypass(p, s)
	}
}

func allowWithoutDeny(p *rules.Pass, b *model.Block) {
	var allows []model.Entry
	for _, e := range b.Directives {
		switch e.D.Name {
		case "deny":
			return
		case "allow":
			if !strings.EqualFold(e.D.Arg(0), "all") {
				allows = append(allows, e)
			}
		}
	}
	if len(allows) == 0 || b.Kind == model.LimitExcept {
		return
	}
	a := b.AccessAt()
	sev, tail := rules.Error, "every client gets in"
	if a.AuthBasic != nil || a.AuthRequest != nil {
		if a.SatisfyAny {
			return // satisfy any: the allow list is the way in without a password
		}
		sev, tail = rules.Warning, "the allow list restricts nothing (authentication still applies)"
	}
	if a.Internal != nil {
		return
	}
	p.ReportSev(sev, rules.DirectiveSpan(allows[0].At()),
		"%s has allow %s but no deny: a client that no allow matches is not denied, so %s; add deny all; after the allow lines",
		levelName(b), allows[0].D.Arg(0), tail)
}

// guard returns the directive that protects a level: a deny in effect, or
// auth_basic / auth_request.
func guard(a model.Access) (model.Entry, bool) {
	if a.AuthBasic != nil {
		return *a.AuthBasic, true
	}
	if a.AuthRequest != nil {
		return *a.AuthRequest, true
	}
	for _, e := range a.Rules {
		if e.D.Name == "deny" {
			return e, true
		}
	}
	return model.Entry{}, false
}

func returnBeforeAccess(p *rules.Pass, b *model.Block) {
	if !b.IsLocationLike() {
		return
	}
	for _, e := range b.Own("return") {
		code, err := strconv.Atoi(e.D.Arg(0))
		if err != nil || code < 200 || code > 299 {
			continue
		}
		a := b.AccessAt()
		if a.Internal != nil {
			continue
		}
		g, ok := guard(a)
		if !ok {
			continue
		}
		p.Report(rules.DirectiveSpan(e.D),
			"return %d answers everyone: return runs in the rewrite phase, before the access phase checks %s %s (%s); serve the response from a location the check protects (for instance with try_files or a named location), or drop the return",
			code, g.D.Name, g.D.Arg(0), at(g.At(), e.D.File))
	}
}

// extensionLists returns the lists of extensions a regex location names
// after an escaped dot, as the submatches of every match of
// `\\\.\(?(?:\?:)?([A-Za-z0-9|]+)\)?` (`\.(css|js)`, `\.(?:php|cgi)`,
// `\.ini`), without compiling it; TestExtensionListsAsRegexp and
// FuzzExtensionLists check it against the regexp. At each `\.` the
// optional "(" and "?:" are taken when present (giving them up leaves
// "(" or "?" first, which the list cannot start with), the list must
// have a character, and a ")" after it is part of the match.
func extensionLists(pattern string) []string {
	var out []string
	for i := 0; ; {
		k := strings.Index(pattern[i:], `\.`)
		if k < 0 {
			return out
		}
		j := i + k + 2
		if j < len(pattern) && pattern[j] == '(' {
			j++
		}
		if strings.HasPrefix(pattern[j:], "?:") {
			j += 2
		}
		start := j
		for j < len(pattern) && extensionByte(pattern[j]) {
			j++
		}
		if j == start {
			i += k + 1
			continue
		}
		out = append(out, pattern[start:j])
		if j < len(pattern) && pattern[j] == ')' {
			j++
		}
		i = j
	}
}

func extensionByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '|'
}

// regexBypass finds, for each prefix location with its own guard, a path
// under it that a regex location without the guard serves.
func regexBypass(p *rules.Pass, s *model.Block) {
	locs := p.Cfg.ServerLocations(s)
	var regexes []*model.Block
	exts := map[string]bool{}
	for _, l := range locs {
		if l.Kind == model.Location && l.Loc != nil && l.Loc.IsRegex() {
			regexes = append(regexes, l)
			for _, list := range extensionLists(l.Loc.Pattern) {
				for _, x := range strings.Split(list, "|") {
					if x != "" && len(exts) < 32 {
						exts[strings.ToLower(x)] = true
					}
				}
			}
		}
	}
	if len(regexes) == 0 {
		return
	}
	var suffixes []string
	for _, x := range []string{"php", "jpg", "png", "css", "js", "html", "json", "txt"} {
		exts[x] = true
	}
	for x := range exts {
		suffixes = append(suffixes, "x."+x)
	}
	sortStrings(suffixes)
	suffixes = append(suffixes, "x/", "x")
	for _, l := range locs {
		if l.Kind != model.Location || l.Loc == nil || l.Loc.Modifier != "" || l.Parent != s {
			continue
		}
		g, ok := ownGuard(l)
		if !ok {
			continue
		}
		base := l.Loc.Pattern
		if !strings.HasSuffix(base, "/") {
			base += "/"
		}
		for _, suf := range suffixes {
			uri := base + suf
			m := s.FindLocation(uri)
			if m.Loc == nil || m.Unknown != nil || isWithin(m.Loc, l) {
				continue
			}
			a := m.Loc.AccessAt()
			if _, guarded := guard(a); guarded || a.Internal != nil {
				continue
			}
			sev, what := rules.Warning, "its files"
			if h, ok := m.Loc.Handler(); ok {
				sev, what = rules.Error, h.D.Name
			}
			p.ReportSev(sev, rules.DirectiveSpan(g.At()),
				"%s does not protect %s: nginx serves it (%s) from %s (%s), which has no %s, because a matching regex location wins over a prefix location without ^~; write location ^~ %s and nest the regex locations it needs inside it",
				levelName(l), uri, what, levelName(m.Loc), at(m.Loc.Dir, g.At().File), g.D.Name, l.Loc.Pattern)
			break
		}
	}
}

// ownGuard is the guard written at the location itself.
func ownGuard(l *model.Block) (model.Entry, bool) {
	for _, e := range l.Directives {
		switch e.D.Name {
		case "deny":
			return e, true
		case "auth_basic", "auth_request":
			if !strings.EqualFold(e.D.Arg(0), "off") {
				return e, true
			}
		}
	}
	return model.Entry{}, false
}

func isWithin(b, l *model.Block) bool {
	for x := b; x != nil; x = x.Parent {
		if x == l {
			return true
		}
	}
	return false
}

func sortStrings(xs []string) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}
