package syntax

import "github.com/ngxlint/ngxlint/rules"

func init() { rules.Register(&suppressionWithoutReasonRule{}) }

// suppressionWithoutReasonRule is reported by the engine while it applies
// inline suppressions (suppress.go); Check does nothing.
type suppressionWithoutReasonRule struct{}

var suppressionWithoutReasonMeta = &rules.Meta{
	ID: rules.SuppressionWithoutReasonID, Name: "suppression-without-reason", Severity: rules.Warning,
	Doc: rules.Doc{
		Summary: "An inline suppression (# ngxlint ignore=...) gives no reason.",
		Why: "A suppression hides a finding from every later run, so the only record of why the finding does not apply " +
			"is the comment itself. Without a reason the next reader cannot tell a considered exception (the backend sets the " +
			"headers itself, the location never carries WebSocket) from a silenced error, and nobody revisits it when the " +
			"configuration changes. The suppression still applies; this finding asks for the reason.",
		Bad:  "# ngxlint ignore=WS003\nlocation /ws/ {\n    proxy_set_header Host $host;\n    proxy_pass http://127.0.0.1:9001;\n}",
		Good: "# ngxlint ignore=WS003 -- the backend on 9001 only serves long polling, never WebSocket\nlocation /ws/ {\n    proxy_set_header Host $host;\n    proxy_pass http://127.0.0.1:9001;\n}",
		Fix:  "Write the reason after \" -- \" on the same comment line: # ngxlint ignore=ID[,ID...] -- reason.",
		SeverityNote: "Warning although nothing in nginx breaks: a suppression is part of the merge gate, and at info the default " +
			"fail level would let unexplained suppressions through. Set NGX006: info or off in .ngxlint.yml to relax it. " +
			"It cannot itself be suppressed by a comment.",
		Since: "0.1.0",
		Refs:  []string{"README.md, section Suppressions"},
	},
}

func (*suppressionWithoutReasonRule) Meta() *rules.Meta { return suppressionWithoutReasonMeta }
func (*suppressionWithoutReasonRule) Check(*rules.Pass) {}
