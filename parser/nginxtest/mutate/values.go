package mutate

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
)

// --- bad-value ------------------------------------------------------------

var (
	numberRE = regexp.MustCompile(`^[0-9]+$`)
	sizeRE   = regexp.MustCompile(`^[0-9]+[kKmMgG]$`)
	timeRE   = regexp.MustCompile(`^[0-9]+(ms|s|m|h|d|w|M|y)$`)
	wordRE   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)
	timeName = regexp.MustCompile(`timeout|_time$|expires|_valid$|delay|resolution|inactive`)
)

// enumDirectives take keywords the generator misspells: nginx knows a fixed
// set of values for them (the last argument of add_header and fastcgi_param
// only: "always", "if_not_empty").
var enumDirectives = map[string]bool{
	"proxy_http_version": true, "gzip_proxied": true, "proxy_next_upstream": true, "fastcgi_next_upstream": true,
	"proxy_cache_use_stale": true, "if_modified_since": true, "autoindex_format": true, "add_header": true,
	"limit_req": true, "worker_processes": true, "hash": true, "use": true, "limit_except": true,
	"proxy_cache_methods": true, "listen": true, "gzip_static": true, "expires": true, "satisfy": true,
	"lingering_close": true, "server_tokens": true, "fastcgi_param": true, "real_ip_header": false,
	"ip_hash": true, "least_conn": true,
}

// badValues returns what an argument may be replaced with to make a bad
// value, and the kind of value it is ("" when the generator has nothing).
func badValues(d *parser.Directive, i int) (string, []string) {
	w := d.Args[i]
	v := w.Value
	if d.File.QuoteOf(w) != 0 || strings.Contains(v, "$") || v == "" {
		return "", nil
	}
	switch {
	case d.Name == "listen" && i == 0:
		if j := strings.LastIndexByte(v, ':'); j >= 0 && numberRE.MatchString(v[j+1:]) {
			p := v[:j+1]
			return "port", []string{p + "70000", p + "99999", p + "80a"}
		}
		if numberRE.MatchString(v) {
			return "port", []string{"70000", "99999", "80a"}
		}
		return "", nil
	case strings.EqualFold(v, "on") || strings.EqualFold(v, "off"):
		return "flag", []string{"yes", "enabled", "1", "of"}
	case d.Name == "proxy_http_version":
		return "enum", []string{"1.2", "2.0", "11"}
	case strings.Contains(v, "=") && !strings.HasPrefix(v, "="):
		return "param", paramValues(v)
	case timeName.MatchString(d.Name) && (timeRE.MatchString(v) || numberRE.MatchString(v) || v == "max" || v == "epoch"):
		return "time", []string{"30x", "1.5s", "-5s", "5mss"}
	case sizeRE.MatchString(v):
		return "size", []string{"10q", "1.5m", "-1k", "k"}
	case timeRE.MatchString(v):
		return "time", []string{"30x", "1.5s", "-5s", "5mss"}
	case numberRE.MatchString(v):
		return "number", []string{"ten", "-1", "12x", "0x10"}
	case enumDirectives[d.Name] && wordRE.MatchString(v) && (d.Name != "add_header" && d.Name != "fastcgi_param" || i == 2):
		if len(v) < 3 {
			return "enum", []string{v + "x"}
		}
		return "enum", []string{v[:len(v)-1], v + "x"}
	}
	return "", nil
}

// paramValues spoils a key=value parameter: its value, or its key.
func paramValues(v string) []string {
	k, val, _ := strings.Cut(v, "=")
	switch {
	case k == "rate":
		return []string{k + "=10r/x", k + "=fast"}
	case numberRE.MatchString(val):
		return []string{k + "=ten", k + "=-1"}
	case timeRE.MatchString(val) && !sizeRE.MatchString(val) || strings.Contains(k, "timeout") || k == "inactive":
		return []string{k + "=30x", k + "=-5s"}
	case sizeRE.MatchString(val):
		return []string{k + "=10q", k + "=-1k"}
	case strings.Contains(val, ":"):
		name, size, _ := strings.Cut(val, ":")
		if sizeRE.MatchString(size) {
			return []string{k + "=" + name + ":10q", k + "=" + name + ":"}
		}
	}
	return []string{k[:len(k)-1] + "=" + val, k + "x=" + val}
}

func (fl *file) badValueSites() []site {
	var out []site
	for _, d := range fl.all {
		if isEntry(d) || noTouch[d.Name] || d.Block != nil && d.Name != "limit_except" {
			continue
		}
		for i := range d.Args {
			kind, vals := badValues(d, i)
			if kind == "" {
				continue
			}
			w := d.Args[i]
			out = append(out, site{op: BadValue, kind: kind, make: func(r *rand.Rand) *Mutant {
				nv := vals[r.IntN(len(vals))]
				return fl.mutant(BadValue, kind, int(w.Start), fmt.Sprintf("%s %s -> %s", d.Name, w.Value, nv), Edit{int(w.Start), int(w.End), nv})
			}})
		}
	}
	return out
}

// --- duplicate ------------------------------------------------------------

// handlers are the directives that say where a request's content comes
// from, the duplicates issue 12 names first (root, alias, proxy_pass twice).
var handlers = map[string]bool{"root": true, "alias": true, "proxy_pass": true, "fastcgi_pass": true,
	"uwsgi_pass": true, "scgi_pass": true, "grpc_pass": true, "try_files": true}

// dupBlocks are the blocks the generator writes twice (the copy empty).
var dupBlocks = map[string]bool{"location": true, "upstream": true, "server": true, "events": true,
	"http": true, "map": true, "limit_except": true}

func hasArg(d *parser.Directive, v string) bool {
	for _, a := range d.Args {
		if a.Value == v {
			return true
		}
	}
	return false
}

func (fl *file) dupSites(files []*file) []site {
	// The addresses some listen already makes the default server of.
	defaults := map[string]bool{}
	for _, o := range files {
		for _, d := range o.all {
			if d.Name == "listen" && len(d.Args) > 0 && hasArg(d, "default_server") {
				defaults[d.Args[0].Value] = true
			}
		}
	}
	var out []site
	for _, d := range fl.all {
		switch {
		case isEntry(d) || noTouch[d.Name]:
		case d.Block == nil && fl.singleLine(d):
			kind := "directive"
			if handlers[d.Name] {
				kind = "handler"
			}
			out = append(out, site{op: Duplicate, kind: kind, make: func(*rand.Rand) *Mutant {
				return fl.mutant(Duplicate, kind, d.Start(), d.Name+" written twice", Edit{int(d.End), int(d.End), " " + fl.raw(d.Start(), int(d.End))})
			}})
			if d.Name == "listen" && len(d.Args) > 0 && defaults[d.Args[0].Value] && !hasArg(d, "default_server") {
				at := int(d.Args[len(d.Args)-1].End)
				out = append(out, site{op: Duplicate, kind: "default_server", make: func(*rand.Rand) *Mutant {
					return fl.mutant(Duplicate, "default_server", at, "a second default_server for "+d.Args[0].Value, Edit{at, at, " default_server"})
				}})
			}
		case d.Block != nil && dupBlocks[d.Name] && d.Block.Lua == nil:
			head := fl.raw(d.Start(), int(d.Block.Open)+1)
			if strings.Contains(head, "\n") {
				continue
			}
			kind := "block"
			if d.Name == "location" {
				kind = "location"
			}
			out = append(out, site{op: Duplicate, kind: kind, make: func(*rand.Rand) *Mutant {
				at := int(d.Block.Close) + 1
				return fl.mutant(Duplicate, kind, int(d.Block.Close), fmt.Sprintf("%s written twice (an empty copy after line %d)", strings.TrimSuffix(head, " {"), fl.line(int(d.Block.Close))),
					Edit{at, at, " " + head + " }"})
			}})
		}
	}
	return out
}

// --- regex ----------------------------------------------------------------

// Invalid regular expressions, and expressions PCRE2 takes that Go's RE2
// does not (nginx uses PCRE: these must not be reported). Each is written
// before (prefix) or after (suffix) the original expression; none holds a
// character that ends an unquoted nginx word.
var (
	badRegexPrefix  = []string{"(", "*", "+", "(?<"}
	badRegexSuffix  = []string{")", "[", "[z-a]", "(?P=nope)", "(?z)"}
	pcreRegexSuffix = []string{"(?=.*)", "(?<!x)", "(a)?\\1?", "(?>x?)", "x*+"}
)

func (fl *file) regexSites() []site {
	type rx struct {
		what       string
		start, end int // the expression's bytes in the file
	}
	var found []rx
	word := func(what string, w parser.Word, skip int) {
		s, e := int(w.Start)+skip, int(w.End)
		if fl.f.QuoteOf(w) != 0 {
			s, e = s+1, e-1
		}
		if s < e {
			found = append(found, rx{what, s, e})
		}
	}
	for _, d := range fl.all {
		switch {
		case d.Name == "location" && len(d.Args) >= 2 && (d.Args[0].Value == "~" || d.Args[0].Value == "~*"):
			word("location", d.Args[1], 0)
		case d.Name == "rewrite" && len(d.Args) >= 2:
			word("rewrite", d.Args[0], 0)
		case d.Name == "server_name":
			for _, a := range d.Args {
				if strings.HasPrefix(a.Value, "~") && d.File.QuoteOf(a) == 0 {
					word("server_name", a, 1)
				}
			}
		case d.Parent != nil && d.Parent.Name == "map" && strings.HasPrefix(d.Name, "~") && d.File.QuoteOf(d.NameW()) == 0:
			skip := 1
			if strings.HasPrefix(d.Name, "~*") {
				skip = 2
			}
			word("map", d.NameW(), skip)
		case d.Name == "if":
			for i, a := range d.Args {
				switch a.Value {
				case "~", "~*", "!~", "!~*":
					if i+1 < len(d.Args) && d.File.QuoteOf(d.Args[i+1]) == 0 {
						w := d.Args[i+1]
						if strings.HasSuffix(w.Value, ")") {
							w.End--
						}
						word("if", w, 0)
					}
				}
			}
		}
	}
	var out []site
	add := func(x rx, kind string, e Edit) {
		out = append(out, site{op: Regex, kind: x.what + "-" + kind, make: func(*rand.Rand) *Mutant {
			re := fl.raw(x.start, x.end)
			nre := string(Apply(fl.f.Src[x.start:x.end], []Edit{{e.Start - x.start, e.End - x.start, e.New}}))
			return fl.mutant(Regex, x.what+"-"+kind, x.start, fmt.Sprintf("%s regex %s -> %s", x.what, re, nre), e)
		}})
	}
	for _, x := range found {
		re := fl.raw(x.start, x.end)
		for _, p := range badRegexPrefix {
			at := x.start
			if strings.HasPrefix(re, "^") {
				at++ // after the anchor: "^(" and "^*"
			}
			add(x, "invalid", Edit{at, at, p})
		}
		for _, s := range badRegexSuffix {
			add(x, "invalid", Edit{x.end, x.end, s})
		}
		for _, s := range pcreRegexSuffix {
			at := x.end
			if strings.HasSuffix(re, "$") {
				at--
			}
			add(x, "pcre-only", Edit{at, at, s})
		}
	}
	return out
}
