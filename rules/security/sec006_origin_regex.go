package security

import (
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&originRegex{}) }

type originRegex struct{}

var originRegexMeta = &rules.Meta{
	ID: "SEC006", Name: "weak-origin-check", Severity: rules.Warning,
	Doc: rules.Doc{
		Summary: "A regex that checks Origin or Referer (if, map, valid_referers) also matches a domain the attacker can own; valid_referers none or blocked lets requests without a real Referer through.",
		Why: "nginx's regexes search anywhere in the value unless anchored: ~ example.com matches https://example.com.attacker.net " +
			"and https://attackerexample.com, and an unescaped dot matches any character (wwwxexample.com). A CORS or CSRF " +
			"check built on such a regex lets the attacker's site in. valid_referers none accepts requests with no Referer " +
			"and blocked accepts any value without a scheme, both of which a script or a curl command can send.",
		Bad:  "server {\n    location /api/ {\n        if ($http_origin ~* \"example.com\") {\n            add_header Access-Control-Allow-Origin $http_origin;\n        }\n    }\n}",
		Good: "server {\n    location /api/ {\n        if ($http_origin ~* \"^https://(www\\.)?example\\.com$\") {\n            add_header Access-Control-Allow-Origin $http_origin;\n        }\n    }\n}",
		Fix: "Anchor the regex at both ends, spell the scheme, and escape every dot: ^https://([a-z0-9-]+\\.)?example\\.com$. " +
			"For valid_referers, drop none and blocked where the referer check is a security control.",
		SeverityNote: "Warning when ngxlint finds an origin or referer the regex accepts outside the intended domain (the message " +
			"names it); info for none and blocked in valid_referers (hotlink protection often wants them), warning under " +
			"security: strict.",
		Since: "0.2.0",
		Refs: []string{"https://nginx.org/en/docs/http/ngx_http_rewrite_module.html#if",
			"https://nginx.org/en/docs/http/ngx_http_referer_module.html#valid_referers"},
	},
}

func (*originRegex) Meta() *rules.Meta { return originRegexMeta }

var domainRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?:[A-Za-z0-9-]+(?:\\\.|\.))+[A-Za-z]{2,}`) })

// bypass returns an origin (or referer) the regex accepts whose host is not
// the domain the regex names, and why; "" when none is found.
func bypass(re *regexp.Regexp, raw string, withScheme bool) (string, string) {
	for _, m := range domainRE().FindAllString(raw, -1) {
		d := strings.ReplaceAll(m, `\`, "")
		type cand struct{ s, why string }
		var cs []cand
		pre := ""
		if withScheme {
			pre = "https://"
		}
		cs = append(cs,
			cand{pre + d + ".attacker.invalid", "nothing anchors the end"},
			cand{pre + "attacker" + d, "nothing anchors the start of the host"},
			cand{pre + "attacker.invalid/" + d, "nothing anchors the start"},
			cand{pre + "attacker.invalid/?" + d, "nothing anchors the start"},
		)
		// an unescaped dot in the domain, other than the last one
		idx := strings.LastIndex(d, ".")
		for i := 0; i < idx; i++ {
			if d[i] == '.' {
				cs = append(cs, cand{pre + d[:i] + "x" + d[i+1:], "the dot after \"" + d[:i] + "\" is not escaped"})
			}
		}
		for _, c := range cs {
			if !re.MatchString(c.s) {
				continue
			}
			u, err := url.Parse(ensureScheme(c.s))
			if err != nil {
				continue
			}
			h := strings.ToLower(u.Hostname())
			if h == strings.ToLower(d) || strings.HasSuffix(h, "."+strings.ToLower(d)) {
				continue
			}
			return c.s, c.why
		}
	}
	return "", ""
}

func ensureScheme(s string) string {
	if strings.Contains(s, "://") {
		return s
	}
	return "https://" + s
}

func compileNginx(re string, caseless bool) (*regexp.Regexp, error) {
	if caseless {
		return regexp.Compile("(?i)" + re)
	}
	return regexp.Compile(re)
}

func (*originRegex) Check(p *rules.Pass) {
	report := func(d *parser.Directive, w parser.Word, header, raw string, caseless, withScheme bool) {
		re, err := compileNginx(raw, caseless)
		if err != nil {
			return
		}
		if s, why := bypass(re, raw, withScheme); s != "" {
			p.Report(rules.WordSpan(d, w),
				"the %s check %s also accepts %s (%s), a domain the attacker can own; anchor it at both ends and escape the dots, e.g. ^https://(www\\.)?example\\.com$",
				header, raw, s, why)
		}
	}
	p.Cfg.Walk(func(b *model.Block, e model.Entry) {
		d := e.D
		switch d.Name {
		case "if":
			c, ok := model.ParseIf(d)
			if !ok || !c.IsRegex() || c.OperandWord < 0 || (c.Var != "http_origin" && c.Var != "http_referer") {
				return
			}
			header := "Origin"
			if c.Var == "http_referer" {
				header = "Referer"
			}
			report(d, d.Args[c.OperandWord], header, c.Operand, strings.Contains(c.Op, "*"), true)
		case "map":
			if b.Kind == model.Other || !strings.EqualFold(d.Arg(0), "$http_origin") {
				return
			}
			m, _ := p.Cfg.Map(strings.ToLower(strings.TrimPrefix(d.Arg(1), "$")))
			if m == nil {
				return
			}
			for _, me := range m.Entries {
				if me.Regex == nil || me.Value == "" || me.Value == "0" {
					continue
				}
				report(me.D, me.D.NameW(), "Origin", me.Key, strings.HasPrefix(me.D.Name, "~*"), true)
			}
		case "valid_referers":
			for _, a := range d.Args {
				v := a.Value
				switch {
				case strings.HasPrefix(v, "~"):
					report(d, a, "Referer", v[1:], true, false)
				case strings.EqualFold(v, "none") || strings.EqualFold(v, "blocked"):
					what := "requests without a Referer"
					if strings.EqualFold(v, "blocked") {
						what = "any Referer without http:// or https:// (Referer: x)"
					}
					p.ReportSev(opinion(p), rules.WordSpan(d, a),
						"valid_referers %s accepts %s, which any script or curl can send; drop it where the referer check protects something",
						v, what)
				}
			}
		}
	})
}
