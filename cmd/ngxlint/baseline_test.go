package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const baselineConf = `events {}
http {
    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }
    server {
        listen 127.0.0.1:8080;
        server_name chat.example.test;
        location /ws/ {
            proxy_pass http://127.0.0.1:9001;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            add_header X-Id $request_idd;
            add_header X-Id $request_idd;
            proxy_set_header Connection "ugrade";
        }
    }
}
`

func blWriteTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func rulesOf(fs []dumpFinding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

func TestBaseline(t *testing.T) {
	dir := t.TempDir()
	blWriteTree(t, dir, map[string]string{"nginx.conf": baselineConf})
	lint := func(args ...string) (int, []dumpFinding, string) {
		t.Helper()
		code, out, stderr := runIn(dir, "", append(append([]string{"lint", "--format", "json", "--fail-level", "info"}, args...), "nginx.conf")...)
		if code == 2 {
			return code, nil, stderr
		}
		return code, dumpFindings(t, out), stderr
	}
	code, before, _ := lint()
	if code != 1 || len(before) < 3 {
		t.Fatalf("the configuration should have findings: exit %d, %v", code, rulesOf(before))
	}

	// --write-baseline: every finding written, none shown, exit 0; a
	// directory that does not exist is an I/O error
	code, _, stderr := lint("--write-baseline", "ci/baseline.json")
	if code != 2 || !strings.Contains(stderr, "no such file or directory") {
		t.Fatalf("--write-baseline into a missing directory: exit %d, stderr %s", code, stderr)
	}
	if err := os.MkdirAll(filepath.Join(dir, "ci"), 0o755); err != nil {
		t.Fatal(err)
	}
	code, fs, stderr := lint("--write-baseline", "ci/baseline.json")
	if code != 0 || len(fs) != 0 || !strings.Contains(stderr, "wrote the baseline ci/baseline.json: ") {
		t.Fatalf("--write-baseline: exit %d, findings %v, stderr %s", code, rulesOf(fs), stderr)
	}
	written, _ := os.ReadFile(filepath.Join(dir, "ci/baseline.json"))
	text := string(written)
	if strings.Count(text, `"rule":"WS010"`) != 2 {
		t.Errorf("two identical WS010 findings in one block need two entries:\n%s", text)
	}
	if !strings.Contains(text, `"file":"../nginx.conf"`) || !strings.Contains(text, `"context":"http > server{server_name chat.example.test; listen 127.0.0.1:8080} > location /ws/"`) ||
		!strings.Contains(text, `"directive":"proxy_set_header Connection ugrade"`) {
		t.Errorf("baseline entries (paths relative to the baseline's directory, block identity, directive):\n%s", text)
	}
	if strings.Count(text, "\n") != len(before)+5 {
		t.Errorf("want one entry per line:\n%s", text)
	}

	// --baseline: nothing is shown, exit 0
	if code, fs, stderr := lint("--baseline", "ci/baseline.json"); code != 0 || len(fs) != 0 {
		t.Fatalf("--baseline right after writing it: exit %d, %v %s", code, rulesOf(fs), stderr)
	}

	// lines inserted above and into the same block do not bring findings back
	moved := strings.Replace(baselineConf, "events {}\n", "# a comment\nevents {}\n\n\n", 1)
	moved = strings.Replace(moved, "            proxy_pass http://127.0.0.1:9001;\n", "            # a note\n            proxy_pass http://127.0.0.1:9001;\n            proxy_buffering off;\n", 1)
	moved = strings.Replace(moved, "        location /ws/ {", "        location = /health { return 200; }\n        location /ws/ {", 1)
	blWriteTree(t, dir, map[string]string{"nginx.conf": moved})
	if code, fs, _ := lint("--baseline", "ci/baseline.json"); code != 0 || len(fs) != 0 {
		t.Errorf("after inserting lines: exit %d, %v", code, rulesOf(fs))
	}

	// a third identical finding in the block is new
	more := strings.Replace(moved, "            add_header X-Id $request_idd;\n", "            add_header X-Id $request_idd;\n            add_header X-Id $request_idd;\n", 1)
	blWriteTree(t, dir, map[string]string{"nginx.conf": more})
	if code, fs, _ := lint("--baseline", "ci/baseline.json"); code != 1 || strings.Join(rulesOf(fs), " ") != "WS010" {
		t.Errorf("a third identical finding: exit %d, %v; want one WS010", code, rulesOf(fs))
	}

	// a fixed finding leaves a stale entry, reported where it is in the baseline
	fixed := strings.Replace(moved, `"ugrade"`, `"upgrade"`, 1)
	blWriteTree(t, dir, map[string]string{"nginx.conf": fixed})
	code, fs, _ = lint("--baseline", "ci/baseline.json")
	if code != 1 || len(fs) != 1 || fs[0].Rule != "NGX008" || fs[0].Severity != "info" || fs[0].File != "ci/baseline.json" {
		t.Fatalf("after fixing WS009: exit %d, %+v", code, fs)
	}
	if line := strings.Split(text, "\n")[fs[0].Line-1]; !strings.Contains(line, `"rule":"WS009"`) || !strings.Contains(fs[0].Message, "WS009") {
		t.Errorf("NGX008 points at line %d %q: %s", fs[0].Line, line, fs[0].Message)
	}
	// info does not fail the default gate; text output counts the entry,
	// and shows it with --show info
	code, out, _ := runIn(dir, "", "lint", "--baseline", "ci/baseline.json", "nginx.conf")
	if code != 0 || !strings.Contains(out, "(1 info note not shown: --show info shows them)") {
		t.Errorf("text output with a stale entry: exit %d\n%s", code, out)
	}
	code, out, _ = runIn(dir, "", "lint", "--show", "info", "--baseline", "ci/baseline.json", "nginx.conf")
	if code != 0 || !strings.Contains(out, "ci/baseline.json:") || !strings.Contains(out, "[NGX008 stale-baseline-entry]") {
		t.Errorf("text output with a stale entry, --show info: exit %d\n%s", code, out)
	}
	// every format exits as lint does
	for _, format := range formatNames() {
		if code, _, stderr := runIn(dir, "", "lint", "--format", format, "--baseline", "ci/baseline.json", "--fail-level", "info", "nginx.conf"); code != 1 {
			t.Errorf("--format %s: exit %d, %s", format, code, stderr)
		}
	}
	// writing again drops the stale entry; writing is stable
	lint("--write-baseline", "ci/baseline.json")
	again, _ := os.ReadFile(filepath.Join(dir, "ci/baseline.json"))
	if strings.Contains(string(again), "WS009") || strings.Count(string(again), "\n") != strings.Count(text, "\n")-1 {
		t.Errorf("rewritten baseline:\n%s", again)
	}
	lint("--write-baseline", "ci/baseline.json")
	if third, _ := os.ReadFile(filepath.Join(dir, "ci/baseline.json")); string(third) != string(again) {
		t.Errorf("writing the baseline twice differs:\n%s\n%s", again, third)
	}
}

func TestBaselineErrors(t *testing.T) {
	dir := t.TempDir()
	blWriteTree(t, dir, map[string]string{
		"nginx.conf":  baselineConf,
		"bad.json":    "{\"version\": 1, \"findings\": [\n  {\"rule\": \"WS009\", \"fil\": \"x\"}\n]}\n",
		"old.json":    "{\"version\": 7, \"findings\": []}\n",
		"notjson.txt": "hello\n",
	})
	for name, want := range map[string]string{
		"missing.json": "no such file",
		"bad.json":     "bad.json:2:",
		"old.json":     "version 7",
		"notjson.txt":  "not a baseline file",
	} {
		code, out, stderr := runIn(dir, "", "lint", "--baseline", name, "nginx.conf")
		if code != 2 || out != "" || !strings.Contains(stderr, want) {
			t.Errorf("--baseline %s: exit %d, stdout %q, stderr %q; want 2 and %q", name, code, out, stderr, want)
		}
	}
}

// TestBaselineFollowsLinks: a finding is the same whether its file is
// reached through the sites-enabled/ link or the sites-available/ file.
func TestBaselineFollowsLinks(t *testing.T) {
	dir := t.TempDir()
	site := strings.TrimSuffix(strings.TrimPrefix(baselineConf, "events {}\nhttp {\n"), "}\n")
	blWriteTree(t, dir, map[string]string{"nginx/sites-available/chat": site})
	if err := os.MkdirAll(filepath.Join(dir, "nginx/sites-enabled"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../sites-available/chat", filepath.Join(dir, "nginx/sites-enabled/chat")); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runIn(dir, "", "lint", "--write-baseline", "b.json", "nginx/"); code != 0 {
		t.Fatalf("--write-baseline: exit %d %s", code, stderr)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "b.json"))
	if !strings.Contains(string(b), `"file":"nginx/sites-available/chat"`) {
		t.Errorf("baseline:\n%s", b)
	}
	for _, p := range []string{"nginx/sites-enabled/chat", "nginx/sites-available/chat"} {
		if code, out, stderr := runIn(dir, "", "lint", "--fail-level", "info", "--baseline", "b.json", p); code != 0 || out != "" {
			t.Errorf("lint --baseline b.json %s: exit %d\n%s%s", p, code, out, stderr)
		}
	}
}
