package model

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
)

// LocationSpec is what a location directive matches.
type LocationSpec struct {
	Modifier string // "", "=", "^~", "~", "~*" or "@"
	Pattern  string // the URI prefix, exact URI, regex, or name (without '@')
	Regexp   *regexp.Regexp
	// RegexErr is set when Go cannot compile nginx's PCRE regex (look-around,
	// back-references); matching against it is then unknown.
	RegexErr error
}

func (s *LocationSpec) String() string {
	switch s.Modifier {
	case "":
		return s.Pattern
	case "@":
		return "@" + s.Pattern
	}
	return s.Modifier + " " + s.Pattern
}

// IsRegex reports whether the location is a regular expression.
func (s *LocationSpec) IsRegex() bool { return s.Modifier == "~" || s.Modifier == "~*" }

// IsNamed reports whether the location is a named location (@name).
func (s *LocationSpec) IsNamed() bool { return s.Modifier == "@" }

// parseLocation reads "location [=|~|~*|^~] uri" and "location @name", with
// the modifier written apart or glued to the pattern, as nginx accepts both.
//
// Locations that read the same share one LocationSpec (a large
// configuration repeats the same few in every server): it is never changed
// once made.
func (c *Config) parseLocation(d *parser.Directive) *LocationSpec {
	var s LocationSpec
	switch len(d.Args) {
	case 1:
		p := d.Args[0].Value
		switch {
		case strings.HasPrefix(p, "@"):
			s.Modifier, s.Pattern = "@", p[1:]
		case strings.HasPrefix(p, "=") && len(p) > 1:
			s.Modifier, s.Pattern = "=", p[1:]
		case strings.HasPrefix(p, "^~") && len(p) > 2:
			s.Modifier, s.Pattern = "^~", p[2:]
		case strings.HasPrefix(p, "~*") && len(p) > 2:
			s.Modifier, s.Pattern = "~*", p[2:]
		case strings.HasPrefix(p, "~") && len(p) > 1:
			s.Modifier, s.Pattern = "~", p[1:]
		default:
			s.Pattern = p
		}
	case 2:
		s.Modifier, s.Pattern = d.Args[0].Value, d.Args[1].Value
	default:
		s.Pattern = d.Arg(0)
	}
	key := locKey{s.Modifier, s.Pattern}
	if shared := c.locSpecs[key]; shared != nil {
		return shared
	}
	if s.IsRegex() {
		expr := s.Pattern
		if s.Modifier == "~*" {
			expr = "(?i)" + expr
		}
		s.Regexp, s.RegexErr = c.compile(expr)
	}
	if c.locSpecs == nil {
		c.locSpecs = map[locKey]*LocationSpec{}
	}
	c.locSpecs[key] = &s
	return &s
}

// locKey is what a location directive writes: its modifier and pattern.
type locKey struct{ modifier, pattern string }

type compiledRe struct {
	re  *regexp.Regexp
	err error
}

// compile compiles a location's regex once per configuration: thousands
// of servers often repeat the same few (static files by extension), and
// a *regexp.Regexp is safe to share. Only Build calls it.
func (c *Config) compile(expr string) (*regexp.Regexp, error) {
	if r, ok := c.regexps[expr]; ok {
		return r.re, r.err
	}
	var shared *parser.Shared // the units of a load share what they compile
	if c.Unit != nil {
		shared = c.Unit.Shared
	}
	r := shared.Get(regexKey{expr}, func() any {
		re, err := regexp.Compile(expr)
		return compiledRe{re, err}
	}).(compiledRe)
	if c.regexps == nil {
		c.regexps = map[string]compiledRe{}
	}
	c.regexps[expr] = r
	return r.re, r.err
}

type regexKey struct{ expr string }

type pcreKey struct {
	re       string
	caseless bool
}

type pcreResult struct {
	checked bool
	err     error
}

// CheckPCRE is CheckPCRE(re, caseless), worked out once per load for the
// units that share it (fragments repeat the same few regexes).
func (c *Config) CheckPCRE(re string, caseless bool) (checked bool, err error) {
	var shared *parser.Shared
	if c.Unit != nil {
		shared = c.Unit.Shared
	}
	r := shared.Get(pcreKey{re, caseless}, func() any {
		checked, err := CheckPCRE(re, caseless)
		return pcreResult{checked, err}
	}).(pcreResult)
	return r.checked, r.err
}

// Match is the result of nginx's location lookup for a URI.
type Match struct {
	Loc *Block // the location nginx picks, nil when none matches
	// Redirect is true when nginx answers 301 and adds a slash: the URI
	// lacks only the trailing slash of a prefix location served by
	// proxy_pass (or another *_pass).
	Redirect bool
	// Unknown is set when a regex nginx would test could not be evaluated.
	Unknown error
}

// FindLocation runs nginx's location lookup (ngx_http_core_find_location)
// for a normalised URI in server s:
//  1. an exact "=" match wins at once;
//  2. otherwise the longest matching prefix is remembered and its nested
//     locations are searched the same way; a nested match wins;
//  3. if the remembered prefix is not "^~", regexes are tried in file order
//     and the first match wins (then its nested locations are searched);
//  4. otherwise the remembered prefix wins.
//
// A URI that is a prefix location minus its trailing slash, where that
// location has a *_pass handler, gets nginx's automatic 301.
func (s *Block) FindLocation(uri string) Match {
	var m Match
	loc, rc := findLocation(s, uri, &m)
	if rc == rcDone {
		m.Redirect = true
	}
	m.Loc = loc
	return m
}

type rc int

const (
	rcDeclined rc = iota
	rcOK
	rcAgain
	rcDone
)

// locIndex is nginx's lookup structure for the locations written directly
// in one level (a server or a location): the exact and prefix locations by
// pattern, the lengths of the prefixes, and the regex locations in file
// order. It is built once per level, on its first lookup, and answers each
// lookup without allocating.
type locIndex struct {
	exact    map[string]*Block     // "=" locations, the last one per pattern
	prefix   map[string]prefixLocs // other static locations by pattern
	redirect map[string]*Block     // static locations with auto_redirect, the last one per pattern without its final '/'
	lengths  []int                 // the distinct lengths of non-"=" patterns, longest first
	regex    []*Block
	named    map[string]*Block // named locations, the first one per name
}

// prefixLocs are the static locations of one pattern: nginx's exact match
// takes the last, its longest-prefix match the first.
type prefixLocs struct{ first, last *Block }

// noLocations is the index of every level without locations (most
// locations): shared, as an index is never changed once built.
var noLocations = &locIndex{}

// locScanUpTo is the number of children up to which a level answers
// lookups by reading its children instead of building a locIndex: a few
// string comparisons per location cost less than the maps of an index
// (which, kept for every server of a large configuration, were a quarter
// of the model's memory).
const locScanUpTo = 16

// bigLocations returns the level's location index, nil when it answers by
// reading its children.
func (b *Block) bigLocations() *locIndex {
	if len(b.Children) <= locScanUpTo {
		return nil
	}
	return b.locations()
}

// locations returns the level's location index, building it on first use
// (safe for concurrent use: two rules asking at once may both build it,
// and both get the one stored first).
func (b *Block) locations() *locIndex {
	if x := b.x.Load(); x != nil {
		if idx := x.locIdx.Load(); idx != nil {
			return idx
		}
	}
	ext := b.ext()
	if !slices.ContainsFunc(b.Children, func(c *Block) bool { return c.Kind == Location && c.Loc != nil }) {
		ext.locIdx.CompareAndSwap(nil, noLocations)
		return ext.locIdx.Load()
	}
	x := &locIndex{}
	seen := map[int]bool{}
	for _, c := range b.Children {
		if c.Kind != Location || c.Loc == nil {
			continue
		}
		p := c.Loc.Pattern
		switch {
		case c.Loc.IsNamed():
			if x.named == nil {
				x.named = map[string]*Block{}
			}
			if x.named[p] == nil {
				x.named[p] = c
			}
			continue
		case c.Loc.IsRegex():
			x.regex = append(x.regex, c)
			continue
		case c.Loc.Modifier == "=":
			if x.exact == nil {
				x.exact = map[string]*Block{}
			}
			x.exact[p] = c
		default:
			if x.prefix == nil {
				x.prefix = map[string]prefixLocs{}
			}
			pl := x.prefix[p]
			if pl.first == nil {
				pl.first = c
			}
			pl.last = c
			x.prefix[p] = pl
			if !seen[len(p)] {
				seen[len(p)] = true
				x.lengths = append(x.lengths, len(p))
			}
		}
		if autoRedirect(c) {
			if x.redirect == nil {
				x.redirect = map[string]*Block{}
			}
			x.redirect[strings.TrimSuffix(p, "/")] = c
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(x.lengths)))
	if !ext.locIdx.CompareAndSwap(nil, x) {
		x = ext.locIdx.Load()
	}
	return x
}

// findStatic is ngx_http_core_find_static_location over the exact and
// prefix locations written directly in the level, from its index or by
// reading its children.
func (b *Block) findStatic(uri string) (*Block, rc) {
	if x := b.bigLocations(); x != nil {
		return x.findStatic(uri)
	}
	return b.scanStatic(uri)
}

// scanStatic is findStatic by reading the level's children: the last "="
// location equal to the URI, else the last prefix location equal to it,
// else the last one with auto_redirect the URI lacks only the final '/'
// of, else the first of the longest prefix locations shorter than the URI
// that it starts with.
func (b *Block) scanStatic(uri string) (*Block, rc) {
	var exact, equal, redirect, longest *Block
	for _, c := range b.Children {
		if c.Kind != Location || c.Loc == nil || c.Loc.IsNamed() || c.Loc.IsRegex() {
			continue
		}
		p := c.Loc.Pattern
		switch {
		case p == uri:
			if c.Loc.Modifier == "=" {
				exact = c
			} else {
				equal = c
			}
		case len(p) == len(uri)+1:
			if p[len(uri)] == '/' && p[:len(uri)] == uri && autoRedirect(c) {
				redirect = c
			}
		case len(p) < len(uri):
			if c.Loc.Modifier != "=" && (longest == nil || len(p) > len(longest.Loc.Pattern)) && uri[:len(p)] == p {
				longest = c
			}
		}
	}
	switch {
	case exact != nil:
		return exact, rcOK
	case equal != nil:
		return equal, rcAgain
	case redirect != nil:
		return redirect, rcDone
	case longest != nil:
		return longest, rcAgain
	}
	return nil, rcDeclined
}

func findLocation(level *Block, uri string, m *Match) (*Block, rc) {
	idx := level.bigLocations()
	found, code := level.findStatic(uri)
	noregex := false
	if code == rcAgain {
		noregex = found.Loc.Modifier == "^~"
		if nested, nrc := findLocation(found, uri, m); nrc != rcDeclined {
			if nrc == rcOK || nrc == rcDone {
				return nested, nrc
			}
			found = nested
		}
	}
	if code == rcOK || code == rcDone {
		return found, code
	}
	if !noregex {
		regex := level.Children // a level without an index reads its children
		if idx != nil {
			regex = idx.regex
		}
		for _, r := range regex {
			if r.Kind != Location || r.Loc == nil || !r.Loc.IsRegex() {
				continue
			}
			if r.Loc.Regexp == nil {
				if m.Unknown == nil {
					m.Unknown = fmt.Errorf("location %s: %w", r.Loc.String(), r.Loc.RegexErr)
				}
				continue
			}
			if r.Loc.Regexp.MatchString(uri) {
				if nested, nrc := findLocation(r, uri, m); nrc != rcDeclined {
					return nested, rcOK
				}
				return r, rcOK
			}
		}
	}
	return found, code
}

// findStatic mirrors ngx_http_core_find_static_location over the exact and
// prefix locations of one level: an exact "=" location equal to the URI
// wins, then a prefix location equal to it, then a location the URI lacks
// only the trailing slash of (nginx's 301), then the longest prefix.
func (x *locIndex) findStatic(uri string) (*Block, rc) {
	if l := x.exact[uri]; l != nil {
		return l, rcOK
	}
	if l := x.prefix[uri].last; l != nil {
		return l, rcAgain
	}
	if len(x.redirect) > 0 {
		if l := x.redirect[uri]; l != nil {
			return l, rcDone
		}
	}
	for _, n := range x.lengths {
		if n >= len(uri) {
			continue
		}
		if l := x.prefix[uri[:n]].first; l != nil {
			return l, rcAgain
		}
	}
	return nil, rcDeclined
}

// autoRedirect reports whether nginx sets auto_redirect on the location: its
// name ends with '/' and it has a *_pass directive of its own.
func autoRedirect(l *Block) bool {
	if !strings.HasSuffix(l.Loc.Pattern, "/") {
		return false
	}
	for _, e := range l.Directives {
		for _, h := range Handlers {
			if e.D.Name == h {
				return true
			}
		}
	}
	return false
}

// NamedLocation returns the named location @name of server s.
func (s *Block) NamedLocation(name string) *Block {
	name = strings.TrimPrefix(name, "@")
	if x := s.bigLocations(); x != nil {
		return x.named[name]
	}
	for _, c := range s.Children {
		if c.Kind == Location && c.Loc != nil && c.Loc.IsNamed() && c.Loc.Pattern == name {
			return c
		}
	}
	return nil
}
