package websocket

// What the family's rules share, computed once per unit through
// rules.Memo: many rules ask the same questions of the same locations
// (which locations proxy, which headers are in effect there, what a
// Connection value yields, every directive in order), and answering them
// again per rule made the cost grow with the number of rules times the
// size of the configuration. The values are read, never changed; the
// rules of a unit run one after another, so the per-unit maps need no
// lock.

import (
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

type (
	proxyLocationsKey struct{}
	headersKey        struct{}
	connStatusKey     struct{}
	walkKey           struct{}
	connMapFixKey     struct{}
)

// proxyLocationsOf is proxyLocations of the unit, computed once.
func proxyLocationsOf(p *rules.Pass) []proxyLocation {
	return rules.Memo(p, proxyLocationsKey{}, func() []proxyLocation { return proxyLocations(p.Cfg) })
}

// headersOf is Headers(b), computed once per level of the unit.
func headersOf(p *rules.Pass, b *model.Block) headerSet {
	m := rules.Memo(p, headersKey{}, func() map[*model.Block]headerSet { return map[*model.Block]headerSet{} })
	hs, ok := m[b]
	if !ok {
		hs = Headers(b)
		m[b] = hs
	}
	return hs
}

type connResult struct {
	st     connStatus
	yields string
}

// connectionStatusOf is connectionStatus of a value, computed once per
// value in the unit.
func connectionStatusOf(p *rules.Pass, value string) (connStatus, string) {
	m := rules.Memo(p, connStatusKey{}, func() map[string]connResult { return map[string]connResult{} })
	r, ok := m[value]
	if !ok {
		r.st, r.yields = connectionStatus(p.Cfg, value)
		m[value] = r
	}
	return r.st, r.yields
}

type walkEntry struct {
	b *model.Block
	e model.Entry
}

// walk calls fn for every directive of the unit in the order of
// model.Config.Walk, from a list made once per unit.
func walk(p *rules.Pass, fn func(b *model.Block, e model.Entry)) {
	all := rules.Memo(p, walkKey{}, func() []walkEntry {
		var out []walkEntry
		p.Cfg.Walk(func(b *model.Block, e model.Entry) { out = append(out, walkEntry{b, e}) })
		return out
	})
	for _, w := range all {
		fn(w.b, w.e)
	}
}

type connMapFix struct {
	e      rules.Edit
	needed bool
	reason string
}

// connectionMapFixOf is connectionMapFix of the unit, computed once: every
// finding that needs the map offers the same edit.
func connectionMapFixOf(p *rules.Pass) (rules.Edit, bool, string) {
	r := rules.Memo(p, connMapFixKey{}, func() connMapFix {
		e, needed, reason := connectionMapFix(p.Cfg)
		return connMapFix{e, needed, reason}
	})
	return r.e, r.needed, r.reason
}
