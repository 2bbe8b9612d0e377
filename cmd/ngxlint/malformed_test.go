package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTree creates files (path -> content) under a new temporary directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, content := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestMalformedInput: bad input gives a clear message with its position and
// the documented exit code, never a panic. A file that does not parse is a
// finding (exit 1); a path, directory or flag problem is exit 2.
func TestMalformedInput(t *testing.T) {
	cases := []struct {
		name   string
		files  map[string]string
		args   []string
		stdin  string
		code   int
		stdout string // exact, when set
		stderr string // substring, when set
	}{
		{
			name:   "unbalanced braces",
			files:  map[string]string{"site.conf": "server {\n    location / {\n        return 200;\n    }\n"},
			args:   []string{"site.conf"},
			code:   1,
			stdout: "site.conf:5:1: error: unexpected end of file, expecting \"}\": the block opened by \"server\" on line 1 is never closed [NGX001 syntax-error]\n 5 | \n   | ^\n",
		},
		{
			name:   "unterminated quote",
			files:  map[string]string{"site.conf": "server {\n    return 200 \"ok;\n}\n"},
			args:   []string{"site.conf"},
			code:   1,
			stdout: "site.conf:2:16: error: unterminated quoted string: no closing \" before the end of the file [NGX001 syntax-error]\n 2 |     return 200 \"ok;\n   |                ^\n",
		},
		{
			name:   "binary file",
			files:  map[string]string{"site.conf": "\x7fELF\x02\x01\x01\x00\x00\x00"},
			args:   []string{"site.conf"},
			code:   1,
			stdout: "site.conf:1:8: error: this is not a text file (NUL byte); nginx configuration is text [NGX001 syntax-error]\n",
		},
		{
			name: "include cycle",
			files: map[string]string{
				"nginx.conf":    "events {}\nhttp {\n    include conf.d/*.conf;\n}\n",
				"conf.d/a.conf": "include conf.d/b.inc;\n",
				"conf.d/b.inc":  "include conf.d/a.conf;\n",
			},
			args:   []string{"nginx.conf"},
			code:   1,
			stdout: "conf.d/b.inc:1:1: error: include cycle: conf.d/a.conf is already being read (conf.d/a.conf includes conf.d/b.inc includes conf.d/a.conf); nginx -t never finishes reading it and crashes [NGX003 include-cycle]\n 1 | include conf.d/a.conf;\n   | ^~~~~~~~~~~~~~~~~~~~~~\n",
		},
		{
			name:   "missing include",
			files:  map[string]string{"nginx.conf": "events {}\nhttp {\n    include /etc/nginx/sites-enabled/app;\n}\n", "etc/.keep": ""},
			args:   []string{"--path-map", "/etc/nginx=DIR/etc", "nginx.conf"},
			code:   1,
			stdout: "nginx.conf:3:13: error: include \"/etc/nginx/sites-enabled/app\": etc/sites-enabled/app does not exist, so nginx -t fails here; map the absolute directory to your checkout with --path-map FROM=TO (e.g. --path-map /etc/nginx=./nginx) [NGX002 include-not-found]\n 3 |     include /etc/nginx/sites-enabled/app;\n   |             ^~~~~~~~~~~~~~~~~~~~~~~~~~~~\n",
		},
		{
			// outside the roots nothing is looked at, not even whether it exists
			name:   "absolute include outside the roots",
			files:  map[string]string{"nginx.conf": "events {}\nhttp {\n    include /etc/nginx/sites-enabled/app;\n}\n"},
			args:   []string{"nginx.conf"},
			code:   1,
			stdout: "nginx.conf:3:13: error: include \"/etc/nginx/sites-enabled/app\": /etc/nginx/sites-enabled/app is outside the configuration's roots (.), so ngxlint does not read it and what it holds is not checked; map the absolute directory to your checkout with --path-map FROM=TO (e.g. --path-map /etc/nginx=./nginx), or widen the roots with --include-root DIR [NGX004 include-unreadable]\n 3 |     include /etc/nginx/sites-enabled/app;\n   |             ^~~~~~~~~~~~~~~~~~~~~~~~~~~~\n",
		},
		{
			name:   "directory with no configs",
			files:  map[string]string{"empty/README": "nothing here\n"},
			args:   []string{"empty"},
			code:   2,
			stderr: "/empty (looked for *.conf, *.conf.template, nginx.conf, and the files in sites-enabled/ and sites-available/)\n",
		},
		{
			name:   "path that does not exist",
			args:   []string{"nope.conf"},
			code:   2,
			stderr: "ngxlint: cannot read nope.conf: no such file or directory",
		},
		{
			name:   "no path",
			args:   nil,
			code:   2,
			stderr: "no path given",
		},
		{
			name:   "unknown format",
			files:  map[string]string{"a.conf": "server {}\n"},
			args:   []string{"--format", "xml", "a.conf"},
			code:   2,
			stderr: "unknown format \"xml\"",
		},
		{
			name:   "bad nginx version",
			files:  map[string]string{"a.conf": "server {}\n"},
			args:   []string{"--nginx-version", "latest", "a.conf"},
			code:   2,
			stderr: "nginx version \"latest\" must look like 1.22.1 or 1.30",
		},
		{
			name:   "bad fail level",
			files:  map[string]string{"a.conf": "server {}\n"},
			args:   []string{"--fail-level", "fatal", "a.conf"},
			code:   2,
			stderr: "--fail-level must be error, warning or info",
		},
		{
			name:   "unknown flag",
			files:  map[string]string{"a.conf": "server {}\n"},
			args:   []string{"--no-such-flag", "a.conf"},
			code:   2,
			stderr: "flag provided but not defined: -no-such-flag",
		},
		{
			name:   "config with an unknown key",
			files:  map[string]string{".ngxlint.yml": "nginx-version: 1.22.1\nws_paths: [/ws/]\n", "a.conf": "server {}\n"},
			args:   []string{"a.conf"},
			code:   2,
			stderr: ".ngxlint.yml:2:1: unknown key \"ws_paths\"",
		},
		{
			name:   "standard input",
			args:   []string{"-"},
			stdin:  "location /ws/ {\n    proxy_pass http://b;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgarde;\n    proxy_set_header Connection upgrade;\n    proxy_set_header Host $http_host;\n    proxy_read_timeout 1h;\n}\n",
			code:   1,
			stdout: "<stdin>:4:30: error: $http_upgarde is a misspelling of $http_upgrade: nginx -t accepts any $http_ name (it matches a request header), so it is always empty here and no Upgrade is sent; the WebSocket handshake fails with 400 [WS009 value-or-variable-typo]\n 4 |     proxy_set_header Upgrade $http_upgarde;\n   |                              ^~~~~~~~~~~~~\n",
		},
		{
			name:   "empty standard input",
			args:   []string{"-"},
			stdin:  "",
			code:   0,
			stdout: "",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeTree(t, c.files)
			var args []string
			for _, a := range c.args {
				if _, err := os.Stat(filepath.Join(dir, a)); err == nil {
					a = filepath.Join(dir, a)
				}
				args = append(args, strings.ReplaceAll(a, "DIR", dir))
			}
			code, out, errOut := runIn(dir, c.stdin, append([]string{"lint"}, args...)...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, out, errOut)
			}
			if c.code == 2 && out != "" {
				t.Errorf("a usage or I/O error printed on stdout: %s", out)
			}
			if c.stdout != "" || c.code != 2 {
				if c.name == "binary file" {
					out = firstLine(out) + "\n"
				}
				if out != c.stdout {
					t.Errorf("stdout:\n%s\nwant:\n%s", out, c.stdout)
				}
			}
			if c.stderr != "" && !strings.Contains(errOut, c.stderr) {
				t.Errorf("stderr %q does not contain %q", errOut, c.stderr)
			}
			if c.stderr == "" && errOut != "" {
				t.Errorf("unexpected stderr: %s", errOut)
			}
		})
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// TestUnreadableFile: a path that cannot be read is an I/O error, exit 2,
// naming the file. As root every permission check passes, so the test uses
// a Unix socket, which no one can read as a file; as another user it also
// tries a file without read permission.
func TestUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "site.conf")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("cannot create a Unix socket: %v", err)
	}
	defer func() { _ = l.Close() }()
	code, _, errOut := runIn(dir, "", "lint", sock)
	if code != 2 || !strings.Contains(errOut, "cannot read "+sock) {
		t.Errorf("socket: exit %d, stderr %q", code, errOut)
	}
	if os.Geteuid() != 0 {
		f := filepath.Join(dir, "locked.conf")
		if err := os.WriteFile(f, []byte("server {}\n"), 0o000); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := runIn(dir, "", "lint", f)
		if code != 2 || !strings.Contains(errOut, "permission denied") {
			t.Errorf("unreadable file: exit %d, stderr %q", code, errOut)
		}
	}
}
