package security

import (
	"regexp/syntax"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&mapIfRegex{}) }

type mapIfRegex struct{}

var mapIfRegexMeta = &rules.Meta{
	ID: "SEC012", Name: "map-if-regex-traps", Severity: rules.Warning,
	Doc: rules.Doc{
		Summary: "A map without default compared with a value it never yields (the check never fires), try_files skipped when an if matches, nested quantifiers in a regex matched against the request (ReDoS), and if blocks doing more than return or rewrite.",
		Why: "A map with no default yields an empty string for every value it does not list: if ($allowed = 0) { return 403; } " +
			"never fires when no line of the map yields 0, so everyone passes. An if inside a location is a nested location " +
			"configuration: when its condition holds, the request is served with it, and try_files (not inherited) does not " +
			"run. A regex such as ^/(\\w+)*$ backtracks exponentially in PCRE on a long path that does not match, and the " +
			"client chooses the path. nginx's own advice (\"If is Evil\") is to keep if blocks in locations to return and " +
			"rewrite ... last.",
		Bad:  "map $remote_addr $allowed {\n    10.0.0.1 1;\n}\n\nserver {\n    location /admin/ {\n        if ($allowed = 0) {\n            return 403;\n        }\n    }\n}",
		Good: "map $remote_addr $allowed {\n    default  0;\n    10.0.0.1 1;\n}\n\nserver {\n    location /admin/ {\n        if ($allowed = 0) {\n            return 403;\n        }\n    }\n}",
		Fix: "Give a gating map an explicit default; move try_files out of locations with if, or use return/rewrite in the if; " +
			"write regexes without a quantifier around a group that itself repeats ((\\w+/)* becomes [\\w/]*).",
		SeverityNote: "Warning for the map that never yields the compared value and for try_files skipped by an if; info for " +
			"nested quantifiers (PCRE's JIT and match limits soften them); an if with other directives than return, rewrite, " +
			"set and break is reported only under security: strict.",
		Since: "0.2.0",
		Refs: []string{"https://nginx.org/en/docs/http/ngx_http_map_module.html#map",
			"https://nginx.org/en/docs/http/ngx_http_rewrite_module.html#if",
			"https://github.com/nginxinc/nginx-wiki/blob/master/source/start/topics/depth/ifisevil.rst"},
	},
}

func (*mapIfRegex) Meta() *rules.Meta { return mapIfRegexMeta }

func (*mapIfRegex) Check(p *rules.Pass) {
	// the location blocks a directive opens (one per time its file is
	// included), so that a location is found without reading its
	// parent's children: a server of N locations cost N*N
	opened := map[*parser.Directive][]*model.Block{}
	for _, l := range p.Cfg.Locations {
		if l.Dir != nil && l.Loc != nil {
			opened[l.Dir] = append(opened[l.Dir], l)
		}
	}
	// the nested quantifier of each regex, parsed once: a configuration
	// repeats the same regexes in server after server
	nested := map[string]string{}
	checkReDoS := func(d *parser.Directive, w parser.Word, re string) {
		sub, ok := nested[re]
		if !ok {
			sub = nestedQuantifierOf(re)
			nested[re] = sub
		}
		reportReDoS(p, d, w, re, sub)
	}
	p.Cfg.Walk(func(b *model.Block, e model.Entry) {
		d := e.D
		switch d.Name {
		case "if":
			checkIfMap(p, d)
			if c, ok := model.ParseIf(d); ok && c.IsRegex() && c.OperandWord >= 0 {
				checkReDoS(d, d.Args[c.OperandWord], c.Operand)
			}
		case "location":
			if len(d.Args) > 0 && b.Kind != model.Other {
				for _, ch := range opened[d] {
					if ch.Parent == b && ch.Loc.IsRegex() {
						checkReDoS(d, d.Args[len(d.Args)-1], ch.Loc.Pattern)
					}
				}
			}
		case "rewrite":
			if len(d.Args) > 0 {
				checkReDoS(d, d.Args[0], d.Arg(0))
			}
		}
	})
	// the unit's own maps: those a fragment's siblings lend it are in
	// files whose findings are shown in their own units
	for _, m := range p.Cfg.Maps {
		for _, me := range m.Entries {
			if me.Regex != nil && strings.Contains(strings.ToLower(m.Source), "$") {
				checkReDoS(me.D, me.D.NameW(), me.Key)
			}
		}
	}
	for _, l := range locations(p.Cfg) {
		if l.Kind != model.Location {
			continue
		}
		tf := l.Own("try_files")
		for _, ch := range l.Children {
			if ch.Kind != model.If {
				continue
			}
			if len(tf) > 0 && !endsInIf(ch) {
				p.Report(rules.DirectiveSpan(ch.Dir),
					"when %s matches, nginx serves the request with the if block's configuration, and the try_files of %s (%s) does not run; end the if with return or rewrite ... last, or move the condition out of this location",
					ch.Name(), levelName(l), at(tf[0].At(), ch.Dir.File))
				continue
			}
			if strict(p) {
				for _, e := range ch.Directives {
					switch e.D.Name {
					case "return", "rewrite", "set", "break":
						continue
					}
					p.ReportSev(rules.Warning, rules.DirectiveSpan(e.At()),
						"%s inside %s in a location: an if there is a nested location configuration, and only return and rewrite are sure to do what they say (nginx's \"If is Evil\"); use map, a separate location, or return",
						e.D.Name, ch.Name())
					break
				}
			}
		}
	}
}

// endsInIf reports whether an if block always ends the request there:
// return, or rewrite ... last/break/redirect/permanent.
func endsInIf(b *model.Block) bool {
	for _, e := range b.Directives {
		switch e.D.Name {
		case "return":
			return true
		case "rewrite":
			if len(e.D.Args) >= 3 {
				return true
			}
		}
	}
	return false
}

func checkIfMap(p *rules.Pass, d *parser.Directive) {
	c, ok := model.ParseIf(d)
	if !ok || c.Op != "=" || c.OperandWord < 0 {
		return
	}
	m, _ := p.Cfg.Map(c.Var)
	if m == nil || m.Default != nil || c.Operand == "" || strings.Contains(c.Operand, "$") {
		return
	}
	for _, me := range m.Entries {
		if me.Value == c.Operand || strings.Contains(me.Value, "$") {
			return
		}
	}
	for _, l := range m.Dir.Block.Directives {
		if l.Name == "include" {
			return // entries the model may not see
		}
	}
	p.Report(rules.WordSpan(d, d.Args[c.OperandWord]),
		"if ($%s = %s) never matches: map $%s (%s) has no default and no line yields %q, so every value it does not list gives \"\"; add default %s; to the map",
		c.Var, c.Operand, c.Var, at(m.Dir, d.File), c.Operand, c.Operand)
}

// nestedQuantifierOf returns the quantifier around a group that itself
// repeats in the regex re, "" when there is none or re does not parse.
func nestedQuantifierOf(re string) string {
	r, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		return ""
	}
	return nestedQuantifier(r, false)
}

// reportReDoS reports sub, the nested quantifier of re (nestedQuantifierOf),
// when there is one.
func reportReDoS(p *rules.Pass, d *parser.Directive, w parser.Word, re, sub string) {
	if sub != "" {
		p.ReportSev(opinion(p), rules.WordSpan(d, w),
			"the regex %s repeats %s, a group that itself repeats: on a long input that almost matches, PCRE backtracks exponentially (ReDoS), and the client chooses the input; flatten it (a single character class with one quantifier)",
			re, sub)
	}
}

func nestedQuantifier(r *syntax.Regexp, inRepeat bool) string {
	rep := false
	switch r.Op {
	case syntax.OpStar, syntax.OpPlus:
		rep = true
	case syntax.OpRepeat:
		rep = r.Max == -1 || r.Max > 10
	}
	if rep && inRepeat && variable(r.Sub[0]) {
		return r.String()
	}
	for _, s := range r.Sub {
		if rep {
			if inner := nestedQuantifier(s, true); inner != "" {
				return "(" + r.String() + ")"
			}
			continue
		}
		// a concatenation with more than one variable part is bounded by
		// its literal separators only when they cannot be matched by the
		// repeating parts; keep it simple: only a direct nesting counts
		if inner := nestedQuantifier(s, inRepeat && (r.Op == syntax.OpCapture || r.Op == syntax.OpAlternate || r.Op == syntax.OpConcat && len(r.Sub) == 1)); inner != "" {
			return inner
		}
	}
	return ""
}

// variable reports whether an expression can match strings of different
// lengths made of more than one character.
func variable(r *syntax.Regexp) bool {
	switch r.Op {
	case syntax.OpLiteral, syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return true
	}
	return len(r.Sub) > 0
}
