package correctness

import (
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&notAllowedHere{}) }

type notAllowedHere struct{}

var notAllowedHereMeta = &rules.Meta{
	ID: "NGX103", Name: "directive-not-allowed-here", Severity: rules.Error,
	Doc: rules.Doc{
		Summary: "A directive nginx knows, written in a context its module does not allow it in (proxy_pass in server, listen in location).",
		Why: "Each directive declares the contexts it may appear in (NGX_HTTP_MAIN_CONF, NGX_HTTP_SRV_CONF, NGX_HTTP_LOC_CONF...); " +
			"anywhere else nginx -t fails with `\"NAME\" directive is not allowed here`. The contexts come from nginx's source. " +
			"A file of server blocks read on its own is taken for a stream{} file when every directive in it fits stream and " +
			"not http; the top level of a file read alone is not judged (its level is a guess). " +
			"Directives inside if blocks are WS012's and a misplaced map is WS011's (they also say what to do instead).",
		Bad:   "server {\n    listen 80;\n    root /srv/www;\n    proxy_pass http://127.0.0.1:8080;\n}",
		Good:  "server {\n    listen 80;\n    root /srv/www;\n    location / {\n        proxy_pass http://127.0.0.1:8080;\n    }\n}",
		Fix:   "Move the directive to a context the message names.",
		Since: "0.2.0",
		Refs:  []string{"https://nginx.org/en/docs/dirindex.html", "https://github.com/nginx/nginx/blob/master/src/core/ngx_conf_file.c"},
	},
}

func (*notAllowedHere) Meta() *rules.Meta { return notAllowedHereMeta }

func (*notAllowedHere) Check(p *rules.Pass) {
	ix := indexOf(p)
	for _, lv := range ix.levels {
		if lv.ctx == spec.CtxHTTPServerIf || lv.ctx == spec.CtxHTTPLocationIf {
			continue // WS012
		}
		if lv.dir == nil && ix.guess {
			// the top of a file read alone: its level is a guess
			continue
		}
		for _, it := range lv.items {
			d := it.d
			if d.Name == "map" {
				continue // WS011
			}
			es := ix.entries(d.Name)
			if len(es) == 0 {
				continue
			}
			if _, ok := ix.entryIn(d.Name, lv.ctx); ok {
				continue
			}
			var allowed spec.Ctx
			for _, e := range es {
				allowed |= e.Ctx
			}
			p.Report(spanAt(d, rules.WordSpan(d, d.NameW())),
				"%s is not allowed in %s: nginx -t: \"%s\" directive is not allowed here%s; nginx takes it in %s",
				d.Name, levelName(lv), d.Name, where(d), allowed)
		}
	}
}

func levelName(lv *level) string {
	if lv.dir == nil {
		switch lv.ctx {
		case spec.CtxMain:
			return "the main context"
		case spec.CtxHTTPMain:
			return "http (this file is read at http level)"
		case spec.CtxHTTPServer:
			return "server (this file is read at server level)"
		case spec.CtxHTTPLocation:
			return "location (this file is read at location level)"
		}
		return lv.ctx.String() + " (this file's level)"
	}
	switch lv.ctx {
	case spec.CtxStreamServer:
		return "server in stream"
	case spec.CtxStreamUpstream:
		return "upstream in stream"
	case spec.CtxMailServer:
		return "server in mail"
	}
	return lv.dir.Name
}
