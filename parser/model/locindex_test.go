package model

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
)

// refFindStatic is ngx_http_core_find_static_location written as a scan of
// every static location of a level: the definition the index must agree with.
func refFindStatic(level *Block, uri string) (*Block, rc) {
	var exactEq, prefixEq, redirect, longest *Block
	for _, l := range level.Children {
		if l.Kind != Location || l.Loc == nil || l.Loc.IsNamed() || l.Loc.IsRegex() {
			continue
		}
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

func TestLocationIndexAgreesWithScan(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	parts := []string{"", "/", "/a", "/a/", "/ab", "/a/b", "/a/b/", "/b", "/b/", "/ws", "/ws/", "/ws/x"}
	mods := []string{"", "", "=", "^~", "~", "@"}
	for round := 0; round < 2000; round++ {
		srv := &Block{Kind: Server}
		n := 8
		if round%2 == 1 {
			n = 2 * locScanUpTo // levels that build an index
		}
		for i := rng.Intn(n); i >= 0; i-- {
			l := &Block{Kind: Location, Parent: srv, Loc: &LocationSpec{Modifier: mods[rng.Intn(len(mods))], Pattern: parts[rng.Intn(len(parts))]}}
			if rng.Intn(2) == 0 {
				l.Directives = []Entry{{D: &parser.Directive{Name: "proxy_pass"}}}
			}
			srv.Children = append(srv.Children, l)
		}
		for _, name := range parts {
			var want *Block
			if x := srv.locations(); x.named != nil {
				want = x.named[name]
			}
			if got := srv.NamedLocation("@" + name); got != want {
				t.Fatalf("round %d, @%s: NamedLocation %v, index %v", round, name, got, want)
			}
		}
		for _, uri := range parts {
			wl, wc := refFindStatic(srv, uri)
			gl, gc := srv.locations().findStatic(uri)
			if gl != wl || gc != wc {
				t.Fatalf("round %d, uri %q: index %v %d, scan %v %d", round, uri, gl, gc, wl, wc)
			}
			sl, sc := srv.scanStatic(uri)
			if sl != wl || sc != wc {
				t.Fatalf("round %d, uri %q: scanStatic %v %d, scan %v %d", round, uri, sl, sc, wl, wc)
			}
		}
	}
}

func TestFindLocationDoesNotAllocate(t *testing.T) {
	srv := &Block{Kind: Server}
	for _, p := range []string{"/", "/api/", "/ws/", "/static/"} {
		srv.Children = append(srv.Children, &Block{Kind: Location, Parent: srv, Loc: &LocationSpec{Pattern: p}})
	}
	srv.FindLocation("/ws/chat") // builds the index
	if n := testing.AllocsPerRun(100, func() { srv.FindLocation("/ws/chat"); srv.PrefixLocation("/api/v1") }); n != 0 {
		t.Errorf("a lookup allocates %v times", n)
	}
}
