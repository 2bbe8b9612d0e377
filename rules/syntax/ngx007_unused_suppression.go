package syntax

import "github.com/ngxlint/ngxlint/rules"

func init() { rules.Register(&unusedSuppressionRule{}) }

// unusedSuppressionRule is reported by the engine while it applies inline
// suppressions (suppress.go); Check does nothing.
type unusedSuppressionRule struct{}

var unusedSuppressionMeta = &rules.Meta{
	ID: rules.UnusedSuppressionID, Name: "unused-suppression", Severity: rules.Warning, Fixable: true,
	Doc: rules.Doc{
		Summary: "An inline suppression suppresses nothing: no such finding, an unknown rule, misplaced or malformed.",
		Why: "A suppression that matches no finding is stale (the problem was fixed, or the block moved) or never worked " +
			"(a misspelled rule id, a comment that is not on the line right above the directive, a trailing comment). A stale one " +
			"silently hides the next real finding of that rule in the same block, one that nobody reviewed; one that never " +
			"worked misleads the reader into thinking the finding was considered. A suppression of a rule that the configuration " +
			"turns off for the file is not reported.",
		Bad:  "# ngxlint ignore=WS004 -- old backend spoke HTTP/1.0\nlocation /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n}",
		Good: "location /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n}",
		Fix: "Remove the unused rule id (or the whole comment), correct a misspelled id (ngxlint rules lists them), or move the comment " +
			"to the line right above the directive or block it is about. ngxlint fix removes unused ids and comments that suppress " +
			"nothing; it leaves misspelled and misplaced ones to you, since they show an intent it cannot guess.",
		SeverityNote: "Warning although nothing in nginx breaks: a stale suppression weakens the merge gate. Set NGX007: info or off " +
			"in .ngxlint.yml to relax it. It cannot itself be suppressed by a comment.",
		Since: "0.1.0",
		Refs:  []string{"README.md, section Suppressions"},
	},
}

func (*unusedSuppressionRule) Meta() *rules.Meta { return unusedSuppressionMeta }
func (*unusedSuppressionRule) Check(*rules.Pass) {}
