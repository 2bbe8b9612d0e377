package rules

import (
	"fmt"
	"sort"
	"strings"
)

// Severity of a finding.
type Severity int

// Severities, lowest first. Off disables a rule.
const (
	Off Severity = iota
	Info
	Warning
	Error
)

func (s Severity) String() string {
	return [...]string{"off", "info", "warning", "error"}[s]
}

// ParseSeverity reads off, info, warning or error.
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(s) {
	case "off":
		return Off, nil
	case "info":
		return Info, nil
	case "warning", "warn":
		return Warning, nil
	case "error":
		return Error, nil
	}
	return Off, fmt.Errorf("severity %q must be one of off, info, warning, error", s)
}

// Doc is a rule's documentation, the single source for `ngxlint explain`,
// `ngxlint rules`, the README table and the SARIF rule list.
type Doc struct {
	Summary string // one line: what the rule finds
	Why     string // why it breaks WebSocket (or nginx)
	Bad     string // a configuration that triggers it
	Good    string // the corrected configuration
	Fix     string // what to change (and what `ngxlint fix` does, if it can)
	Since   string // the ngxlint version that introduced the rule
	// Severity notes when the rule reports below or above its default.
	SeverityNote string
	Refs         []string // sources users can open: nginx.org pages, RFCs, the project's README
}

// Meta identifies a rule.
type Meta struct {
	ID       string // stable, never renumbered: WS001, NGX001
	Name     string // kebab-case
	Severity Severity
	Fixable  bool
	Doc      Doc
}

// Rule is one check.
type Rule interface {
	Meta() *Meta
	// Check reports findings for one configuration unit.
	Check(p *Pass)
}

var registry = map[string]Rule{}

// Register adds a rule; each rule file calls it from init.
func Register(r Rule) {
	m := r.Meta()
	if _, dup := registry[m.ID]; dup {
		panic("rules: duplicate rule id " + m.ID)
	}
	for _, o := range registry {
		if o.Meta().Name == m.Name {
			panic("rules: duplicate rule name " + m.Name)
		}
	}
	registry[m.ID] = r
}

// All returns the registered rules sorted by id.
func All() []Rule {
	out := make([]Rule, 0, len(registry))
	for _, r := range registry {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Meta().ID < out[j].Meta().ID })
	return out
}

// Lookup finds a rule by id or name, case-insensitively.
func Lookup(idOrName string) (Rule, bool) {
	for _, r := range registry {
		m := r.Meta()
		if strings.EqualFold(m.ID, idOrName) || strings.EqualFold(m.Name, idOrName) {
			return r, true
		}
	}
	return nil, false
}
