package correctness

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&argumentCount{}) }

type argumentCount struct{}

var argumentCountMeta = &rules.Meta{
	ID: "NGX104", Name: "invalid-argument-count", Severity: rules.Error, Fixable: true,
	Doc: rules.Doc{
		Summary: "A directive with more or fewer arguments than nginx takes, a block directive without its {, or a simple directive given a block.",
		Why: "Each directive declares how many arguments it takes (NGX_CONF_TAKE1, TAKE12, FLAG, 1MORE...) and whether it opens a " +
			"block. nginx -t fails with `invalid number of arguments in \"NAME\" directive`, `directive \"NAME\" has no opening \"{\"` " +
			"or `directive \"NAME\" is not terminated by \";\"`. A forgotten ; is the usual cause: the next line's words become " +
			"arguments, and nginx reports the line where the merged directive finally ends.",
		Bad:   "location / {\n    root /srv/www\n    index index.html;\n}",
		Good:  "location / {\n    root /srv/www;\n    index index.html;\n}",
		Fix:   "Give the directive the arguments the message names. ngxlint fix adds a missing ; when the words after the line break start with a directive nginx knows and the directive then has a valid argument count.",
		Since: "0.2.0",
		Refs:  []string{"https://nginx.org/en/docs/dirindex.html", "https://github.com/nginx/nginx/blob/master/src/core/ngx_conf_file.c"},
	},
}

func (*argumentCount) Meta() *rules.Meta { return argumentCountMeta }

func (*argumentCount) Check(p *rules.Pass) {
	ix := indexOf(p)
	for _, lv := range ix.levels {
		for _, it := range lv.items {
			d := it.d
			e, ok := ix.entryIn(d.Name, lv.ctx)
			if !ok {
				continue
			}
			if (d.Name == "map" || d.Name == "geo") && d.Block != nil && d.Block.Lua == nil {
				checkPairs(p, d)
			}
			if d.Block != nil && d.Block.Lua == nil && spec.HandlerBody(d.Name) {
				checkNoBlocks(p, d)
			}
			// the span is computed for findings only (it reads line positions)
			at := func() rules.Span { return spanAt(d, rules.DirectiveSpan(d)) }
			switch {
			case e.Block() && d.Block == nil:
				p.Report(at(), "%s opens a block but has none: nginx -t: directive \"%s\" has no opening \"{\"%s", d.Name, d.Name, where(d))
				continue
			case !e.Block() && d.Block != nil && d.Block.Lua == nil:
				p.Report(at(), "%s takes no block: nginx -t: directive \"%s\" is not terminated by \";\"%s", d.Name, d.Name, where(d))
				continue
			}
			if e.ArgsOK(len(d.Args)) {
				continue
			}
			msg := d.Name + " takes " + argShape(e) + ", not " + plural(len(d.Args), "argument") +
				": nginx -t: invalid number of arguments in \"" + d.Name + "\" directive" + where(d)
			f := p.Report(at(), "%s", msg)
			if fix := missingSemicolon(d, e, lv.ctx); fix != nil {
				f.Message += "; a ; is missing after " + quoteWord(d, fix.after) + " on line " + itoa(d.File.Position(int(fix.after.End)).Line)
				f.WithFix(&rules.Fix{Message: "end " + d.Name + " with ;", Edits: []rules.Edit{{File: d.File, Start: int(fix.after.End), End: int(fix.after.End), New: ";"}}})
			}
		}
	}
}

type semicolonFix struct{ after parser.Word }

// missingSemicolon finds the break where a ; was forgotten: the first
// line break inside the directive after which a word names a directive
// nginx takes here, such that the directive is complete before it.
func missingSemicolon(d *parser.Directive, e spec.Directive, ctx spec.Ctx) *semicolonFix {
	if d.Block != nil {
		return nil
	}
	words := append([]parser.Word{d.NameW()}, d.Args...)
	for i := 1; i < len(words); i++ {
		prev, w := words[i-1], words[i]
		if d.File.Position(int(prev.End)).Line == d.File.Position(int(w.Start)).Line || d.File.QuoteOf(w) != 0 {
			continue
		}
		if _, _, ok := spec.In(w.Value, ctx); !ok {
			continue
		}
		if !e.ArgsOK(i - 1) {
			return nil
		}
		return &semicolonFix{after: prev}
	}
	return nil
}

func quoteWord(d *parser.Directive, w parser.Word) string {
	raw := d.File.Raw(w)
	if len(raw) > 40 {
		raw = raw[:37] + "..."
	}
	return raw
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return itoa(n) + " " + what + "s"
}

// argShape says in words what the argument flags allow.
func argShape(e spec.Directive) string {
	a := e.Args
	switch {
	case a&spec.ArgFlag != 0:
		return "one argument, on or off"
	case a&spec.Arg1More != 0:
		return "one or more arguments"
	case a&spec.Arg2More != 0:
		return "two or more arguments"
	}
	var ns []string
	if a&spec.ArgNoArgs != 0 {
		ns = append(ns, "0")
	}
	for i := 1; i <= 7; i++ {
		if a&(spec.ArgTake1<<(i-1)) != 0 {
			ns = append(ns, itoa(i))
		}
	}
	switch len(ns) {
	case 0:
		return "no arguments"
	case 1:
		if ns[0] == "0" {
			return "no arguments"
		}
		if ns[0] == "1" {
			return "exactly 1 argument"
		}
		return "exactly " + ns[0] + " arguments"
	}
	return strings.Join(ns[:len(ns)-1], ", ") + " or " + ns[len(ns)-1] + " arguments"
}

// checkPairs checks the lines of a map or geo body, which their module
// reads as key-value pairs (ngx_http_map, ngx_http_geo): two words, or one
// of the single-word switches.
func checkPairs(p *rules.Pass, m *parser.Directive) {
	single := map[string]bool{"hostnames": true, "volatile": true}
	if m.Name == "geo" {
		single = map[string]bool{"ranges": true, "proxy_recursive": true}
	}
	for _, d := range m.Block.Directives {
		n := 1 + len(d.Args)
		if d.Block != nil || n == 2 || n == 1 && single[d.Name] {
			continue
		}
		p.Report(spanAt(d, rules.DirectiveSpan(d)), "a line of %s takes a key and a value, not %s: nginx -t: invalid number of the %s parameters%s",
			m.Name, plural(n, "word"), m.Name, where(d))
	}
}

// checkNoBlocks reports a block opened in the body of a block nginx reads
// through its module's handler (types, map, geo, split_clients,
// charset_map): often the body's } was lost, and the next block is read
// as one of its lines.
func checkNoBlocks(p *rules.Pass, m *parser.Directive) {
	noBlocks(p, m, m.Block.Directives, 0)
}

// noBlocks checks the lines of a handler body, and the files an include
// among them reads (types, map and geo read includes in their body).
func noBlocks(p *rules.Pass, m *parser.Directive, ds []*parser.Directive, depth int) {
	for _, d := range ds {
		if d.Name == "include" && d.Block == nil && m.Name != "split_clients" && m.Name != "charset_map" && depth < maxDepth {
			for _, f := range d.Included() {
				noBlocks(p, m, f.Top, depth+1)
			}
			continue
		}
		if d.Block == nil || d.Block.Lua != nil {
			continue
		}
		open := int(d.Block.Open)
		line := itoa(d.File.Position(open).Line)
		p.Report(rules.Span{File: d.File, Start: open, End: open + 1},
			"a block opens inside %s (%s), whose lines are values, not directives (is the } of %s missing?): nginx -t: unexpected \"{\" in %s:%s",
			m.Name, rules.Line(m, d.File), m.Name, d.File.Path, line)
	}
}
