// Package rules is the framework every rule family is written on: the Rule
// interface and its documentation (Meta, Doc), the registry (Register,
// All, Lookup), the Pass a rule reports through, findings with their
// byte-exact spans and fixes, the engine (Lint), the fixer (ApplyFixes),
// inline suppressions and the .ngxlint.yml configuration. It holds no rule
// and no knowledge of any family; nginx's own facts live under parser/.
//
// # Families
//
// A family is one package under rules/ (rules/websocket, rules/syntax, and
// the ones to come); rules/all imports every family for the CLI. A family
// package:
//
//   - declares itself and the claim its errors make, once, from init:
//     rules.RegisterFamily(rules.Family{Name: "websocket", Claim: rules.HandshakeFails,
//     Package: "github.com/ngxlint/ngxlint/rules/websocket"}) (without Package, the
//     caller's package is found from the stack, which costs a start more).
//     The claim (NginxRejects, HandshakeFails, EffectShows) is what the
//     end-to-end suite checks every error of the family against, with a
//     real nginx. A claim the shared suite cannot judge (EffectShows: each
//     rule has its own attack) is checked by the family's own test, named
//     in Family.Proof; the shared suite then leaves the family to it.
//   - keeps the state its rules share per configuration unit (an index,
//     the evidence of intent) with Memo: rules.Memo(p, key{}, build) runs
//     build once per unit, whichever rule asks first, and hands every rule
//     of the unit the same value. key is a value of an unexported type of
//     the family. No globals: units are linted in parallel.
//   - declares the options its users set with RegisterSetting: a
//     .ngxlint.yml key holding a list of strings and a repeatable flag
//     (ws-paths, --ws-path). The CLI and the configuration file accept
//     them; rules read them with p.Opts.Setting(key), which also says where
//     they came from, for messages.
//   - grades its evidence in one shared helper (websocket's intent.go), so
//     that rules ask rather than guess, and severity follows certainty.
//
// # Rules
//
// A rule is one file, rules/<family>/<id>_<name>.go: a type whose Meta
// gives a stable id, a kebab-case name, a default severity and the
// documentation as data (summary, why, a bad and a good example, the fix,
// references users can open), and whose Check(p) reads the model
// (p.Cfg, from parser/model) and reports with p.Report or p.ReportSev at a
// Span (DirectiveSpan, WordSpan, VarSpan). A finding may carry a Fix: byte
// edits on the original file (ReplaceWord, InsertAfter, InsertInLevel,
// DeleteDirective... copy the indentation and line endings of their
// neighbors). A rule never parses text, reads files or prints. A rule
// whose findings come from loading (a file that does not parse) implements
// ProblemRule instead of checking.
//
// The rule registers itself from init with Register, and `ngxlint rules`,
// `ngxlint explain`, SARIF and the README table take it from the registry.
//
// # Tests
//
// The rule's fixture, fixtures/rules/<ID>/<name>.conf, writes what it
// expects on the line where each finding starts:
//
//	proxy_set_header Connection "ugrade"; # want WS009 `misspells "upgrade"`
//
// rules/ruletest runs every fixture of a family with one line in the
// family's test (func TestRules(t *testing.T) { ruletest.Run(t) }): every
// expectation met, no unexpected finding of the rule, the rule's own fixes
// giving <name>.fixed.conf, and the documentation's bad example triggering
// the rule while the good one does not. So adding a rule is one rule file,
// one fixture file, and the regenerated README table
// (go test ./cmd/ngxlint -run TestReadmeRuleTable -update).
//
// # The engine
//
// Lint builds the model of each unit once, runs every rule on it (units in
// parallel, rules of a unit in turn), applies the severities of the
// configuration and its per-path overrides, keeps the findings of the
// files the unit reports, removes duplicates, applies inline suppressions
// (and reports those without a reason or without effect) and sorts. The
// fixer applies the fixes of findings at or above a level to the original
// bytes in rounds, re-parsing and re-linting after each: a fix that does
// not parse or does not remove its finding is refused.
package rules
