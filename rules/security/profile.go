package security

import (
	"strings"

	"github.com/ngxlint/ngxlint/rules"
)

// memo keeps the family's per-unit state in the framework's memo.
func memo[T any](p *rules.Pass, key any, build func() T) T { return rules.Memo(p, key, build) }

// The family's setting: "security: strict" in .ngxlint.yml (or
// --security strict) raises the opinionated checks to warnings and turns
// on the checks that are off by default.
func init() {
	rules.RegisterSetting(rules.Setting{
		Key: "security", Flag: "security",
		Usage:    "security profile: strict raises the security family's opinionated checks to warnings",
		Hint:     "a profile: default or strict",
		Valid:    func(v string) bool { return v == "default" || v == "strict" },
		FlagRule: "must be default or strict",
		FileRule: "must be default or strict",
	})
}

func profile(p *rules.Pass) string {
	vs, _ := p.Opts.Setting("security")
	if len(vs) == 0 {
		return "default"
	}
	return strings.ToLower(vs[len(vs)-1])
}
