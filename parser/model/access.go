package model

import "strings"

// Access is what guards a location: the allow/deny rules, HTTP basic
// authentication, auth_request, satisfy, and internal, each as nginx merges
// them into the location (ngx_http_access_module.c: the allow and deny
// rules are one list inherited all-or-nothing; auth_basic, auth_request and
// satisfy are single values inherited from the nearest level that sets
// them; internal is merged too, so a location nested in an internal one is
// internal).
type Access struct {
	// Rules are the allow and deny directives in effect, in order; Level
	// is where they are written (nil when none).
	Rules []Entry
	Level *Block
	// DenyAll is true when the rules end with "deny all" (after which
	// nothing else matches), so an allow list is closed.
	DenyAll bool
	// AuthBasic is the auth_basic in effect, when not "off".
	AuthBasic *Entry
	// AuthRequest is the auth_request in effect, when not "off".
	AuthRequest *Entry
	// SatisfyAny is true under "satisfy any": one passing check suffices.
	SatisfyAny bool
	Satisfy    *Entry
	// Internal is the internal directive of this location or an enclosing
	// one.
	Internal *Entry
}

// Restricted reports whether any check guards the location: an allow/deny
// list that denies someone, basic authentication, auth_request, or
// internal.
func (a Access) Restricted() bool {
	if a.Internal != nil || a.AuthBasic != nil || a.AuthRequest != nil {
		return true
	}
	for _, e := range a.Rules {
		if e.D.Name == "deny" {
			return true
		}
	}
	// allow alone denies nothing, unless another guard is there.
	return false
}

// AccessAt returns the access checks in effect at b (a location, if or
// limit_except level).
func (b *Block) AccessAt() Access {
	var a Access
	for l := b; l != nil; l = l.Parent {
		var own []Entry
		for _, e := range l.Directives {
			if e.D.Name == "allow" || e.D.Name == "deny" {
				own = append(own, e)
			}
		}
		if len(own) > 0 {
			a.Rules, a.Level = own, l
			break
		}
	}
	if n := len(a.Rules); n > 0 {
		last := a.Rules[n-1].D
		a.DenyAll = last.Name == "deny" && strings.EqualFold(last.Arg(0), "all")
	}
	if e, ok := b.Scalar("auth_basic"); ok && !strings.EqualFold(e.D.Arg(0), "off") {
		a.AuthBasic = &e
	}
	if e, ok := b.Scalar("auth_request"); ok && !strings.EqualFold(e.D.Arg(0), "off") {
		a.AuthRequest = &e
	}
	if e, ok := b.Scalar("satisfy"); ok {
		a.Satisfy = &e
		a.SatisfyAny = strings.EqualFold(e.D.Arg(0), "any")
	}
	for l := b; l != nil && l.Kind != Server; l = l.Parent {
		if e, ok := l.First("internal"); ok {
			a.Internal = &e
			break
		}
	}
	return a
}
