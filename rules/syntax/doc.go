// Package syntax is the loading family: files that do not parse, includes
// that cannot be followed, byte-order marks, and the inline suppressions
// themselves (NGX rules). Its errors claim that nginx -t fails.
package syntax

import "github.com/ngxlint/ngxlint/rules"

func init() {
	rules.RegisterFamily(rules.Family{Name: "syntax", Claim: rules.NginxRejects, Package: "github.com/ngxlint/ngxlint/rules/syntax"})
}
