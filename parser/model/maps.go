package model

import (
	"regexp"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
)

// Map is a map block: map SOURCE $TARGET { ... }.
type Map struct {
	Dir       *parser.Directive
	Source    string // the source expression, e.g. "$http_upgrade"
	Target    string // the variable defined, lower case without '$'
	Hostnames bool
	Default   *MapEntry // nil when there is no default (the value is then "")
	Entries   []*MapEntry
}

// MapEntry is one line of a map body.
type MapEntry struct {
	D     *parser.Directive // the line; its name is the key, Args[0] the value
	Key   string            // the key as nginx compares it (escape removed)
	Regex *regexp.Regexp    // for ~ and ~* keys; nil for strings
	// RegexErr is set when Go cannot compile the PCRE regex.
	RegexErr error
	Value    string
}

// ValueWord returns the word holding the entry's value.
func (e *MapEntry) ValueWord() parser.Word { return e.D.Args[0] }

func parseMap(d *parser.Directive) *Map {
	m := &Map{Dir: d, Source: d.Arg(0), Target: strings.ToLower(strings.TrimPrefix(d.Arg(1), "$"))}
	var add func(ds []*parser.Directive)
	add = func(ds []*parser.Directive) {
		for _, l := range ds {
			switch {
			case l.Name == "include" && len(l.Args) == 1:
				for _, f := range l.Included() {
					add(f.Top)
				}
				continue
			case l.Name == "hostnames" && len(l.Args) == 0:
				m.Hostnames = true
				continue
			case l.Name == "volatile" && len(l.Args) == 0:
				continue
			case len(l.Args) != 1:
				continue
			}
			e := &MapEntry{D: l, Key: l.Name, Value: l.Args[0].Value}
			if l.Name == "default" && l.File.QuoteOf(l.NameW()) == 0 {
				m.Default = e
				continue
			}
			switch {
			case strings.HasPrefix(l.Name, "~*"):
				e.Key = l.Name[2:]
				e.Regex, e.RegexErr = regexp.Compile("(?i)" + e.Key)
			case strings.HasPrefix(l.Name, "~"):
				e.Key = l.Name[1:]
				e.Regex, e.RegexErr = regexp.Compile(e.Key)
			case strings.HasPrefix(l.Name, "\\"):
				e.Key = l.Name[1:]
			}
			m.Entries = append(m.Entries, e)
		}
	}
	if d.Block != nil {
		add(d.Block.Directives)
	}
	return m
}

// Eval returns what the map yields for an input value, and the entry that
// matched (nil when the default or the empty value applies). nginx compares
// string keys ignoring case, then tries regexes in order, then the default.
// known is false when a regex that nginx would test cannot be evaluated.
func (m *Map) Eval(input string) (value string, entry *MapEntry, known bool) {
	for _, e := range m.Entries {
		if e.Regex == nil && e.RegexErr == nil && strings.EqualFold(e.Key, input) {
			return e.Value, e, true
		}
	}
	known = true
	for _, e := range m.Entries {
		if e.RegexErr != nil {
			known = false
			continue
		}
		if e.Regex != nil && e.Regex.MatchString(input) {
			return e.Value, e, known
		}
	}
	if m.Default != nil {
		return m.Default.Value, m.Default, known
	}
	return "", nil, known
}

// Request is a request as far as variables go: its header fields by
// lower-case name.
type Request struct {
	Headers map[string]string
}

// Browser WebSocket handshakes: Chromium sends "Connection: Upgrade",
// Firefox "keep-alive, Upgrade"; both send "Upgrade: websocket".
var (
	ChromeHandshake  = Request{Headers: map[string]string{"upgrade": "websocket", "connection": "Upgrade", "host": "example.com"}}
	FirefoxHandshake = Request{Headers: map[string]string{"upgrade": "websocket", "connection": "keep-alive, Upgrade", "host": "example.com"}}
	PlainRequest     = Request{Headers: map[string]string{"connection": "keep-alive", "host": "example.com"}}
)

// Expand evaluates a value with variables for a request. It knows $http_*
// and the variables made by maps; known is false when the value uses any
// other variable (whose value depends on things the model does not see).
func (c *Config) Expand(value string, r Request) (string, bool) {
	return c.expand(value, r, 0)
}

func (c *Config) expand(value string, r Request, depth int) (string, bool) {
	if strings.IndexByte(value, '$') < 0 {
		return value, true
	}
	known := true
	// each reference (varRefAt: what the expression
	// \$(\{[A-Za-z0-9_]+\}|[A-Za-z0-9_]+) matches, left to right) replaced
	var out strings.Builder
	last := 0
	for i := strings.IndexByte(value, '$'); i >= 0 && i < len(value); {
		name, next := varRefAt(value, i)
		if next < 0 {
			i++
			continue
		}
		out.WriteString(value[last:i])
		out.WriteString(c.expandRef(strings.ToLower(name), value[i:next], r, depth, &known))
		last, i = next, next
	}
	out.WriteString(value[last:])
	return out.String(), known
}

// expandRef is the value of the reference ref (to the variable name) for
// expand, or ref itself, unknown, when it is neither a header nor a map.
func (c *Config) expandRef(name, ref string, r Request, depth int, known *bool) string {
	if h, ok := strings.CutPrefix(name, "http_"); ok {
		return r.Headers[strings.ReplaceAll(h, "_", "-")]
	}
	if m, ok := c.Map(name); ok && depth < 8 {
		in, k1 := c.expand(m.Source, r, depth+1)
		v, _, k2 := m.Eval(in)
		res, k3 := c.expand(v, r, depth+1)
		*known = *known && k1 && k2 && k3
		return res
	}
	*known = false
	return ref
}

// Variables returns the variable names (lower case, without '$') a value
// refers to.
func Variables(value string) []string {
	if strings.IndexByte(value, '$') < 0 {
		return nil
	}
	var out []string
	for i := 0; i < len(value); {
		name, next := varRefAt(value, i)
		if next < 0 {
			i++
			continue
		}
		out = append(out, strings.ToLower(name))
		i = next
	}
	return out
}

// varRefAt reads a variable reference ($name or ${name}, varRef) at
// value[i]: the name and the offset after the reference, or next < 0 when
// no reference starts there. It is varRef without the regexp engine:
// Variables is asked of every value by several rules.
func varRefAt(value string, i int) (name string, next int) {
	if value[i] != '$' {
		return "", -1
	}
	j := i + 1
	if j < len(value) && value[j] == '{' {
		k := j + 1
		for k < len(value) && isVarByte(value[k]) {
			k++
		}
		if k > j+1 && k < len(value) && value[k] == '}' {
			return value[j+1 : k], k + 1
		}
		return "", -1 // '{' is not a name byte: no $name either
	}
	k := j
	for k < len(value) && isVarByte(value[k]) {
		k++
	}
	if k == j {
		return "", -1
	}
	return value[j:k], k
}

// isVarByte reports whether c may be part of a variable name in varRef.
func isVarByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}
