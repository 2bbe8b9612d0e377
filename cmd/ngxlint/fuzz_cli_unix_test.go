//go:build unix

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// FuzzCLI runs the whole CLI in process on trees built from the input:
// files that include each other, globs, symbolic links in and out of the
// tree, FIFOs, names with newlines and ANSI escapes, special files. It
// checks what issue 14 promises for untrusted configurations: the exit code
// is 0, 1 or 2 (never a panic, never 3), nothing of a file outside the
// roots is printed or written, text output is escaped, and JSON is valid.
func FuzzCLI(f *testing.F) {
	for _, s := range []string{
		"\x00\x01\x00\x10\x01\x05",
		"\x01\x01\x02\x11\x03\x02\x12\x00\x04",
		"\x02\x04\x03\x13\x01\x06\x02\x07\x00\x00",
		"\x03\x05\x06\x01\x08\x03\x01\x09\x02\x0a",
		"\x05\x00\x0bserver { listen 80 \x1b[2J\n}",
	} {
		f.Add([]byte(s))
	}
	const secret = "SECRET_TOKEN_ZZZ"
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 || len(data) > 512 {
			return
		}
		outside := t.TempDir()
		secretConf := filepath.Join(outside, "secret.conf")
		secretText := "server { server_name " + secret + "; }\n"
		if err := os.WriteFile(secretConf, []byte(secretText), 0o644); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(outside, "tree")
		names := []string{"nginx.conf", "conf.d/a.conf", "conf.d/b.conf", "sites-enabled/app", "snippets/s.conf", "conf.d/n\n::error::x\x1b[1m.conf"}
		includes := []string{"conf.d/*.conf", "sites-enabled/*", "snippets/s.conf", "conf.d/a.conf", "/dev/zero", "/dev/zer?",
			"/proc/self/environ", "/proc/self/fd/*", "../secret.conf", secretConf, "missing.conf", "/dev/stdin", "nginx.conf", "conf.d"}
		links := []string{"/dev/zero", "/proc/self/environ", "../../secret.conf", "../secret.conf", secretConf, "a.conf", "nowhere", ".", "/dev/stdout", "/etc/passwd"}
		texts := []string{"events {}\nhttp {\n", "}\n", "server { listen 80; location /ws/ { proxy_pass http://127.0.0.1:9001; proxy_set_header Upgrade $http_upgrade; } }\n",
			"map $http_upgrade $c { default upgrade; '' close; }\n", "proxy_set_header Connection \"ug\nrade\x1b[2J\";\n", "location / {\n", "a {a {a {\n"}
		content := map[string]*strings.Builder{}
		special := map[string]bool{}
		cur := names[0]
		i := 1
		next := func() int {
			if i >= len(data) {
				return 0
			}
			i++
			return int(data[i-1])
		}
		for i < len(data) {
			op, arg := next(), next()
			if content[cur] == nil {
				content[cur] = &strings.Builder{}
			}
			switch op % 6 {
			case 0:
				content[cur].WriteString(texts[arg%len(texts)])
			case 1:
				content[cur].WriteString("include " + includes[arg%len(includes)] + ";\n")
			case 2:
				cur = names[arg%len(names)]
			case 3, 4:
				special[names[arg%len(names)]] = true
				content[names[arg%len(names)]] = nil
				if op%6 == 3 {
					if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, names[arg%len(names)])), 0o755); err != nil {
						t.Fatal(err)
					}
					_ = os.Symlink(links[next()%len(links)], filepath.Join(dir, names[arg%len(names)]))
				} else {
					_ = os.MkdirAll(filepath.Dir(filepath.Join(dir, names[arg%len(names)])), 0o755)
					_ = syscall.Mkfifo(filepath.Join(dir, names[arg%len(names)]), 0o644)
				}
			case 5:
				n := min(arg%32, len(data)-i)
				content[cur].Write(data[i : i+n])
				i += n
			}
		}
		for name, b := range content {
			if b == nil || special[name] {
				continue
			}
			p := filepath.Join(dir, name)
			_ = os.MkdirAll(filepath.Dir(p), 0o755)
			_ = os.WriteFile(p, []byte(b.String()), 0o644)
		}
		if _, err := os.Stat(dir); err != nil {
			return
		}
		commands := [][]string{
			{"lint", "nginx.conf"}, {"lint", "."}, {"lint", "--format", "json", "nginx.conf"}, {"lint", "--format", "github", "."},
			{"lint", "--format", "sarif", "conf.d/a.conf"}, {"lint", "--format", "checkstyle", "nginx.conf"},
			{"fix", "--diff", "."}, {"fix", "--write", "nginx.conf"}, {"fix", "--write", "."}, {"lint", "--max-files", "3", "nginx.conf"},
		}
		args := commands[int(data[0])%len(commands)]
		code, out, errOut := runBounded(t, dir, nil, args...)
		if code < 0 || code > 2 {
			t.Fatalf("ngxlint %q: exit %d\n%s\n%s", args, code, out, errOut)
		}
		if strings.Contains(out, secret) || strings.Contains(errOut, secret) {
			t.Fatalf("ngxlint %q printed a file outside the roots:\n%s\n%s", args, out, errOut)
		}
		if b, _ := os.ReadFile(secretConf); string(b) != secretText {
			t.Fatalf("ngxlint %q wrote a file outside the roots", args)
		}
		if strings.Contains(out, "\x1b") || strings.Contains(strings.ReplaceAll(out, "\r\n", "\n"), "\r") {
			t.Fatalf("ngxlint %q: raw control characters in the output:\n%q", args, out)
		}
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(strings.TrimLeft(l, " \t"), "::") && (len(args) < 3 || args[2] != "github") {
				t.Fatalf("ngxlint %q: a line starts a workflow command: %q", args, l)
			}
		}
		if code != 2 && len(args) > 2 && args[2] == "json" {
			var v any
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatalf("invalid JSON: %v\n%s", err, out)
			}
		}
	})
}
