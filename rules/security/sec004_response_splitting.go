package security

import (
	"strconv"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&splitting{}) }

type splitting struct{}

var splittingMeta = &rules.Meta{
	ID: "SEC004", Name: "crlf-injection", Severity: rules.Error,
	Doc: rules.Doc{
		Summary: "$uri, $document_uri or a capture of the decoded path goes into a response header, a redirect or a header sent to the backend: %0d%0a in the URL injects header lines (HTTP response or request splitting).",
		Why: "nginx decodes the path before it sets $uri and matches locations, so /x%0d%0aSet-Cookie:%20a=b gives a $uri with a " +
			"real CR LF, and a capture such as ([^/]+) keeps it. nginx writes header values as they are: return 302 " +
			"https://$host$uri; answers with a Set-Cookie of the attacker's choosing; add_header X-Path $uri; does the same; " +
			"proxy_set_header or proxy_pass with $uri adds header lines to the request the backend gets. $request_uri, $args " +
			"and $arg_* stay percent-encoded, and a group that cannot match a line feed ((.*), (\\w+)) is safe.",
		Bad:  "server {\n    location / {\n        return 302 https://example.com$uri;\n    }\n}",
		Good: "server {\n    location / {\n        return 302 https://example.com$request_uri;\n    }\n}",
		Fix: "Use $request_uri (encoded, with the query string) instead of $uri, or capture with a group that excludes line " +
			"breaks, such as ([^/\\r\\n]+) or (.+).",
		Since: "0.2.0",
		Refs: []string{"https://nginx.org/en/docs/http/ngx_http_core_module.html#var_uri",
			"https://nginx.org/en/docs/http/ngx_http_core_module.html#var_request_uri"},
	},
}

func (*splitting) Meta() *rules.Meta { return splittingMeta }

// headerArgs returns the arguments of d that nginx writes into a header
// line (of the response, or of the request to the backend), with what the
// header is.
func headerArgs(d *parser.Directive) (args []parser.Word, what string) {
	switch d.Name {
	case "add_header", "add_trailer":
		if len(d.Args) >= 2 {
			return d.Args[1:2], "the response header " + d.Arg(0)
		}
	case "proxy_set_header", "grpc_set_header":
		if len(d.Args) >= 2 {
			return d.Args[1:2], "the header " + d.Arg(0) + " sent to the backend"
		}
	case "proxy_pass":
		if len(d.Args) == 1 {
			return d.Args, "the request line sent to the backend"
		}
	case "return":
		switch len(d.Args) {
		case 1:
			if isURL(d.Arg(0)) {
				return d.Args, "the Location header"
			}
		case 2:
			if code, err := strconv.Atoi(d.Arg(0)); err == nil && model.IsRedirectStatus(code) {
				return d.Args[1:], "the Location header"
			}
		}
	case "rewrite":
		if len(d.Args) >= 2 {
			flag := d.Arg(2)
			if flag == "redirect" || flag == "permanent" || isURL(d.Arg(1)) {
				return d.Args[1:2], "the Location header"
			}
		}
	}
	return nil, ""
}

func isURL(v string) bool {
	l := strings.ToLower(v)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "$scheme://")
}

func (*splitting) Check(p *rules.Pass) {
	st := stateOf(p)
	p.Cfg.Walk(func(b *model.Block, e model.Entry) {
		args, what := headerArgs(e.D)
		if len(args) == 0 || !b.IsLocationLike() && b.Kind != model.Server && b.Kind != model.HTTP {
			return
		}
		for _, w := range args {
			for _, v := range uniq(model.Variables(w.Value)) {
				pv := st.src.Var(b, e.D, v)
				if !pv.Source.Has(model.CarriesCRLF) {
					continue
				}
				p.Report(rules.VarSpan(e.D, w, v),
					"%s puts %s into %s: nginx decodes %%0d%%0a in the path before setting it, so a request for /x%%0d%%0aSet-Cookie:%%20a=b injects a header line (CRLF injection); use $request_uri, which stays encoded, or a capture group that excludes line breaks",
					e.D.Name, pv.String(), what)
			}
		}
	})
}

func uniq(xs []string) []string {
	var out []string
	for _, x := range xs {
		if !contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
