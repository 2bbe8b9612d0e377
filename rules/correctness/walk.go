package correctness

import (
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

// level is one configuration level nginx parses directives in: the top of
// the unit or the body of a block directive.
type level struct {
	ctx   spec.Ctx
	dir   *parser.Directive // the block directive; nil at the top
	items []item
}

// item is one directive written at a level (directly or through includes;
// index.via tells which include brought it in).
type item struct {
	d *parser.Directive
}

// viaRun is a run of a level's items that an include at the level brought
// in: items [start, end) came through via. Most items are written at
// their level, so the runs are kept apart from them, by level, only for
// the levels that include files.
type viaRun struct {
	start, end int
	via        *parser.Directive
}

// index is the family's view of a unit: every level with its context.
type index struct {
	levels []*level
	// guess is set for a fragment: its top context is inferred from its
	// directives, not known from an enclosing nginx.conf.
	guess bool
	// loaded holds the module names load_module names (file base names
	// without .so); loadsUnknown is set when one of them is no module the
	// table knows, so an unknown directive may be its.
	loaded       map[string]bool
	loadsUnknown bool
	version      spec.Version
	// vias holds, for each level with includes, the runs of its items
	// included files brought in, in order.
	vias map[*level][]viaRun
}

// via is the include at lv that brought in lv.items[i]; nil when the item
// is written at the level itself.
func (ix *index) via(lv *level, i int) *parser.Directive {
	runs := ix.vias[lv]
	k := sort.Search(len(runs), func(k int) bool { return runs[k].end > i })
	if k < len(runs) && runs[k].start <= i {
		return runs[k].via
	}
	return nil
}

// topContexts returns the contexts a unit's top level may be in, most
// likely first. A fragment of server blocks may be a stream{} file.
func topContexts(u *parser.Unit) []spec.Ctx {
	switch u.Context {
	case parser.CtxMain:
		return []spec.Ctx{spec.CtxMain}
	case parser.CtxHTTP:
		return []spec.Ctx{spec.CtxHTTPMain, spec.CtxStreamMain}
	case parser.CtxServer:
		return []spec.Ctx{spec.CtxHTTPServer, spec.CtxStreamServer}
	}
	return []spec.Ctx{spec.CtxHTTPLocation}
}

type indexKey struct{}

// indexOf returns the unit's index, built once per unit and read by every
// rule of the family (rules.Memo): it must not be changed.
func indexOf(p *rules.Pass) *index {
	return rules.Memo(p, indexKey{}, func() *index { return buildIndex(p) })
}

// buildIndex builds the unit's index (each walk is linear).
func buildIndex(p *rules.Pass) *index {
	u := p.Cfg.Unit
	if u == nil || u.Root == nil {
		return &index{}
	}
	// the first reading in which every directive nginx knows is allowed
	// where it stands; else the most likely one
	var best *index
	for _, top := range topContexts(u) {
		ix := &index{version: p.Cfg.Version, guess: u.Context != parser.CtxMain, loaded: map[string]bool{}}
		lv := &level{ctx: top}
		ix.levels = append(ix.levels, lv)
		ix.walk(lv, u.Root.Top, nil, 0)
		if best == nil {
			best = ix
		}
		if ix.misplaced() == 0 {
			best = ix
			break
		}
	}
	best.collectModules()
	return best
}

const maxDepth = 64

func (ix *index) walk(lv *level, ds []*parser.Directive, via *parser.Directive, depth int) {
	if depth > maxDepth {
		return
	}
	lv.items = slices.Grow(lv.items, len(ds))
	for _, d := range ds {
		if via != nil {
			ix.addVia(lv, len(lv.items), via)
		}
		lv.items = append(lv.items, item{d: d})
		if d.Name == "include" && d.Block == nil {
			v := via
			if v == nil {
				v = d
			}
			for _, f := range d.Included() {
				ix.walk(lv, f.Top, v, depth+1)
			}
			continue
		}
		if d.Block == nil {
			continue
		}
		if child := spec.BodyContext(d.Name, lv.ctx); child != 0 {
			nl := &level{ctx: child, dir: d}
			ix.levels = append(ix.levels, nl)
			ix.walk(nl, d.Block.Directives, nil, depth+1)
		}
	}
}

// addVia records that lv.items[i], the next item, came through via.
func (ix *index) addVia(lv *level, i int, via *parser.Directive) {
	if ix.vias == nil {
		ix.vias = map[*level][]viaRun{}
	}
	runs := ix.vias[lv]
	if n := len(runs); n > 0 && runs[n-1].via == via && runs[n-1].end == i {
		runs[n-1].end = i + 1
		return
	}
	ix.vias[lv] = append(runs, viaRun{start: i, end: i + 1, via: via})
}

// misplaced counts the directives nginx knows but not in their level's
// context: the measure by which a fragment's context is chosen.
func (ix *index) misplaced() int {
	n := 0
	for _, lv := range ix.levels {
		for _, it := range lv.items {
			if _, known, ok := spec.In(it.d.Name, lv.ctx); known && !ok {
				n++
			}
		}
	}
	return n
}

func (ix *index) collectModules() {
	for _, lv := range ix.levels {
		if lv.ctx != spec.CtxMain {
			continue
		}
		for _, it := range lv.items {
			if it.d.Name != "load_module" || len(it.d.Args) == 0 {
				continue
			}
			name := strings.TrimSuffix(path.Base(it.d.Args[0].Value), ".so")
			ix.loaded[name] = true
			if !spec.KnownModule(name) {
				ix.loadsUnknown = true
			}
		}
	}
}

// entries returns the table's entries for a name that exist in the
// target version (every version when it is unknown).
func (ix *index) entries(name string) []spec.Directive {
	if !ix.version.Known {
		return spec.Directives(name)
	}
	return spec.Lookup(name, ix.version)
}

// entryIn returns the entry nginx uses for name in ctx.
func (ix *index) entryIn(name string, ctx spec.Ctx) (spec.Directive, bool) {
	found := -1
	es := ix.entries(name)
	for i, d := range es {
		if d.Ctx&ctx != 0 {
			if d.Until == "" {
				return d, true
			}
			if found < 0 {
				found = i
			}
		}
	}
	if found >= 0 {
		return es[found], true
	}
	return spec.Directive{}, false
}

// terminator is the offset of the ';' or '{' that ends d's head: nginx
// reports every error about a directive on that byte's line.
func terminator(d *parser.Directive) int {
	end := d.HeaderEnd() - 1
	if end < d.Start() {
		end = d.Start()
	}
	return end
}

// nginxLine is the line nginx names for an error about d.
func nginxLine(d *parser.Directive) int { return d.File.Position(terminator(d)).Line }

// spanAt is want when it starts on nginx's line for d, else the
// terminator itself, so a finding is always on the line nginx reports.
func spanAt(d *parser.Directive, want rules.Span) rules.Span {
	if d.File.Position(want.Start).Line == nginxLine(d) {
		return want
	}
	t := terminator(d)
	return rules.Span{File: d.File, Start: t, End: t + 1}
}

// where is nginx's " in FILE:LINE" for an error about d (FILE as the
// user named it; nginx prints it absolute).
func where(d *parser.Directive) string {
	return " in " + d.File.Path + ":" + itoa(nginxLine(d))
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
