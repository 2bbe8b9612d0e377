package rules

import (
	"fmt"
	"slices"
	"strings"
	"sync"
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

// registry holds the rules in the order they registered; byID is the
// same rules sorted by id, checked for duplicate ids and names, made when
// the rules are first read (checking at each Register compared every rule
// with every other one: a start spent about 0.1 ms on it).
var (
	registryMu sync.Mutex
	registry   []Rule
	byID       []Rule
)

// Register adds a rule; each rule file calls it from init.
func Register(r Rule) {
	registryMu.Lock()
	defer registryMu.Unlock()
	registry = append(registry, r)
	byID = nil
}

// sortedRules returns the registered rules sorted by id (shared: not to
// be changed), panicking on a duplicate id or name.
func sortedRules() []Rule {
	registryMu.Lock()
	defer registryMu.Unlock()
	if byID == nil {
		out := append([]Rule(nil), registry...)
		slices.SortStableFunc(out, func(a, b Rule) int { return strings.Compare(a.Meta().ID, b.Meta().ID) })
		names := make([]string, len(out)) // sorted: a duplicate is next to its twin
		for i, r := range out {
			m := r.Meta()
			if i > 0 && out[i-1].Meta().ID == m.ID {
				panic("rules: duplicate rule id " + m.ID)
			}
			names[i] = m.Name
		}
		slices.Sort(names)
		for i := 1; i < len(names); i++ {
			if names[i] == names[i-1] {
				panic("rules: duplicate rule name " + names[i])
			}
		}
		byID = out
	}
	return byID
}

// All returns the registered rules sorted by id.
func All() []Rule {
	return append([]Rule(nil), sortedRules()...)
}

// Lookup finds a rule by id or name, case-insensitively.
func Lookup(idOrName string) (Rule, bool) {
	for _, r := range sortedRules() {
		m := r.Meta()
		if strings.EqualFold(m.ID, idOrName) || strings.EqualFold(m.Name, idOrName) {
			return r, true
		}
	}
	return nil, false
}
