package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/rules"
)

// wsSite is a conf.d file whose /ws/ location lacks proxy_http_version
// (WS004, error) and whose /live/ location is clean.
const wsSite = `server {
    listen 80;

    location /ws/ {
        proxy_pass http://127.0.0.1:9001;
        proxy_read_timeout 1h;
        proxy_set_header Host $http_host;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
    }
}
`

func TestConfigInit(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runIn(dir, "", "config", "init")
	if code != 0 || out != "wrote .ngxlint.yml\n" || errOut != "" {
		t.Fatalf("config init: exit %d\n%s%s", code, out, errOut)
	}
	src, err := os.ReadFile(filepath.Join(dir, ".ngxlint.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if string(src) != DefaultConfig() {
		t.Errorf("config init did not write DefaultConfig()")
	}
	cfg, err := rules.ParseConfig(filepath.Join(dir, ".ngxlint.yml"), src)
	if err != nil {
		t.Fatalf("the default configuration does not parse: %v", err)
	}
	if cfg.FailLevel != "warning" || len(cfg.Rules) != 0 || cfg.NginxVersion != "" {
		t.Errorf("the default configuration is not the default: %+v", cfg)
	}
	for _, r := range rules.All() {
		m := r.Meta()
		if !strings.Contains(string(src), fmt.Sprintf("#  %s: %-8s # %s\n", m.ID, m.Severity, m.Name)) {
			t.Errorf("the default configuration does not list %s with its default severity", m.ID)
		}
	}
	// Uncommenting the examples ("#key: ..." and "#  nested") gives a valid
	// file that sets every key; prose comments start with "# ".
	var lines []string
	for _, l := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(l, "#") && (!strings.HasPrefix(l, "# ") || strings.HasPrefix(l, "#  ")) {
			l = strings.TrimPrefix(l, "#")
		}
		lines = append(lines, l)
	}
	all, err := rules.ParseConfig(filepath.Join(dir, "x.yml"), []byte(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatalf("the uncommented examples do not parse: %v", err)
	}
	if all.NginxVersion == "" || len(all.Settings["ws-paths"]) == 0 || all.Prefix == "" || len(all.PathMap) == 0 ||
		len(all.Ignore) == 0 || len(all.Rules) != len(rules.All()) || len(all.Overrides) == 0 {
		t.Errorf("an example key is missing from the default configuration: %+v", all)
	}
	// A linted configuration gives the same result with the default file as without.
	if err := os.WriteFile(filepath.Join(dir, "site.conf"), []byte(wsSite), 0o644); err != nil {
		t.Fatal(err)
	}
	codeWith, outWith, _ := runIn(dir, "", "lint", "site.conf")
	bare := t.TempDir()
	_ = os.WriteFile(filepath.Join(bare, "site.conf"), []byte(wsSite), 0o644)
	codeWithout, outWithout, _ := runIn(bare, "", "lint", "site.conf")
	if codeWith != codeWithout || outWith != outWithout {
		t.Errorf("the default configuration changes the result:\n%s\n---\n%s", outWith, outWithout)
	}
	// Never overwrites.
	_ = os.WriteFile(filepath.Join(dir, ".ngxlint.yml"), []byte("fail-level: error\n"), 0o644)
	code, out, errOut = runIn(dir, "", "config", "init")
	if code != exitError || out != "" || !strings.Contains(errOut, ".ngxlint.yml already exists") {
		t.Errorf("config init over an existing file: exit %d\n%s%s", code, out, errOut)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, ".ngxlint.yml")); string(b) != "fail-level: error\n" {
		t.Errorf("config init overwrote the file")
	}
	code, _, _ = runIn(dir, "", "config", "init", "other.yml")
	if code != 0 {
		t.Errorf("config init other.yml: exit %d", code)
	}
}

func TestConfigCheck(t *testing.T) {
	dir := writeTree(t, map[string]string{
		".ngxlint.yml":  "fail-level: error\nrules:\n  WS004: info\n",
		"bad.yml":       "nginx-version: 1.22.1\nrules:\n  WS004: loud\n",
		"sub/x/.keep":   "",
		"syntax.yml":    "rules: [\n",
		"sub/other.yml": "ws-paths: [ws]\n",
	})
	for _, c := range []struct {
		cwd    string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{".", []string{"config", "check"}, 0, ".ngxlint.yml: valid\n", ""},
		{"sub/x", []string{"config", "check"}, 0, "../../.ngxlint.yml: valid\n", ""},
		{".", []string{"config", "check", "bad.yml"}, 2, "", "bad.yml:3:10: rule WS004: severity must be off, info, warning or error, not \"loud\"\n"},
		{".", []string{"config", "check", "syntax.yml"}, 2, "", "syntax.yml:1:1: did not find expected node content\n"},
		{"sub", []string{"config", "check", "other.yml"}, 2, "", "other.yml:1:12: ws-paths entries are request paths and start with /, or are HOST/PATH such as chat.example.com/ws/, not \"ws\"\n"},
		{".", []string{"config", "check", "missing.yml"}, 2, "", "missing.yml: cannot read the configuration file"},
		{".", []string{"config", "check", "a", "b"}, 2, "", "at most one file"},
		{".", []string{"config"}, 2, "", "config needs a command"},
		{".", []string{"config", "frobnicate"}, 2, "", "unknown config command"},
	} {
		code, out, errOut := runIn(filepath.Join(dir, c.cwd), "", c.args...)
		if code != c.code || out != c.stdout || !strings.HasPrefix(errOut, c.stderr) && !strings.Contains(errOut, c.stderr) {
			t.Errorf("%s in %s: exit %d\nstdout %q\nstderr %q\nwant exit %d, %q, %q", strings.Join(c.args, " "), c.cwd, code, out, errOut, c.code, c.stdout, c.stderr)
		}
	}
	empty := t.TempDir()
	if code, _, errOut := runIn(empty, "", "config", "check"); code != 2 || !strings.Contains(errOut, "config init writes one") {
		t.Errorf("config check with no file: exit %d, %s", code, errOut)
	}
}

// TestFlagsOverrideConfig: each key of .ngxlint.yml works, and the flag of
// the same name wins over it.
func TestFlagsOverrideConfig(t *testing.T) {
	httpOnly := "server {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_read_timeout 1h;\n    }\n}\n"
	cases := []struct {
		name   string
		config string
		files  map[string]string
		args   []string
		code   int
		has    []string // substrings of stdout
		hasNot []string
	}{
		{name: "fail-level from the file", config: "fail-level: error\nrules: {WS004: warning}\n",
			args: []string{"site.conf"}, code: 0, has: []string{"warning:"}},
		{name: "--fail-level wins", config: "fail-level: error\nrules: {WS004: warning}\n",
			args: []string{"--fail-level", "warning", "site.conf"}, code: 1},
		{name: "nginx-version from the file", config: "nginx-version: 1.29.7\n",
			args: []string{"site.conf"}, code: 0, hasNot: []string{"WS004"}},
		{name: "--nginx-version wins", config: "nginx-version: 1.29.7\n",
			args: []string{"--nginx-version", "1.22.1", "site.conf"}, code: 1, has: []string{"WS004"}},
		{name: "rules off", config: "rules: {WS004: off}\n",
			args: []string{"site.conf"}, code: 0, hasNot: []string{"WS004"}},
		{name: "override by path, relative to the file", config: "overrides:\n  - files: [conf.d/*.conf]\n    rules: {WS004: info}\n",
			files: map[string]string{"conf.d/a.conf": wsSite}, args: []string{"--show", "info", "conf.d/a.conf", "site.conf"}, code: 1,
			has: []string{"conf.d/a.conf:4:5: info:", "site.conf:4:5: error:"}},
		{name: "ignore globs", config: "ignore: [conf.d/**]\n",
			files: map[string]string{"conf.d/a.conf": wsSite}, args: []string{"conf.d/a.conf"}, code: 0, hasNot: []string{"a.conf"}},
		{name: "no-inline-ignores from the file", config: "no-inline-ignores: true\n",
			files: map[string]string{"s.conf": "# ngxlint ignore-file=WS004 -- appliance\n" + wsSite}, args: []string{"s.conf"}, code: 1, has: []string{"WS004"}},
		{name: "--no-inline-ignores=false wins", config: "no-inline-ignores: true\n",
			files: map[string]string{"s.conf": "# ngxlint ignore-file=WS004 -- appliance\n" + wsSite}, args: []string{"--no-inline-ignores=false", "s.conf"}, code: 0},
		{name: "--no-inline-ignores", files: map[string]string{"s.conf": "# ngxlint ignore-file=WS004\n" + wsSite},
			args: []string{"--no-inline-ignores", "s.conf"}, code: 1, has: []string{"WS004"}, hasNot: []string{"NGX006"}},
		{name: "ws-paths from the file", config: "ws-paths: [/ws/]\n", files: map[string]string{"h.conf": httpOnly},
			args: []string{"h.conf"}, code: 1, has: []string{"ws-paths in"}},
		{name: "--ws-path wins", config: "ws-paths: [/ws/]\n", files: map[string]string{"h.conf": strings.ReplaceAll(httpOnly, "/ws/", "/app/")},
			args: []string{"--ws-path", "/app/", "h.conf"}, code: 1, has: []string{"--ws-path"}},
		{name: "path-map from the file", config: "path-map:\n  /etc/nginx: ./deploy\n",
			files: map[string]string{"main.conf": "events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n", "deploy/conf.d/ws.conf": wsSite},
			args:  []string{"main.conf"}, code: 1, has: []string{"deploy/conf.d/ws.conf:4:5: error:"}},
		{name: "--path-map wins", config: "path-map:\n  /etc/nginx: ./nowhere\n",
			files: map[string]string{"main.conf": "events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n", "deploy/conf.d/ws.conf": wsSite},
			args:  []string{"--path-map", "/etc/nginx=DIR/deploy", "main.conf"}, code: 1, has: []string{"deploy/conf.d/ws.conf:4:5: error:"}},
		{name: "--config names another file", config: "fail-level: error\n",
			files: map[string]string{"strict.yml": "fail-level: info\nrules: {WS004: info}\n"}, args: []string{"--config", "strict.yml", "site.conf"}, code: 1, has: []string{"info:"}},
		{name: "an invalid file is exit 2", config: "fail-level: loud\n", args: []string{"site.conf"}, code: 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := map[string]string{"site.conf": wsSite}
			if c.config != "" {
				files[".ngxlint.yml"] = c.config
			}
			for p, s := range c.files {
				files[p] = s
			}
			dir := writeTree(t, files)
			// run from a subdirectory: the file is found upward, and its
			// relative paths stay relative to it
			sub := filepath.Join(dir, "work")
			if err := os.MkdirAll(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			var args []string
			for _, a := range c.args {
				if _, err := os.Stat(filepath.Join(dir, a)); err == nil && !strings.HasPrefix(a, "-") && !strings.Contains(a, "=") {
					a = "../" + a
				}
				a = strings.ReplaceAll(a, "DIR", dir)
				args = append(args, a)
			}
			code, out, errOut := runIn(sub, "", append([]string{"lint"}, args...)...)
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s%s", code, c.code, out, errOut)
			}
			for _, h := range c.has {
				if !strings.Contains(out, h) {
					t.Errorf("output lacks %q:\n%s%s", h, out, errOut)
				}
			}
			for _, h := range c.hasNot {
				if strings.Contains(out, h) {
					t.Errorf("output has %q:\n%s", h, out)
				}
			}
		})
	}
}

// TestReadmeConfigExample: the .ngxlint.yml example in README.md is valid.
func TestReadmeConfigExample(t *testing.T) {
	src, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)### Configuration file.*?```yaml\n(.*?)```").FindSubmatch(src)
	if m == nil {
		t.Fatal("README.md has no ```yaml block under ### Configuration file")
	}
	if _, err := rules.ParseConfig("README.md", m[1]); err != nil {
		t.Errorf("the README's configuration example is invalid: %v", err)
	}
}

// manyFiles writes n small conf.d files, a third of them with findings.
func manyFiles(tb testing.TB, n int) string {
	dir := tb.TempDir()
	confd := filepath.Join(dir, "conf.d")
	if err := os.MkdirAll(confd, 0o755); err != nil {
		tb.Fatal(err)
	}
	for i := 0; i < n; i++ {
		var src string
		switch i % 3 {
		case 0:
			src = strings.ReplaceAll(wsSite, "/ws/", fmt.Sprintf("/ws%d/", i))
		case 1:
			src = fmt.Sprintf("server {\n    listen 80;\n    server_name s%d.example.com;\n    location /socket.io/ {\n        proxy_pass http://127.0.0.1:%d;\n        proxy_http_version 1.1;\n        proxy_read_timeout 1h;\n        proxy_set_header Host $http_host;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n    }\n}\n", i, 9000+i)
		default:
			src = fmt.Sprintf("# ngxlint ignore-file=WS004\nserver {\n    listen 80;\n    location /chat%d/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_read_timeout 1h;\n        proxy_set_header Host $http_host;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"ugrade\";\n    }\n}\n", i)
		}
		if err := os.WriteFile(filepath.Join(confd, fmt.Sprintf("site%03d.conf", i)), []byte(src), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// TestConcurrentEqualsSerial: linting many files with a pool gives exactly
// the output of a serial run, in every format.
func TestConcurrentEqualsSerial(t *testing.T) {
	dir := manyFiles(t, 90)
	for _, f := range formatNames() {
		code1, serial, err1 := runIn(dir, "", "lint", "--jobs", "1", "--format", f, "conf.d")
		if code1 != exitFindings || err1 != "" || serial == "" {
			t.Fatalf("%s serial: exit %d, %s", f, code1, err1)
		}
		for _, jobs := range []string{"2", "7", "64"} {
			code, out, errOut := runIn(dir, "", "lint", "--jobs", jobs, "--format", f, "conf.d")
			if code != code1 || out != serial || errOut != err1 {
				t.Errorf("%s --jobs %s differs from --jobs 1", f, jobs)
			}
		}
		code, out, _ := runIn(dir, "", "lint", "--format", f, "conf.d")
		if code != code1 || out != serial {
			t.Errorf("%s with the default pool differs from --jobs 1", f)
		}
	}
	out := mustRun(t, dir, "lint", "--format", "github", "conf.d")
	for _, id := range []string{"WS004", "WS009", "NGX006"} {
		if n := strings.Count(out, "title="+id+" "); n != 30 {
			t.Errorf("want 30 %s findings, got %d", id, n)
		}
	}
	if code, _, errOut := runIn(dir, "", "lint", "--jobs", "0", "conf.d"); code != exitError || !strings.Contains(errOut, "--jobs must be at least 1") {
		t.Errorf("--jobs 0: exit %d, %s", code, errOut)
	}
}

func mustRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	_, out, _ := runIn(dir, "", args...)
	return out
}

// BenchmarkLintManySmallFiles lints 500 small conf.d files (what a
// pre-commit hook or CI job over a sites-enabled tree sees), with the
// default pool and serially.
func BenchmarkLintManySmallFiles(b *testing.B) {
	dir := manyFiles(b, 500)
	for _, jobs := range []string{"1", "0"} {
		name := "serial"
		if jobs == "0" {
			name = "pool"
		}
		b.Run(name, func(b *testing.B) {
			args := []string{"ngxlint", "lint", "--fail-level", "error", "conf.d"}
			if jobs == "1" {
				args = []string{"ngxlint", "lint", "--jobs", "1", "--fail-level", "error", "conf.d"}
			}
			b.ReportAllocs()
			for b.Loop() {
				e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, cwd: dir, getenv: os.Getenv}
				if code := e.run(args); code != exitFindings {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}
