package model

import "strings"

// ListDirectives are the array directives whose occurrences at one level form
// a single list that nginx inherits all-or-nothing: a level with none of them
// takes the enclosing level's whole list, a level with one of them keeps only
// its own. From the merge functions of nginx's modules (add_header and
// add_trailer in ngx_http_headers_filter_module.c; proxy_set_header through
// headers_source in ngx_http_proxy_module.c; *_param through params_source;
// *_hide_header and *_pass_header in ngx_http_upstream_hide_headers_hash,
// where each of the two lists is inherited on its own).
var ListDirectives = []string{
	"add_header", "add_trailer",
	"proxy_set_header", "grpc_set_header",
	"fastcgi_param", "uwsgi_param", "scgi_param",
	"proxy_hide_header", "fastcgi_hide_header", "uwsgi_hide_header", "scgi_hide_header", "grpc_hide_header",
	"proxy_pass_header", "fastcgi_pass_header", "uwsgi_pass_header", "scgi_pass_header", "grpc_pass_header",
}

// IsListDirective reports whether name is one of ListDirectives.
func IsListDirective(name string) bool {
	for _, n := range ListDirectives {
		if n == name {
			return true
		}
	}
	return false
}

// Inherit is the inheritance mode of add_header or add_trailer at a level
// (add_header_inherit and add_trailer_inherit, nginx 1.29.3).
type Inherit int

// The modes of add_header_inherit.
const (
	InheritOn    Inherit = iota // the default: inherit only when the level has none
	InheritOff                  // never inherit
	InheritMerge                // append the enclosing level's list to this level's
)

func (i Inherit) String() string { return [...]string{"on", "off", "merge"}[i] }

// inheritDirective names the directive that changes how a list inherits.
func inheritDirective(list string) string {
	switch list {
	case "add_header", "add_trailer":
		return list + "_inherit"
	}
	return ""
}

// InheritMode returns the inheritance mode in effect for a list directive at
// b, and the add_header_inherit (or add_trailer_inherit) entry that sets it.
// The mode itself is inherited the ordinary way: the nearest level that
// sets it wins.
func (b *Block) InheritMode(list string) (Inherit, Entry, bool) {
	name := inheritDirective(list)
	if name == "" {
		return InheritOn, Entry{}, false
	}
	e, ok := b.Scalar(name)
	if !ok {
		return InheritOn, Entry{}, false
	}
	switch strings.ToLower(e.D.Arg(0)) {
	case "off":
		return InheritOff, e, true
	case "merge":
		return InheritMerge, e, true
	}
	return InheritOn, e, true
}

// List is an array directive's list in effect at a level.
type List struct {
	Name string
	// Entries in effect, in the order nginx applies them: a level's own
	// entries first, then (with add_header_inherit merge) the enclosing
	// level's effective list.
	Entries []Entry
	// Level is the nearest level whose own entries are in effect; nil when
	// no level contributes (nginx's defaults apply).
	Level *Block
	// Cut is the level whose add_header_inherit off stopped inheritance, if
	// that is why the list is shorter than what the enclosing levels set.
	Cut *Block
}

// EffectiveList returns the list of an array directive in effect at b after
// nginx's merge: all-or-nothing inheritance, add_header_inherit off and
// merge for add_header and add_trailer. Levels are the block's ancestors:
// an if inside a location is a nested location configuration whose parent
// is that location; included directives count at the level of the include.
func (b *Block) EffectiveList(name string) List {
	own := b.Own(name)
	if b.Parent == nil {
		l := List{Name: name, Entries: own}
		if len(own) > 0 {
			l.Level = b
		}
		return l
	}
	mode, _, _ := b.InheritMode(name)
	switch {
	case mode == InheritOff:
		l := List{Name: name, Entries: own}
		if len(own) > 0 {
			l.Level = b
		}
		if len(b.Parent.EffectiveList(name).Entries) > 0 {
			l.Cut = b
		}
		return l
	case len(own) == 0:
		return b.Parent.EffectiveList(name)
	case mode == InheritMerge:
		up := b.Parent.EffectiveList(name)
		return List{Name: name, Entries: append(append([]Entry(nil), own...), up.Entries...), Level: b, Cut: up.Cut}
	}
	return List{Name: name, Entries: own, Level: b}
}

// Dropped is an outer level's list that does not reach an inner level.
type Dropped struct {
	// Entries written at Outer (or included there) that are not in effect.
	Entries []Entry
	// Outer is the level the dropped entries are written at.
	Outer *Block
	// By is the level whose own entries replace them (the culprit), or
	// the level whose add_header_inherit off cuts them.
	By *Block
	// Cut is true when add_header_inherit off, not an own list, drops them.
	Cut bool
}

// DroppedList returns the nearest enclosing level's own list that does not
// reach b, with the inner level responsible: the level whose own entries
// replace it, or whose add_header_inherit off cuts it. ok is false when
// nothing written further out is lost.
func (b *Block) DroppedList(name string) (Dropped, bool) {
	eff := b.EffectiveList(name)
	by, cut := eff.Level, false
	if eff.Cut != nil && (by == nil || isAncestor(by, eff.Cut)) {
		by, cut = eff.Cut, true
	}
	if by == nil {
		return Dropped{}, false
	}
	for lv := by.Parent; lv != nil; lv = lv.Parent {
		own := lv.Own(name)
		if len(own) == 0 {
			continue
		}
		var lost []Entry
		for _, e := range own {
			if !containsEntry(eff.Entries, e) {
				lost = append(lost, e)
			}
		}
		if len(lost) == 0 {
			return Dropped{}, false
		}
		// Only what would otherwise have reached by is lost because of by.
		if !containsAll(by.Parent.EffectiveList(name).Entries, lost) {
			return Dropped{}, false
		}
		return Dropped{Entries: lost, Outer: lv, By: by, Cut: cut}, true
	}
	return Dropped{}, false
}

// isAncestor reports whether a is b or encloses it.
func isAncestor(a, b *Block) bool {
	for l := b; l != nil; l = l.Parent {
		if l == a {
			return true
		}
	}
	return false
}

func containsAll(list, es []Entry) bool {
	for _, e := range es {
		if !containsEntry(list, e) {
			return false
		}
	}
	return true
}

func containsEntry(list []Entry, e Entry) bool {
	for _, x := range list {
		if x.D == e.D {
			return true
		}
	}
	return false
}
