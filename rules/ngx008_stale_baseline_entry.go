package rules

func init() { Register(&staleBaselineRule{}) }

// staleBaselineRule is reported by Baseline.Apply (baseline.go) for a
// baseline entry that matches no finding; Check does nothing.
type staleBaselineRule struct{}

var staleBaselineMeta = &Meta{
	ID: StaleBaselineID, Name: "stale-baseline-entry", Severity: Info,
	Doc: Doc{
		Summary: "An entry of the baseline file (lint --baseline FILE) matches no finding any more.",
		Why: "A baseline holds findings accepted for now, so that a gate fails only on new ones. An entry whose finding was " +
			"fixed (or whose directive changed) hides nothing today, but it would hide the next finding of that rule on the same " +
			"directive in the same block, one that nobody reviewed. Reporting it lets the file shrink as findings are fixed.",
		Bad: "// ngxlint-baseline.json, after proxy_set_header Connection \"ugrade\" was corrected to \"upgrade\"\n" +
			"{\n  \"version\": 1,\n  \"findings\": [\n" +
			"    {\"rule\":\"WS009\",\"file\":\"conf.d/chat.conf\",\"context\":\"server{server_name chat.example.com; listen 443} > location /ws/\",\"directive\":\"proxy_set_header Connection ugrade\"}\n" +
			"  ]\n}",
		Good: "// ngxlint-baseline.json, written again with ngxlint lint --write-baseline ngxlint-baseline.json\n" +
			"{\n  \"version\": 1,\n  \"findings\": []\n}",
		Fix: "Delete the entry from the baseline file, or write the file again from the findings of today with " +
			"ngxlint lint --write-baseline FILE (which also drops every other stale entry). The finding is positioned on the " +
			"entry's line in the baseline file.",
		SeverityNote: "Info: nothing in nginx breaks. Set NGX008: warning in .ngxlint.yml to make a stale baseline fail the gate.",
		Since:        "0.1.0",
		Refs:         []string{"README.md, section Baselines"},
	},
}

func (*staleBaselineRule) Meta() *Meta { return staleBaselineMeta }
func (*staleBaselineRule) Check(*Pass) {}
