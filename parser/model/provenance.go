package model

import (
	"regexp/syntax"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/ngxlint/ngxlint/parser"
)

// Source says where a value can come from, as far as an attacker goes.
type Source uint16

// The sources of a value. A value carries the union of its variables'.
const (
	// FromRequest: the client chooses (part of) the value.
	FromRequest Source = 1 << iota
	// CarriesCRLF: the value can hold a CR or LF the client sent
	// percent-encoded, because nginx decoded it: $uri and $document_uri
	// (the normalised, decoded path), and regex captures taken from them
	// whose group can match a line feed. $request_uri, $args and $arg_*
	// stay encoded; header values cannot hold a line break.
	CarriesCRLF
	// FromHostHeader: the value is the Host header as the client sent it,
	// port included and unchecked against server_name ($http_host,
	// $http_x_forwarded_host).
	FromHostHeader
	// FromHost: $host, the Host header normalised (lower case, no port)
	// or the server name; still the client's choice on a catch-all server.
	FromHost
	// FromPath: the request path or arguments ($uri, $request_uri, $args,
	// captures of them).
	FromPath
)

// Has reports whether s has every flag of f.
func (s Source) Has(f Source) bool { return s&f == f }

// Provenance is a value's sources with the variables that bring them.
type Provenance struct {
	Source Source
	// Via lists, for each contributing variable, how it gets its source:
	// "$uri", "$1 (captured by location ~ ^/(.*)$ from $uri)",
	// "$target (set from $arg_url at line 12)".
	Via []string
}

func (p *Provenance) add(q Provenance) {
	if q.Source == 0 {
		return
	}
	p.Source |= q.Source
	for _, v := range q.Via {
		if !contains(p.Via, v) {
			p.Via = append(p.Via, v)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// builtinSource is the source of a built-in variable nginx derives from
// the request (src/http/ngx_http_variables.c).
func builtinSource(name string) Source {
	switch name {
	case "uri", "document_uri":
		return FromRequest | CarriesCRLF | FromPath
	case "request_uri", "args", "query_string", "request":
		return FromRequest | FromPath
	case "http_host", "http_x_forwarded_host", "http_x_host", "http_x_original_host":
		return FromRequest | FromHostHeader
	case "host":
		return FromRequest | FromHost
	case "request_body":
		return FromRequest | CarriesCRLF
	case "remote_user", "request_method", "content_type", "content_length", "cookie":
		return FromRequest
	}
	for _, p := range []string{"arg_", "http_", "cookie_"} {
		if strings.HasPrefix(name, p) && len(name) > len(p) {
			if p == "arg_" {
				return FromRequest | FromPath
			}
			return FromRequest
		}
	}
	return 0
}

// Sources answers where variables come from. Build it once per model
// (NewSources) and ask it for any value; it follows set, map and regex
// captures.
type Sources struct {
	cfg  *Config
	sets map[string][]setDef // set $name by variable name
	// blocks maps every directive to the level it is in; built by the
	// first BlockOf (one entry per directive of the unit: not paid for
	// by the rules that never ask).
	blocks     map[*parser.Directive]*Block
	blocksOnce sync.Once
}

type setDef struct {
	e Entry
	b *Block
}

// NewSources indexes the configuration's set directives.
func NewSources(c *Config) *Sources {
	s := &Sources{cfg: c, sets: map[string][]setDef{}}
	var rec func(b *Block)
	rec = func(b *Block) {
		for _, e := range b.Directives {
			if e.D.Name == "set" && len(e.D.Args) >= 2 {
				n := strings.ToLower(strings.TrimPrefix(e.D.Arg(0), "$"))
				s.sets[n] = append(s.sets[n], setDef{e: e, b: b})
			}
		}
		for _, ch := range b.Children {
			rec(ch)
		}
	}
	rec(c.Main)
	return s
}

// BlockOf returns the level a directive is written at (after includes).
func (s *Sources) BlockOf(d *parser.Directive) *Block {
	s.blocksOnce.Do(func() {
		s.blocks = map[*parser.Directive]*Block{}
		var rec func(b *Block)
		rec = func(b *Block) {
			for _, e := range b.Directives {
				s.blocks[e.D] = b
			}
			for _, ch := range b.Children {
				rec(ch)
			}
		}
		rec(s.cfg.Main)
	})
	return s.blocks[d]
}

// Value returns the provenance of a value written in directive d at level
// b (d may be nil): the union of its variables'.
func (s *Sources) Value(b *Block, d *parser.Directive, value string) Provenance {
	return s.value(b, d, value, 0)
}

func (s *Sources) value(b *Block, d *parser.Directive, value string, depth int) Provenance {
	var p Provenance
	for _, name := range Variables(value) {
		p.add(s.variable(b, d, name, depth))
	}
	return p
}

// Var returns the provenance of one variable (lower case, without '$') as
// seen by directive d at level b.
func (s *Sources) Var(b *Block, d *parser.Directive, name string) Provenance {
	return s.variable(b, d, strings.ToLower(name), 0)
}

const maxDepth = 4

func (s *Sources) variable(b *Block, d *parser.Directive, name string, depth int) Provenance {
	if depth > maxDepth {
		return Provenance{}
	}
	if isDigits(name) {
		n, _ := strconv.Atoi(name)
		return s.capture(b, d, n, "", depth)
	}
	if m, ok := s.cfg.Maps[name]; ok {
		return s.mapSource(m, b, depth)
	}
	if defs := s.setsFor(b, name); len(defs) > 0 {
		var p Provenance
		for _, def := range defs {
			q := s.value(def.b, def.e.D, def.e.D.Arg(1), depth+1)
			if q.Source != 0 {
				p.add(Provenance{Source: q.Source, Via: []string{"$" + name + " (set from " + strings.Join(q.Via, ", ") + " at line " + strconv.Itoa(def.e.D.File.Position(def.e.D.Start()).Line) + ")"}})
			}
		}
		return p
	}
	if name == "uri" || name == "document_uri" {
		if loc := b.EnclosingLocation(); loc != nil && len(loc.Own("rewrite")) > 0 {
			return s.uriBefore(loc, d, depth)
		}
	}
	if src := builtinSource(name); src != 0 {
		return Provenance{Source: src, Via: []string{"$" + name}}
	}
	if _, ok := s.cfg.Defined[name]; ok {
		// a named capture of a regex (location, rewrite, if, server_name)
		return s.capture(b, d, -1, name, depth)
	}
	return Provenance{}
}

// uriBefore is the provenance of $uri in location l when directive stop
// runs (nil: in the content phase, after every rewrite): a rewrite that
// does not end in a redirect sets the URI to its replacement, so after
// "rewrite ^ $request_uri;" $uri holds the encoded request URI, and the
// captures of a later rewrite come from that. A rewrite whose regex may
// not match leaves the previous URI possible too.
func (s *Sources) uriBefore(l *Block, stop *parser.Directive, depth int) Provenance {
	cur := Provenance{Source: builtinSource("uri"), Via: []string{"$uri"}}
	if depth > maxDepth {
		return cur
	}
	for _, e := range l.Own("rewrite") {
		if e.D == stop {
			break
		}
		if len(e.D.Args) < 2 {
			continue
		}
		flag, repl := e.D.Arg(2), e.D.Arg(1)
		lower := strings.ToLower(repl)
		if flag == "redirect" || flag == "permanent" || strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "$scheme") {
			continue
		}
		if i := strings.IndexByte(repl, '?'); i >= 0 {
			repl = repl[:i] // the arguments part does not go into $uri
		}
		var next Provenance
		for _, v := range Variables(repl) {
			switch {
			case v == "uri" || v == "document_uri":
				next.add(cur)
			case isDigits(v):
				n, _ := strconv.Atoi(v)
				next.add(regexCapture(e.D.Arg(0), n, "", cur, "rewrite "+e.D.Arg(0)))
			case hasNamedGroup(e.D.Arg(0), v):
				next.add(regexCapture(e.D.Arg(0), -1, v, cur, "rewrite "+e.D.Arg(0)))
			default:
				next.add(s.variable(l, e.D, v, depth+1))
			}
		}
		if re, err := syntax.Parse(e.D.Arg(0), syntax.Perl); err == nil && matchesEverything(re) {
			cur = next
		} else {
			cur.add(next)
		}
	}
	return cur
}

// matchesEverything reports whether a regex matches every string (it can
// match the empty string at the start: "^", "", "^.*").
func matchesEverything(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpBeginText:
		return true
	case syntax.OpStar, syntax.OpQuest:
		return true
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !matchesEverything(sub) {
				return false
			}
		}
		return true
	case syntax.OpCapture:
		return matchesEverything(re.Sub[0])
	}
	return false
}

// setsFor returns the set directives for a variable that a request served
// at b runs: those in b's chain of levels, else any in the configuration
// (a variable set before an internal redirect keeps its value).
func (s *Sources) setsFor(b *Block, name string) []setDef {
	all := s.sets[name]
	if len(all) == 0 {
		return nil
	}
	var chain []setDef
	for _, def := range all {
		if b != nil && isAncestor(def.b, b) || b != nil && def.b.Parent != nil && def.b.Kind == If && isAncestor(def.b.Parent, b) {
			chain = append(chain, def)
		}
	}
	if len(chain) > 0 {
		return chain
	}
	return all
}

// mapSource is the union of what a map can yield: its values, with the
// captures of its regex keys taken from the map's source.
func (s *Sources) mapSource(m *Map, b *Block, depth int) Provenance {
	var p Provenance
	src := s.value(b, nil, m.Source, depth+1)
	entries := append([]*MapEntry(nil), m.Entries...)
	if m.Default != nil {
		entries = append(entries, m.Default)
	}
	for _, e := range entries {
		for _, v := range Variables(e.Value) {
			var q Provenance
			if e.Regex != nil || e.RegexErr != nil {
				if n, err := strconv.Atoi(v); err == nil {
					q = regexCapture(e.Key, n, "", src, "map "+m.Source+" $"+m.Target)
				} else if hasNamedGroup(e.Key, v) {
					q = regexCapture(e.Key, -1, v, src, "map "+m.Source+" $"+m.Target)
				}
			}
			if q.Source == 0 {
				q = s.variable(b, nil, v, depth+1)
			}
			p.add(q)
		}
	}
	if p.Source != 0 {
		return Provenance{Source: p.Source, Via: []string{"$" + m.Target + " (map of " + strings.Join(p.Via, ", ") + ")"}}
	}
	return p
}

// regexSource is a regular expression matched at runtime and what it is
// matched against.
type regexSource struct {
	re   string
	from Provenance
	what string // "location ~ ^/(.*)$", "rewrite ^/(.*)$", "if ($http_x ~ ...)"
}

// captureRegexes returns the regexes whose captures may be in effect for
// directive d at level b: the rewrite or if being evaluated, rewrites and if
// conditions of the levels up to the location, the enclosing locations'
// regexes, and the server's regex names.
func (s *Sources) captureRegexes(b *Block, d *parser.Directive, depth int) []regexSource {
	uri := Provenance{Source: builtinSource("uri"), Via: []string{"$uri"}}
	var out []regexSource
	if d != nil && d.Name == "rewrite" && len(d.Args) >= 1 {
		from := uri
		if loc := b.EnclosingLocation(); loc != nil {
			from = s.uriBefore(loc, d, depth+1)
		}
		return []regexSource{{re: d.Arg(0), from: from, what: "rewrite " + d.Arg(0)}}
	}
	ifRegex := func(l *Block) {
		if l.Kind != If || l.Dir == nil {
			return
		}
		c, ok := ParseIf(l.Dir)
		if !ok || !c.IsRegex() {
			return
		}
		from := s.variable(l.Parent, nil, c.Var, depth+1)
		out = append(out, regexSource{re: c.Operand, from: from, what: "if ($" + c.Var + " " + c.Op + " " + c.Operand + ")"})
	}
	for l := b; l != nil; l = l.Parent {
		ifRegex(l)
		for _, e := range l.Own("rewrite") {
			from := uri
			if l.Kind == Location {
				from = s.uriBefore(l, e.D, depth+1)
			}
			out = append(out, regexSource{re: e.D.Arg(0), from: from, what: "rewrite " + e.D.Arg(0)})
		}
		if l.Kind == Location {
			for _, ch := range l.Children {
				if ch.Kind == If && !isAncestor(ch, b) {
					ifRegex(ch)
				}
			}
			if l.Loc != nil && l.Loc.IsRegex() {
				out = append(out, regexSource{re: l.Loc.Pattern, from: uri, what: "location " + l.Loc.String()})
			}
		}
		if l.Kind == Server {
			host := Provenance{Source: FromRequest | FromHost, Via: []string{"the Host header"}}
			for _, e := range l.Own("server_name") {
				for _, a := range e.D.Args {
					if strings.HasPrefix(a.Value, "~") {
						out = append(out, regexSource{re: a.Value[1:], from: host, what: "server_name " + a.Value})
					}
				}
			}
			break
		}
	}
	return out
}

// capture returns the provenance of capture n (or of the named capture)
// as seen by d at b: the union over the regexes that may have set it.
func (s *Sources) capture(b *Block, d *parser.Directive, n int, named string, depth int) Provenance {
	if b == nil {
		return Provenance{}
	}
	var p Provenance
	for _, r := range s.captureRegexes(b, d, depth) {
		if named != "" && !hasNamedGroup(r.re, named) {
			continue
		}
		p.add(regexCapture(r.re, n, named, r.from, r.what))
	}
	return p
}

// regexCapture is the provenance of group n (or the named group) of re
// matched against a value of provenance from. The group carries from's
// sources, except CarriesCRLF when the group cannot match a line feed
// (nginx's PCRE, like Go, has '.' stop at a line feed). A regex Go cannot
// read keeps everything but CarriesCRLF: the evidence is too weak.
func regexCapture(re string, n int, named string, from Provenance, what string) Provenance {
	if from.Source == 0 {
		return Provenance{}
	}
	flags := syntax.Perl
	r, err := syntax.Parse(re, flags)
	src := from.Source
	if err != nil {
		src &^= CarriesCRLF
	} else {
		g := findGroup(r, n, named)
		if g == nil {
			return Provenance{}
		}
		if !canMatchLF(g) {
			src &^= CarriesCRLF
		}
	}
	ref := "$" + named
	if named == "" {
		ref = "$" + strconv.Itoa(n)
	}
	return Provenance{Source: src, Via: []string{ref + " (captured by " + what + " from " + strings.Join(from.Via, ", ") + ")"}}
}

func hasNamedGroup(re, name string) bool {
	for _, m := range namedCapture().FindAllStringSubmatch(re, -1) {
		if strings.EqualFold(m[1]+m[2], name) {
			return true
		}
	}
	return false
}

// findGroup returns capture group n (0: the whole expression) or the
// named group, nil when there is none.
func findGroup(r *syntax.Regexp, n int, named string) *syntax.Regexp {
	if named == "" && n == 0 {
		return r
	}
	if r.Op == syntax.OpCapture && (named != "" && strings.EqualFold(r.Name, named) || named == "" && r.Cap == n) {
		return r
	}
	for _, s := range r.Sub {
		if g := findGroup(s, n, named); g != nil {
			return g
		}
	}
	return nil
}

// canMatchLF reports whether some string the expression matches holds a
// line feed.
func canMatchLF(r *syntax.Regexp) bool {
	switch r.Op {
	case syntax.OpAnyChar:
		return true
	case syntax.OpLiteral:
		for _, c := range r.Rune {
			if c == '\n' {
				return true
			}
		}
		return false
	case syntax.OpCharClass:
		for i := 0; i+1 < len(r.Rune); i += 2 {
			if r.Rune[i] <= '\n' && '\n' <= r.Rune[i+1] {
				return true
			}
		}
		return false
	}
	for _, s := range r.Sub {
		if canMatchLF(s) {
			return true
		}
	}
	return false
}

// String lists how the value gets its sources, sorted.
func (p Provenance) String() string {
	v := append([]string(nil), p.Via...)
	sort.Strings(v)
	return strings.Join(v, ", ")
}
