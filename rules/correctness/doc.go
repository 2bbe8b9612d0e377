// Package correctness is the family of rules that find what `nginx -t`
// refuses, without nginx: unknown directives, directives in the wrong
// context, wrong argument counts, values nginx cannot read, duplicates
// nginx refuses, and regular expressions PCRE2 does not compile.
//
// The family's claim: every error it reports means `nginx -t` fails on
// the configuration (for the target --nginx-version), at the file and line
// the error is reported on, with the message quoted in it. Warnings and
// notes say something weaker and say so (a directive removed in a later
// nginx while the target version is unknown; a third-party module's
// directive, known only where the module is loaded).
//
// The facts come from parser/spec (generated from nginx's source); the
// rules only apply them. Ids NGX101-NGX113.
package correctness

import "github.com/ngxlint/ngxlint/rules"

// Every error of this family claims that nginx -t refuses the
// configuration; the end-to-end suite checks it against a real nginx.
func init() {
	rules.RegisterFamily(rules.Family{Name: "correctness", Claim: rules.NginxRejects, Package: "github.com/ngxlint/ngxlint/rules/correctness"})
}
