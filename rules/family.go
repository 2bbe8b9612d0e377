package rules

import (
	"runtime"
	"strings"
	"sync"
)

// A Claim is what every error of a family asserts about the configuration
// as nginx runs it. The end-to-end suite (cmd/ngxlint/e2e_*) runs each
// fixture in a real nginx and checks each error finding against the claim
// of its rule's family, so a new family plugs in by declaring its claim.
type Claim int

// The claims.
const (
	// NoClaim: the family's errors are not checked end to end.
	NoClaim Claim = iota
	// NginxRejects: nginx -t refuses the configuration (loading and syntax
	// problems; what nginx -t checks).
	NginxRejects
	// HandshakeFails: a WebSocket handshake, or the echo after it, fails
	// through the place the finding names (or nginx does not run at all).
	HandshakeFails
	// EffectShows: the effect the finding names shows against the running
	// nginx (a traversal reads a file outside the root, a request reaches
	// a backend it should not).
	EffectShows
)

func (c Claim) String() string {
	return [...]string{"no claim", "nginx -t fails", "the WebSocket handshake fails", "its effect shows"}[c]
}

// A Family is the rules of one package under rules/, and the claim their
// errors make.
type Family struct {
	Name  string // "websocket"
	Claim Claim
	// Proof, when set, is the family's own end-to-end test of its claim
	// against a real nginx (the command that runs it). The shared suite
	// (cmd/ngxlint/e2e_*), which can judge only NginxRejects and
	// HandshakeFails, leaves the family's fixtures and findings to it.
	Proof string
	// Package is the import path of the family's package, which
	// RegisterFamily otherwise finds from its caller (unwinding the stack
	// for the first time costs a new process about 0.2 ms; the families
	// under rules/ name it). A rule belongs to the family of the package
	// that defines its type.
	Package string
}

var (
	familiesMu sync.Mutex
	families   = map[string]Family{} // by package path
	// pendingFamilies are the families registered since families was
	// last read: they are filed when FamilyOf (the end-to-end tests) first
	// asks, so a start does not check them.
	pendingFamilies []pendingFamily
)

type pendingFamily struct {
	caller [1]uintptr
	f      Family
}

// RegisterFamily declares the family of the calling package, from its
// init:
//
//	func init() { rules.RegisterFamily(rules.Family{Name: "websocket", Claim: rules.HandshakeFails}) }
//
// Every rule whose type the package defines belongs to it. f.Package,
// when set, must be the caller's import path.
func RegisterFamily(f Family) {
	p := pendingFamily{f: f}
	if f.Package == "" && runtime.Callers(2, p.caller[:]) != 1 {
		panic("rules: RegisterFamily cannot tell its caller")
	}
	familiesMu.Lock()
	defer familiesMu.Unlock()
	pendingFamilies = append(pendingFamilies, p)
}

// resolveFamilies files the pending families under their packages;
// familiesMu is held.
func resolveFamilies() {
	for _, p := range pendingFamilies {
		pkg := p.f.Package
		if pkg == "" {
			frame, _ := runtime.CallersFrames(p.caller[:]).Next()
			pkg = funcPackage(frame.Function)
		}
		if _, dup := families[pkg]; dup {
			panic("rules: family of " + pkg + " registered twice")
		}
		families[pkg] = p.f
	}
	pendingFamilies = nil
}

// FamilyOf returns the family of a rule: the one its package declares.
func FamilyOf(r Rule) (Family, bool) {
	familiesMu.Lock()
	defer familiesMu.Unlock()
	resolveFamilies()
	f, ok := families[rulePackage(r)]
	return f, ok
}

// funcPackage returns the import path of a function's package from its
// full name ("example.com/a/b.init.0", "example.com/a/b.(*T).M").
func funcPackage(fn string) string {
	slash := strings.LastIndex(fn, "/")
	if dot := strings.Index(fn[slash+1:], "."); dot >= 0 {
		return fn[:slash+1+dot]
	}
	return fn
}
