package security

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&listDropped{}) }

type listDropped struct{}

var listDroppedMeta = &rules.Meta{
	ID: "SEC001", Name: "headers-dropped-by-inheritance", Severity: rules.Warning, Fixable: true,
	Doc: rules.Doc{
		Summary: "An inner add_header, add_trailer, proxy_set_header, grpc_set_header, *_param or *_hide_header silently drops the whole list set further out.",
		Why: "nginx inherits these array directives from the enclosing level if and only if the current level has none of them " +
			"(the merge functions of the headers filter, proxy, fastcgi, uwsgi, scgi and grpc modules take the parent's list " +
			"only when the child's is empty). One add_header Cache-Control in a location, or one in an if block, and the " +
			"Strict-Transport-Security, Content-Security-Policy and X-Frame-Options headers set in server{} are no longer sent " +
			"for that location; one fastcgi_param in a location drops every parameter of an include fastcgi_params further out. " +
			"add_header_inherit merge (nginx 1.29.3) changes this for add_header; add_header_inherit off says the drop is meant.",
		Bad: "server {\n    add_header Strict-Transport-Security \"max-age=63072000\" always;\n    add_header X-Frame-Options DENY always;\n\n" +
			"    location /static/ {\n        add_header Cache-Control \"public, max-age=86400\";\n    }\n}",
		Good: "server {\n    add_header Strict-Transport-Security \"max-age=63072000\" always;\n    add_header X-Frame-Options DENY always;\n\n" +
			"    location /static/ {\n        add_header Cache-Control \"public, max-age=86400\";\n" +
			"        add_header Strict-Transport-Security \"max-age=63072000\" always;\n        add_header X-Frame-Options DENY always;\n    }\n}",
		Fix: "Repeat the outer lines at the inner level (keep them in one include used at every level), or on nginx 1.29.3 and later " +
			"write add_header_inherit merge; at the inner level. ngxlint fix repeats the dropped lines after the inner level's own " +
			"list when they are written at the outer level itself (not brought by an include).",
		SeverityNote: "Warning when a security header (HSTS, CSP, X-Frame-Options, X-Content-Type-Options, Referrer-Policy, " +
			"Permissions-Policy, Cross-Origin-*) is dropped from a level that can serve documents (not from a location of " +
			"stylesheets, scripts, images or fonts, where those headers protect nothing), when proxy_set_header drops Host or the X-Forwarded-*/X-Real-IP " +
			"headers of a proxied location, or when fastcgi_param drops a FastCGI location's parameters; info for other lists. " +
			"Upgrade and Connection dropped from proxy_set_header are WS003's. Never reported under add_header_inherit off, " +
			"nor for a header the inner level sets again, nor for proxy/fastcgi/grpc lists at a level that hands nothing to " +
			"that kind of backend.",
		Since: "0.2.0",
		Refs: []string{"https://nginx.org/en/docs/http/ngx_http_headers_module.html#add_header",
			"https://nginx.org/en/docs/http/ngx_http_headers_module.html#add_header_inherit",
			"https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header",
			"https://nginx.org/en/docs/http/ngx_http_fastcgi_module.html#fastcgi_param"},
	},
}

func (*listDropped) Meta() *rules.Meta { return listDroppedMeta }

// securityHeaders are response headers whose loss weakens the browser's
// protection.
var securityHeaders = []string{
	"Strict-Transport-Security", "Content-Security-Policy", "Content-Security-Policy-Report-Only",
	"X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy",
	"Cross-Origin-Opener-Policy", "Cross-Origin-Embedder-Policy", "Cross-Origin-Resource-Policy",
	"X-XSS-Protection", "Feature-Policy", "X-Permitted-Cross-Domain-Policies",
}

// forwardHeaders are request headers a backend relies on for the client's
// identity, host and scheme.
var forwardHeaders = []string{"Host", "X-Forwarded-For", "X-Real-IP", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded", "X-Forwarded-Port"}

func isOneOf(name string, list []string) bool {
	for _, h := range list {
		if strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}

// handlerFor names the content handlers a list matters for; nil for the
// response header lists, which matter everywhere.
func handlerFor(list string) []string {
	switch {
	case strings.HasPrefix(list, "proxy_"):
		return []string{"proxy_pass"}
	case strings.HasPrefix(list, "grpc_"):
		return []string{"grpc_pass"}
	case strings.HasPrefix(list, "fastcgi_"):
		return []string{"fastcgi_pass"}
	case strings.HasPrefix(list, "uwsgi_"):
		return []string{"uwsgi_pass"}
	case strings.HasPrefix(list, "scgi_"):
		return []string{"scgi_pass"}
	}
	return nil
}

// usesHandler reports whether b, or a level nested in it that inherits b's
// list, hands requests to one of the handlers: a nested level that sets its
// own list never sends b's, so b's drop reaches no backend through it.
func usesHandler(b *model.Block, handlers []string, list string) bool {
	for _, h := range handlers {
		if len(b.Own(h)) > 0 {
			return true
		}
	}
	for _, ch := range b.Children {
		if !ch.IsLocationLike() {
			continue
		}
		if mode, _, _ := ch.InheritMode(list); mode == model.InheritOn && len(ch.Own(list)) > 0 {
			continue
		}
		if usesHandler(ch, handlers, list) {
			return true
		}
	}
	return false
}

func (*listDropped) Check(p *rules.Pass) {
	var levels []*model.Block
	levels = append(levels, p.Cfg.Servers...)
	levels = append(levels, p.Cfg.Locations...)
	for _, b := range levels {
		for _, name := range model.ListDirectives {
			own := b.Own(name)
			if len(own) == 0 {
				continue
			}
			checkDropped(p, b, name, own)
		}
	}
}

func checkDropped(p *rules.Pass, b *model.Block, name string, own []model.Entry) {
	if mode, _, _ := b.InheritMode(name); mode != model.InheritOn {
		return // merge keeps the outer list; off says the drop is meant
	}
	if hs := handlerFor(name); hs != nil && !usesHandler(b, hs, name) {
		return
	}
	d, ok := b.DroppedList(name)
	if !ok || d.By != b || d.Cut {
		return
	}
	eff := b.EffectiveList(name)
	header := strings.HasSuffix(name, "_header") || name == "add_trailer"
	var lost []model.Entry
	for _, e := range d.Entries {
		if len(e.D.Args) == 0 {
			continue
		}
		key := e.D.Arg(0)
		again := false
		for _, x := range eff.Entries {
			if strings.EqualFold(x.D.Arg(0), key) {
				again = true
			}
		}
		if again || name == "proxy_set_header" && isOneOf(key, []string{"Upgrade", "Connection"}) {
			continue
		}
		if name == "add_header" && key == "" {
			continue
		}
		lost = append(lost, e)
	}
	if len(lost) == 0 {
		return
	}
	sev := rules.Info
	assets := servesAssetsOnly(b)
	var keys, serious []string
	for _, e := range lost {
		k := e.D.Arg(0)
		if !isOneOf(k, keys) {
			keys = append(keys, k)
		}
		switch {
		case (name == "add_header" || name == "add_trailer") && isOneOf(k, securityHeaders) && !assets,
			(name == "proxy_set_header" || name == "grpc_set_header") && isOneOf(k, forwardHeaders),
			name == "fastcgi_param" || name == "uwsgi_param" || name == "scgi_param":
			sev = rules.Warning
			if !isOneOf(k, serious) {
				serious = append(serious, k)
			}
		}
	}
	// security headers first
	if len(serious) > 0 {
		rest := []string{}
		for _, k := range keys {
			if !isOneOf(k, serious) {
				rest = append(rest, k)
			}
		}
		keys = append(serious, rest...)
	}
	culprit := own[0]
	where := culprit.At()
	cause := fmt.Sprintf("it sets %s %s", name, culprit.D.Arg(0))
	if culprit.Via != nil {
		cause = fmt.Sprintf("its include %s sets %s %s (%s)", culprit.Via.Arg(0), name, culprit.D.Arg(0), at(culprit.D, where.File))
	}
	what := "the " + name + " " + quoteList(keys)
	if !header {
		what = fmt.Sprintf("the %d %s %s (%s)", len(keys), name, plural(len(keys), "line", "lines"), quoteList(first(keys, 4)))
	}
	advice := "repeat them here"
	if v := lost[0].Via; v != nil {
		advice = "repeat them here (include " + v.Arg(0) + ")"
	}
	if (name == "add_header" || name == "add_trailer") && p.Cfg.Version.AtLeast("1.29.3") {
		advice += ", or write " + name + "_inherit merge;"
	}
	ref := at(lost[0].At(), where.File)
	if v := lost[0].Via; v != nil {
		ref = "include " + v.Arg(0) + ", " + ref
	}
	f := p.ReportSev(sev, rules.DirectiveSpan(where),
		"%s drops %s set in %s (%s) because %s: nginx inherits %s only by a level that sets none; %s",
		levelName(b), what, levelName(d.Outer), ref, cause, name, advice)
	var lines []string
	for _, e := range lost {
		if e.Via != nil {
			// the fixer re-reads includes as they were; adding one is
			// the user's call
			return
		}
		lines = append(lines, text(e.D))
	}
	if e, ok := rules.InsertInLevel(b, []string{name}, lines); ok {
		f.WithFix(&rules.Fix{Message: repeatMessage(name), Edits: []rules.Edit{e}})
	}
}

// repeatMessage is the fix's message for a list directive: a constant for
// each of model.ListDirectives (TestRepeatMessage), made neither for each
// finding nor, as a table, in a run that has none.
func repeatMessage(name string) string {
	switch name {
	case "add_header":
		return "repeat the dropped add_header lines here"
	case "add_trailer":
		return "repeat the dropped add_trailer lines here"
	case "proxy_set_header":
		return "repeat the dropped proxy_set_header lines here"
	case "grpc_set_header":
		return "repeat the dropped grpc_set_header lines here"
	case "fastcgi_param":
		return "repeat the dropped fastcgi_param lines here"
	case "uwsgi_param":
		return "repeat the dropped uwsgi_param lines here"
	case "scgi_param":
		return "repeat the dropped scgi_param lines here"
	case "proxy_hide_header":
		return "repeat the dropped proxy_hide_header lines here"
	case "fastcgi_hide_header":
		return "repeat the dropped fastcgi_hide_header lines here"
	case "uwsgi_hide_header":
		return "repeat the dropped uwsgi_hide_header lines here"
	case "scgi_hide_header":
		return "repeat the dropped scgi_hide_header lines here"
	case "grpc_hide_header":
		return "repeat the dropped grpc_hide_header lines here"
	case "proxy_pass_header":
		return "repeat the dropped proxy_pass_header lines here"
	case "fastcgi_pass_header":
		return "repeat the dropped fastcgi_pass_header lines here"
	case "uwsgi_pass_header":
		return "repeat the dropped uwsgi_pass_header lines here"
	case "scgi_pass_header":
		return "repeat the dropped scgi_pass_header lines here"
	case "grpc_pass_header":
		return "repeat the dropped grpc_pass_header lines here"
	}
	return "repeat the dropped " + name + " lines here"
}

// assetSegments are first path segments that hold static assets.
var assetSegments = []string{"static", "assets", "media", "images", "img", "css", "js", "fonts", "font", "libs", "lib",
	"sounds", "lang", "icons", "favicon.ico", "robots.txt", ".well-known", "dist", "build", "vendor", "public", "uploads"}

// assetExtensions are the extensions of files that are not documents.
var assetExtensions = []string{".css", ".js", ".mjs", ".map", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico",
	".webp", ".avif", ".woff", ".woff2", ".ttf", ".txt", ".webmanifest"}

var firstSegRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\^?/\(?(?:\?:)?([A-Za-z0-9_.|\\-]+)\)?/`) })

// servesAssetsOnly reports whether a level serves only static assets
// (stylesheets, scripts, images, fonts), where the document-level
// protections (HSTS is recorded from any response, X-Frame-Options and
// CSP frame-ancestors guard documents) lose nothing: a regex location that
// matches no HTML document or directory, or a location whose first path
// segment names assets.
func servesAssetsOnly(b *model.Block) bool {
	l := b.EnclosingLocation()
	if l == nil || l.Loc == nil {
		return false
	}
	pat := l.Loc.Pattern
	if l.Loc.IsRegex() && l.Loc.Regexp != nil {
		matches := func(probes ...string) bool {
			for _, p := range probes {
				if l.Loc.Regexp.MatchString(p) {
					return true
				}
			}
			return false
		}
		doc := matches("/index.html", "/a/page.html", "/a.htm", "/a/", "/a", "/a/b", "/index.php", "/a.php", "/a.aspx", "/a.jsp", "/a.cgi", "/a.shtml")
		asset := matches("/a.css", "/a.js", "/a.png", "/a.jpg", "/a.gif", "/a.svg", "/a.ico", "/a.woff2", "/a.webp", "/a.map", "/a/b.css", "/a/b.js")
		if !doc && asset {
			return true
		}
		m := firstSegRE().FindStringSubmatch(pat)
		if m == nil {
			return false
		}
		for _, seg := range strings.Split(strings.ReplaceAll(m[1], `\`, ""), "|") {
			if !isOneOf(seg, assetSegments) {
				return false
			}
		}
		return true
	}
	if l.Loc.Modifier == "=" && isOneOf(strings.ToLower(path.Ext(pat)), assetExtensions) {
		return true // location = /service-worker.js: one file, not a document
	}
	seg := strings.Trim(pat, "/")
	if i := strings.IndexByte(seg, '/'); i >= 0 {
		seg = seg[:i]
	}
	return seg != "" && isOneOf(seg, assetSegments)
}

func first(xs []string, n int) []string {
	if len(xs) <= n {
		return xs
	}
	return append(append([]string(nil), xs[:n]...), "...")
}
