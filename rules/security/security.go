// Package security is the security family: nginx's semantic traps and the
// attacks they open (header inheritance, alias traversal, SSRF, response
// splitting, Host spoofing, weak Origin/Referer checks, access-control
// bypasses, disclosure, TLS). Each rule asks the model (parser/model) what
// nginx does: which variables the client controls, which lists a level
// inherits, which location serves a path, which server gets any Host.
//
// The family's claim, checked end to end against a real nginx
// (security_e2e_test.go): an error is an attack that works; the test sends
// the attacking request and shows its effect (a file read outside the
// root, a request forwarded to a port the client chose, a line break
// injected into a response header, a check bypassed). A warning is strong
// evidence (a security header the author wrote that nginx does not send);
// info is an opinion, raised to warning by the strict profile.
package security

import (
	"fmt"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

// The family's claim is EffectShows, which the shared end-to-end suite
// (cmd/ngxlint/e2e_*) has no generic check for: every rule has its own
// attack. TestE2EProofs (security_e2e_test.go) is the check: it runs each
// attack against a real nginx, and fails when an error rule of the family
// has no proof.
func init() {
	rules.RegisterFamily(rules.Family{
		Name:    "security",
		Claim:   rules.EffectShows,
		Proof:   "go test ./rules/security -run TestE2EProofs",
		Package: "github.com/ngxlint/ngxlint/rules/security",
	})
}

// state is what the family computes once per unit.
type state struct {
	src   *model.Sources
	hosts *model.Hosts
}

type stateKey struct{}

func stateOf(p *rules.Pass) *state {
	return memo(p, stateKey{}, func() *state {
		return &state{src: model.NewSources(p.Cfg), hosts: model.NewHosts(p.Cfg)}
	})
}

// anchor is where a finding about a whole level is reported: the
// directive that opens it, or its first directive.
func anchor(b *model.Block) rules.Span {
	if b.Dir != nil {
		return rules.DirectiveSpan(b.Dir)
	}
	for _, e := range b.Directives {
		return rules.DirectiveSpan(e.At())
	}
	return rules.Span{}
}

// levelName names a level for messages.
func levelName(b *model.Block) string {
	switch b.Kind {
	case model.Location, model.If:
		return b.Name()
	case model.Server:
		if names := b.Own("server_name"); len(names) > 0 && len(names[0].D.Args) > 0 && !b.Synthetic {
			return "server " + names[0].D.Arg(0)
		}
	}
	return b.Name()
}

// at is "line N" (or "file:N") for directive d, seen from file.
func at(d *parser.Directive, from *parser.File) string { return rules.Line(d, from) }

// text is a directive as written (its head, without the block), for fixes
// that repeat it elsewhere.
func text(d *parser.Directive) string {
	return strings.TrimSpace(string(d.File.Src[d.Start():d.HeaderEnd()]))
}

// locations returns the location-like levels of the unit that serve
// requests (not upstream or other blocks).
func locations(c *model.Config) []*model.Block { return c.Locations }

// strict reports whether the security profile is strict (.ngxlint.yml
// "security: strict"): opinionated checks then report warnings.
func strict(p *rules.Pass) bool { return profile(p) == "strict" }

// opinion is the severity of an opinionated finding.
func opinion(p *rules.Pass) rules.Severity {
	if strict(p) {
		return rules.Warning
	}
	return rules.Info
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func quoteList(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

var _ = fmt.Sprintf
