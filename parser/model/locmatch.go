package model

import (
	"fmt"
	"regexp"
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
func parseLocation(d *parser.Directive) *LocationSpec {
	s := &LocationSpec{}
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
	if s.IsRegex() {
		expr := s.Pattern
		if s.Modifier == "~*" {
			expr = "(?i)" + expr
		}
		s.Regexp, s.RegexErr = regexp.Compile(expr)
	}
	return s
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

func locationChildren(b *Block) (static, regex []*Block) {
	for _, c := range b.Children {
		if c.Kind != Location || c.Loc == nil || c.Loc.IsNamed() {
			continue
		}
		if c.Loc.IsRegex() {
			regex = append(regex, c)
		} else {
			static = append(static, c)
		}
	}
	return
}

func findLocation(level *Block, uri string, m *Match) (*Block, rc) {
	static, regex := locationChildren(level)
	found, code := findStatic(static, uri)
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
		for _, r := range regex {
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
// prefix locations of one level.
func findStatic(static []*Block, uri string) (*Block, rc) {
	var exactEq, prefixEq, redirect, longest *Block
	for _, l := range static {
		p := l.Loc.Pattern
		switch {
		case p == uri && l.Loc.Modifier == "=":
			exactEq = l
		case p == uri:
			prefixEq = l
		case uri+"/" == p && autoRedirect(l):
			redirect = l
		case l.Loc.Modifier != "=" && strings.HasPrefix(uri, p):
			if longest == nil || len(p) > len(longest.Loc.Pattern) {
				longest = l
			}
		}
	}
	switch {
	case exactEq != nil:
		return exactEq, rcOK
	case prefixEq != nil:
		return prefixEq, rcAgain
	case redirect != nil:
		return redirect, rcDone
	case longest != nil:
		return longest, rcAgain
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
	for _, c := range s.Children {
		if c.Kind == Location && c.Loc != nil && c.Loc.IsNamed() && c.Loc.Pattern == name {
			return c
		}
	}
	return nil
}
