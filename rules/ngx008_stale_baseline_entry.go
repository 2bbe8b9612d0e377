package rules

// The framework's own family holds one rule, an info note about the
// baseline file, which nginx never reads: its findings make no claim the
// end-to-end suite could check.
func init() {
	RegisterFamily(Family{Name: "baseline", Claim: NoClaim, Package: "github.com/ngxlint/ngxlint/rules"})
	Register(&staleBaselineRule{})
}

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
		Bad: "# site.conf\n# proxy_set_header Connection \"ugrade\" was corrected after the baseline was written\n" +
			"server {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_set_header Host $http_host;\n        proxy_read_timeout 1h;\n    }\n}\n" +
			"# ngxlint-baseline.json\n{\n  \"version\": 1,\n  \"findings\": [\n" +
			"    {\"rule\":\"WS009\",\"file\":\"site.conf\",\"context\":\"server{listen 80} > location /ws/\",\"directive\":\"proxy_set_header Connection ugrade\"}\n" +
			"  ]\n}",
		Good: "# site.conf\n" +
			"server {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_set_header Host $http_host;\n        proxy_read_timeout 1h;\n    }\n}\n" +
			"# ngxlint-baseline.json\n" +
			"{\n  \"version\": 1,\n  \"findings\": []\n}",
		Fix: "Delete the entry from the baseline file, or write the file again from the findings of today with " +
			"ngxlint lint --write-baseline FILE (which also drops every other stale entry). The finding is positioned on the " +
			"entry's line in the baseline file.",
		SeverityNote: "Info: nothing in nginx breaks. Set NGX008: warning in .ngxlint.yml to make a stale baseline fail the gate.",
		Since:        "0.1.0",
		Refs:         []string{"https://github.com/ngxlint/ngxlint#baselines"},
	},
}

func (*staleBaselineRule) Meta() *Meta { return staleBaselineMeta }
func (*staleBaselineRule) Check(*Pass) {}
