package websocket

import (
	"strings"
	"unicode/utf8"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&valueTypo{}) }

type valueTypo struct{}

var valueTypoMeta = &rules.Meta{
	ID: "WS009", Name: "value-or-variable-typo", Severity: rules.Error, Fixable: true,
	Doc: rules.Doc{
		Summary: "A Connection value, a map value or an $http_ variable misspells upgrade or connection.",
		Why: "nginx -t accepts all of these and the handshake fails at run time with 400: " +
			"proxy_set_header Connection \"ugrade\" (the spelling of a widely copied blog post) sends a token no server knows; " +
			"a map value ugrade does the same; and $http_upgarde is valid to nginx because $http_ is a prefix family matching any " +
			"request header, so it is simply empty and no Upgrade is sent.",
		Bad:   "proxy_set_header Upgrade $http_upgarde;\nproxy_set_header Connection \"ugrade\";",
		Good:  "proxy_set_header Upgrade $http_upgrade;\nproxy_set_header Connection \"upgrade\";",
		Fix:   "Correct the spelling; ngxlint fix does.",
		Since: "0.1.0",
		Refs:  []string{"https://nginx.org/en/docs/http/websocket.html", "https://nginx.org/en/docs/http/ngx_http_map_module.html#map"},
	},
}

func (*valueTypo) Meta() *rules.Meta { return valueTypoMeta }

func (*valueTypo) Check(p *rules.Pass) {
	connMaps := map[string]bool{}
	walk(p, func(_ *model.Block, e model.Entry) {
		d := e.D
		if d.Name == "proxy_set_header" && len(d.Args) == 2 &&
			(strings.EqualFold(d.Args[0].Value, "Connection") || isTypoOf(d.Args[0].Value, "connection")) {
			checkUpgradeTokens(p, d, d.Args[1], "proxy_set_header Connection")
			for _, v := range model.Variables(d.Args[1].Value) {
				connMaps[v] = true
			}
		}
		for _, w := range model.ScriptArgs(d) {
			checkHTTPVarTypos(p, d, w)
		}
	})
	// the unit's own maps: those a fragment's siblings lend it are in
	// files whose findings are shown in their own units
	for name, m := range p.Cfg.Maps {
		if !connMaps[name] && !strings.EqualFold(m.Source, "$http_upgrade") {
			continue
		}
		for _, me := range append(m.Entries, m.Default) {
			if me != nil {
				checkUpgradeTokens(p, me.D, me.ValueWord(), "map $"+m.Target+" value")
			}
		}
	}
}

// checkUpgradeTokens reports tokens of a value that misspell "upgrade".
func checkUpgradeTokens(p *rules.Pass, d *parser.Directive, w parser.Word, what string) {
	if strings.Contains(w.Value, "$") {
		return
	}
	for _, tok := range tokens(w.Value) {
		if isTypoOf(tok, "upgrade") {
			fixed := strings.Replace(w.Value, tok, "upgrade", 1)
			p.Report(rules.WordSpan(d, w),
				"%s %q is a misspelling of %q: nginx -t accepts it, but the backend finds no upgrade token in Connection and answers 400",
				what, tok, "upgrade").
				WithFix(&rules.Fix{Message: "spell it upgrade", Edits: []rules.Edit{rules.ReplaceWord(d, w, fixed)}})
			return
		}
	}
}

// httpVarRefs returns where each $http_NAME (or ${http_NAME}) of s is, as
// FindAllStringSubmatchIndex of `(?i)\$\{?http_([a-z0-9_]+)\}?` gives it
// (the match, then the name), without compiling that regexp. As (?i)
// folds, the name's letters are either case or the long s and the Kelvin
// sign. At each '$' a '{' is taken when there is one (without it
// "http_" would have to start at the '{'), the name is as long as it
// goes, and a '}' after it is part of the match. TestHTTPVarRefsAsRegexp
// and FuzzHTTPVarRefs check it against the regexp.
func httpVarRefs(s string) [][4]int {
	var out [][4]int
	for i := 0; i < len(s); {
		k := strings.IndexByte(s[i:], '$')
		if k < 0 {
			break
		}
		start := i + k
		j := start + 1
		if j < len(s) && s[j] == '{' {
			j++
		}
		if len(s)-j < 5 || !strings.EqualFold(s[j:j+5], "http_") {
			i = start + 1
			continue
		}
		j += 5
		name := j
		for j < len(s) {
			n := httpVarNameRune(s[j:])
			if n == 0 {
				break
			}
			j += n
		}
		if j == name {
			i = start + 1
			continue
		}
		end := j
		if end < len(s) && s[end] == '}' {
			end++
		}
		out = append(out, [4]int{start, end, name, j})
		i = end
	}
	return out
}

// httpVarNameRune returns the length of the rune s starts with when it is
// in (?i)[a-z0-9_], 0 when it is not.
func httpVarNameRune(s string) int {
	c := s[0]
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_':
		return 1
	case c < utf8.RuneSelf:
		return 0
	}
	if r, n := utf8.DecodeRuneInString(s); r == '\u017f' || r == '\u212a' { // long s, Kelvin sign
		return n
	}
	return 0
}

// checkHTTPVarTypos reports $http_ variables that misspell a WebSocket header.
func checkHTTPVarTypos(p *rules.Pass, d *parser.Directive, w parser.Word) {
	raw := d.File.Raw(w)
	for _, m := range httpVarRefs(raw) {
		suffix := raw[m[2]:m[3]]
		for _, want := range []string{"upgrade", "connection"} {
			if !isTypoOf(suffix, want) {
				continue
			}
			at := rules.Span{File: d.File, Start: int(w.Start) + m[0], End: int(w.Start) + m[1]}
			p.Report(at,
				"$http_%s is a misspelling of $http_%s: nginx -t accepts any $http_ name (it matches a request header), so it is always empty here and no %s is sent; the WebSocket handshake fails with 400",
				suffix, want, map[string]string{"upgrade": "Upgrade", "connection": "Connection"}[want]).
				WithFix(&rules.Fix{Message: "use $http_" + want, Edits: []rules.Edit{{File: d.File, Start: int(w.Start) + m[2], End: int(w.Start) + m[3], New: want}}})
			return
		}
	}
}
