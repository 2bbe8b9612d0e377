package main

import (
	"strings"
	"testing"
)

// TestShowInfo: the text format prints warnings and errors, and says how
// many info notes it leaves out; --show info and --fail-level info print
// them; the machine formats always carry every finding.
func TestShowInfo(t *testing.T) {
	// WS004 (error) and WS017's 60 s note (info) on one location.
	dir := writeTree(t, map[string]string{"site.conf": "server {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n" +
		"        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n    }\n}\n"})
	has := func(out, s string) bool { return strings.Contains(out, s) }
	code, out, errOut := runIn(dir, "", "lint", "site.conf")
	if code != 1 || errOut != "" || !has(out, ": error: ") || has(out, ": info: ") || !has(out, " not shown: --show info shows them)\n") {
		t.Errorf("default: exit %d, stderr %q\n%s", code, errOut, out)
	}
	for _, args := range [][]string{{"--show", "info"}, {"--fail-level", "info"}} {
		code, out, _ = runIn(dir, "", append(append([]string{"lint"}, args...), "site.conf")...)
		if code != 1 || !has(out, ": info: ") || has(out, "not shown") {
			t.Errorf("%v: exit %d\n%s", args, code, out)
		}
	}
	code, out, _ = runIn(dir, "", "lint", "--show", "error", "--fail-level", "info", "site.conf")
	if code != 1 || has(out, ": info: ") || !has(out, ": error: ") {
		t.Errorf("--show error wins over --fail-level info: exit %d\n%s", code, out)
	}
	code, out, _ = runIn(dir, "", "lint", "--format", "json", "site.conf")
	if code != 1 || !has(out, `"severity": "info"`) || has(out, "not shown") {
		t.Errorf("json carries every finding: exit %d\n%s", code, out)
	}
	code, _, errOut = runIn(dir, "", "lint", "--show", "loud", "site.conf")
	if code != 2 || !has(errOut, "--show must be error, warning or info") {
		t.Errorf("--show loud: exit %d, stderr %q", code, errOut)
	}
}
