package correctness

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&invalidRegex{}) }

type invalidRegex struct{}

var invalidRegexMeta = &rules.Meta{
	ID: "NGX109", Name: "invalid-regex", Severity: rules.Error,
	Doc: rules.Doc{
		Summary: "A regular expression PCRE2 does not compile, in location, rewrite, if, map or server_name.",
		Why: "nginx compiles these regexes with PCRE2 when it reads the configuration; one that does not compile (an unclosed " +
			"group or class, a quantifier with nothing to repeat, a bad escape) fails nginx -t with `pcre2_compile() failed: ...`. " +
			"PCRE is not Go's RE2: lookarounds, backreferences and (?P<name>) groups are valid and are not reported. ngxlint " +
			"checks with a .NET-compatible engine (regexp2); a regex using PCRE-only syntax it cannot judge (recursion, \\K, " +
			"possessive quantifiers, verbs) is left alone.",
		Bad:   "location ~ ^/(api|ws/ {\n    proxy_pass http://127.0.0.1:8080;\n}",
		Good:  "location ~ ^/(api|ws)/ {\n    proxy_pass http://127.0.0.1:8080;\n}",
		Fix:   "Correct the regex; the message says what PCRE-compatible parsing found wrong.",
		Since: "0.2.0",
		Refs:  []string{"https://nginx.org/en/docs/http/ngx_http_core_module.html#location", "https://www.pcre.org/current/doc/html/pcre2pattern.html"},
	},
}

func (*invalidRegex) Meta() *rules.Meta { return invalidRegexMeta }

func (*invalidRegex) Check(p *rules.Pass) {
	ix := indexOf(p)
	check := func(d *parser.Directive, w parser.Word, re string, caseless bool) {
		checked, err := p.Cfg.CheckPCRE(re, caseless)
		if !checked || err == nil {
			return
		}
		reason := strings.TrimPrefix(err.Error(), "error parsing regexp: ")
		if i := strings.Index(reason, " in `"); i >= 0 {
			reason = reason[:i]
		}
		what := d.Name
		if d.Parent != nil && d.Parent.Name == "map" {
			what = "this map entry"
		}
		p.Report(spanAt(d, rules.WordSpan(d, w)), "the regex %s of %s does not compile (%s): nginx -t: pcre2_compile() failed: ... in \"%s\"%s",
			quoteValue(re), what, reason, re, where(d))
	}
	for _, lv := range ix.levels {
		for _, it := range lv.items {
			d := it.d
			switch {
			case d.Name == "location" && (lv.ctx == spec.CtxHTTPServer || lv.ctx == spec.CtxHTTPLocation):
				switch len(d.Args) {
				case 2:
					switch d.Args[0].Value {
					case "~":
						check(d, d.Args[1], d.Args[1].Value, false)
					case "~*":
						check(d, d.Args[1], d.Args[1].Value, true)
					}
				case 1:
					v := d.Args[0].Value
					if strings.HasPrefix(v, "~*") {
						check(d, d.Args[0], v[2:], true)
					} else if strings.HasPrefix(v, "~") {
						check(d, d.Args[0], v[1:], false)
					}
				}
			case d.Name == "rewrite" && len(d.Args) >= 2 && lv.ctx&(spec.CtxHTTPServer|spec.CtxHTTPLocation|spec.CtxHTTPServerIf|spec.CtxHTTPLocationIf) != 0:
				check(d, d.Args[0], d.Args[0].Value, false)
			case d.Name == "if" && d.Block != nil:
				c, ok := model.ParseIf(d)
				if ok && c.IsRegex() && c.OperandWord >= 0 {
					check(d, d.Args[c.OperandWord], c.Operand, !c.CaseSensitive())
				}
			case d.Name == "server_name" && lv.ctx == spec.CtxHTTPServer:
				for _, a := range d.Args {
					if strings.HasPrefix(a.Value, "~") {
						check(d, a, a.Value[1:], true)
					}
				}
			case d.Name == "map" && d.Block != nil && lv.ctx == spec.CtxHTTPMain:
				for _, e := range d.Block.Directives {
					k := e.Name
					switch {
					case strings.HasPrefix(k, "~*"):
						check(e, e.NameW(), k[2:], true)
					case strings.HasPrefix(k, "~"):
						check(e, e.NameW(), k[1:], false)
					}
				}
			}
		}
	}
}
