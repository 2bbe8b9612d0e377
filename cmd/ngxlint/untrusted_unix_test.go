//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ngxlint/ngxlint/rules"
)

// The tests of issue 14: ngxlint run by CI on a pull request's
// configuration, which anyone may have written, with a public log.

// runBounded runs the CLI in-process and fails the test if it does not
// return within a minute: a hang (a FIFO, /dev/stdin) is the failure this
// guards against, not slowness.
func runBounded(t *testing.T, dir string, stdin *os.File, args ...string) (int, string, string) {
	t.Helper()
	type result struct {
		code        int
		out, errOut string
	}
	done := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		e := &env{stdout: &out, stderr: &errb, cwd: dir, getenv: func(string) string { return "" }}
		if stdin != nil {
			e.stdin = stdin
		} else {
			e.stdin = strings.NewReader("")
		}
		code := e.run(append([]string{"ngxlint"}, args...))
		done <- result{code, out.String(), errb.String()}
	}()
	select {
	case r := <-done:
		return r.code, r.out, r.errOut
	case <-time.After(time.Minute):
		t.Fatalf("ngxlint %s did not return within a minute (it hangs)", strings.Join(args, " "))
		return 0, "", ""
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func mkfifo(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}

// TestSpecialFilesAreNeverRead (issue 14, items 2 and 3): devices, FIFOs,
// /proc and /dev are never opened for reading. Before, include /dev/zero
// and lint /dev/zero read until the runtime died (exit 2 with a stack
// dump), and include /dev/stdin, a FIFO, /dev/stdout on a pipe hung.
func TestSpecialFilesAreNeverRead(t *testing.T) {
	main := func(inc string) map[string]string {
		return map[string]string{"nginx.conf": "events {}\nhttp {\n    include " + inc + ";\n}\n"}
	}
	cases := []struct {
		name  string
		files map[string]string
		setup func(t *testing.T, dir string)
		args  []string
		code  int
		want  string // in stdout (code 1) or stderr (code 2)
	}{
		{name: "include /dev/zero", files: main("/dev/zero"), args: []string{"nginx.conf"}, code: 1,
			want: `3:13: error: include "/dev/zero": /dev/zero is outside the configuration's roots`},
		{name: "include /dev/zero, roots widened", files: main("/dev/zero"), args: []string{"--allow-outside-roots", "nginx.conf"}, code: 1,
			want: `/dev/zero is a system file (under /proc, /dev or /sys), never read as configuration [NGX004`},
		{name: "include /dev/zer? glob", files: main("/dev/zer?"), args: []string{"--show", "info", "nginx.conf"}, code: 0,
			want: `3:13: info: include "/dev/zer?": /dev/zer? is outside the configuration's roots`},
		{name: "include /dev/zer? glob, roots widened", files: main("/dev/zer?"), args: []string{"--allow-outside-roots", "nginx.conf"}, code: 1,
			want: `/dev/zero is a system file`},
		{name: "include /dev/urandom, roots widened", files: main("/dev/urandom"), args: []string{"--allow-outside-roots", "nginx.conf"}, code: 1,
			want: `/dev/urandom is a system file`},
		{name: "include /dev/stdin", files: main("/dev/stdin"), args: []string{"--allow-outside-roots", "nginx.conf"}, code: 1,
			want: `include "/dev/stdin": cannot read /dev/stdin`},
		{name: "include /dev/stdout", files: main("/dev/stdout"), args: []string{"--allow-outside-roots", "nginx.conf"}, code: 1,
			want: `include "/dev/stdout": cannot read /dev/stdout`},
		{name: "include /proc/self/fd/*", files: main("/proc/self/fd/*"), args: []string{"--allow-outside-roots", "nginx.conf"}, code: 1,
			want: `include "/proc/self/fd/*": cannot read /proc/self/fd/`},
		{name: "include /proc/self/fd/* inside the roots", files: main("/proc/self/fd/*"), args: []string{"--show", "info", "nginx.conf"}, code: 0,
			want: `is outside the configuration's roots`},
		{name: "symlink in the tree to /dev/zero", files: main("conf.d/*.conf"),
			setup: func(t *testing.T, dir string) { symlink(t, "/dev/zero", filepath.Join(dir, "conf.d/zero.conf")) },
			args:  []string{"nginx.conf"}, code: 1,
			want: `include "conf.d/*.conf": conf.d/zero.conf links to /dev/zero, outside the configuration's roots`},
		{name: "FIFO included by a glob", files: main("conf.d/*.conf"),
			setup: func(t *testing.T, dir string) { mkfifo(t, filepath.Join(dir, "conf.d/pipe.conf")) },
			args:  []string{"nginx.conf"}, code: 1,
			want: `include "conf.d/*.conf": cannot read conf.d/pipe.conf: a FIFO (named pipe), not a regular file; not read [NGX004`},
		{name: "FIFO named", files: map[string]string{},
			setup: func(t *testing.T, dir string) { mkfifo(t, filepath.Join(dir, "pipe.conf")) },
			args:  []string{"pipe.conf"}, code: 2, want: "pipe.conf: a FIFO (named pipe), not a regular file; not read"},
		{name: "FIFO in a directory", files: map[string]string{"conf.d/a.conf": "server { listen 80; }\n"},
			setup: func(t *testing.T, dir string) { mkfifo(t, filepath.Join(dir, "conf.d/pipe.conf")) },
			args:  []string{"."}, code: 2, want: "pipe.conf: a FIFO (named pipe), not a regular file"},
		{name: "lint /dev/zero", files: map[string]string{}, args: []string{"/dev/zero"}, code: 2,
			want: "cannot read /dev/zero: /dev/zero is a system file"},
		{name: "lint /dev", files: map[string]string{}, args: []string{"/dev"}, code: 2,
			want: "cannot read /dev: a system directory"},
		{name: "file over --max-file-size", files: map[string]string{"nginx.conf": "events {}\nhttp {\n    include big.conf;\n}\n",
			"big.conf": "# " + strings.Repeat("x", 2<<20) + "\n"}, args: []string{"--max-file-size", "1MiB", "nginx.conf"}, code: 1,
			want: `include "big.conf": cannot read big.conf: larger than 1MiB, the largest file read (--max-file-size)`},
		{name: "named file over --max-file-size", files: map[string]string{"big.conf": "# " + strings.Repeat("x", 2<<20) + "\n"},
			args: []string{"--max-file-size", "1MiB", "big.conf"}, code: 2, want: "big.conf: larger than 1MiB, the largest file read (--max-file-size)"},
		{name: "over --max-total-size", files: map[string]string{"nginx.conf": "events {}\nhttp {\n    include conf.d/*.conf;\n}\n",
			"conf.d/a.conf": "# " + strings.Repeat("x", 600) + "\n", "conf.d/b.conf": "# " + strings.Repeat("x", 600) + "\n"},
			args: []string{"--max-total-size", "1KiB", "nginx.conf"}, code: 1,
			want: `cannot read conf.d/b.conf: reading it would pass the 1KiB read in one run (--max-total-size)`},
		{name: "include bomb", files: includeBomb(9, 10), args: []string{"nginx.conf"}, code: 1,
			want: "so ngxlint stops; an include bomb? (--max-files, --max-total-size)"},
		{name: "include bomb, max-files from .ngxlint.yml", files: includeBomb(3, 10),
			setup: func(t *testing.T, dir string) {
				if err := os.WriteFile(filepath.Join(dir, ".ngxlint.yml"), []byte("max-files: 50\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			args: []string{"nginx.conf"}, code: 1, want: "more than 50 files"},
		{name: "blocks nested a million deep", files: map[string]string{"deep.conf": strings.Repeat("a {", 1<<20) + strings.Repeat("}", 1<<20)},
			args: []string{"deep.conf"}, code: 1, want: "deep.conf:1:303: error: blocks nested more than 100 deep"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeTree(t, c.files)
			if c.setup != nil {
				c.setup(t, dir)
			}
			code, out, errOut := runBounded(t, dir, nil, append([]string{"lint"}, c.args...)...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstdout:\n%.2000s\nstderr:\n%.2000s", code, c.code, out, errOut)
			}
			got := out
			if c.code == 2 {
				got = errOut
			}
			if !strings.Contains(got, c.want) {
				t.Errorf("missing %q in:\n%.3000s", c.want, got)
			}
			if len(out)+len(errOut) > 64<<10 {
				t.Errorf("%d bytes of output", len(out)+len(errOut))
			}
		})
	}
}

// includeBomb is nginx.conf including l1.conf n times, l1.conf including
// l2.conf n times, and so on: n^levels files for nginx, levels+1 on disk.
func includeBomb(levels, n int) map[string]string {
	files := map[string]string{}
	incs := func(name string) string { return strings.Repeat("include "+name+";\n", n) }
	files["nginx.conf"] = "events {}\nhttp {\n" + incs("l1.conf") + "}\n"
	for i := 1; i < levels; i++ {
		files[fmt.Sprintf("l%d.conf", i)] = incs(fmt.Sprintf("l%d.conf", i+1))
	}
	files[fmt.Sprintf("l%d.conf", levels)] = "server { listen 80; }\n"
	return files
}

// TestStdinIsBounded (item 2): lint - reads at most --max-file-size of
// standard input; before, /dev/zero on standard input read until the
// runtime died.
func TestStdinIsBounded(t *testing.T) {
	zero, err := os.Open("/dev/zero")
	if err != nil {
		t.Skip(err)
	}
	defer func() { _ = zero.Close() }()
	code, out, errOut := runBounded(t, t.TempDir(), zero, "lint", "--max-file-size", "4MiB", "-")
	if code != 2 || !strings.Contains(errOut, "cannot read standard input: larger than 4MiB") || out != "" {
		t.Errorf("exit %d\nstdout: %.200s\nstderr: %.2000s", code, out, errOut)
	}
}

// TestNoContentsLeak (item 4): a committed symbolic link to
// /proc/self/environ, /etc/passwd (readable stand-in for /etc/shadow) or a
// secrets file beside the checkout never makes ngxlint print any of the
// file, in any format, whether it is reached by an include or by walking a
// directory. Before, the first token or the whole content was printed as a
// syntax-error snippet or a directive name.
func TestNoContentsLeak(t *testing.T) {
	outer := t.TempDir()
	secret := "NGXLINT_TEST_SECRET=hunter2-s3cr3t-token"
	if err := os.WriteFile(filepath.Join(outer, ".env"), []byte(secret+"\nOTHER=x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(outer, "site")
	for p, content := range map[string]string{
		"nginx.conf": "events {}\nhttp {\n    include conf.d/*.conf;\n    include /etc/passwd;\n    include ../.env;\n}\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	symlink(t, "/proc/self/environ", filepath.Join(dir, "conf.d/env.conf"))
	symlink(t, "/etc/passwd", filepath.Join(dir, "conf.d/shadow.conf"))
	symlink(t, "../../.env", filepath.Join(dir, "conf.d/dotenv.conf"))
	passwd, _ := os.ReadFile("/etc/passwd")
	environ, _ := os.ReadFile("/proc/self/environ")
	var needles []string
	needles = append(needles, "hunter2", "OTHER=x")
	if l, _, _ := strings.Cut(string(passwd), "\n"); len(l) > 8 {
		needles = append(needles, l, strings.SplitN(l, ":", 2)[0]+":")
	}
	for _, kv := range strings.Split(string(environ), "\x00") {
		if _, v, ok := strings.Cut(kv, "="); ok && len(v) >= 12 && !strings.Contains(dir, v) && !strings.Contains(v, "/") {
			needles = append(needles, v)
		}
	}
	for _, format := range []string{"text", "json", "sarif", "github", "checkstyle"} {
		for _, arg := range []string{"nginx.conf", ".", "conf.d/env.conf", "conf.d/dotenv.conf"} {
			code, out, errOut := runBounded(t, dir, nil, "lint", "--format", format, arg)
			if code == 0 {
				t.Errorf("%s %s: exit 0; the links must not pass the gate", format, arg)
			}
			for _, n := range needles {
				if strings.Contains(out, n) || strings.Contains(errOut, n) {
					t.Errorf("%s %s: the output holds %q from a file outside the roots:\n%s\n%s", format, arg, n, out, errOut)
				}
			}
			if arg == "nginx.conf" && format == "text" {
				for _, want := range []string{
					`conf.d/dotenv.conf links to ` + filepath.Join(outer, ".env") + `, outside the configuration's roots`,
					`conf.d/env.conf links to /proc/self/environ` /* resolved by the kernel */, `include "/etc/passwd": /etc/passwd is outside`,
					`include "../.env": ` + filepath.Join(outer, ".env") + ` is outside`,
				} {
					if !strings.Contains(out, want) && !strings.Contains(out, strings.Replace(want, "/proc/self/environ", "/proc/", 1)) {
						t.Errorf("the findings should name the include and its target (%q):\n%s", want, out)
					}
				}
			}
		}
	}
}

// TestFixWriteStaysInsideTheRoots (item 5): fix --write never writes a file
// outside the configuration's roots, reached through a symbolic link or an
// absolute include; with --allow-outside-roots such a file is read and its
// fix shown, but --write refuses it and writes nothing. Before, both
// targets were rewritten.
func TestFixWriteStaysInsideTheRoots(t *testing.T) {
	elsewhere := t.TempDir()
	targetConf := filepath.Join(elsewhere, "target.conf")
	incConf := filepath.Join(elsewhere, "inc.conf")
	// the two sites listen on their own ports: two nameless servers on one
	// port would leave the second unreachable (NGX115)
	content := map[string]string{targetConf: wsSite, incConf: strings.Replace(wsSite, "listen 80;", "listen 8080;", 1)}
	for p, c := range content {
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := writeTree(t, map[string]string{
		"nginx.conf": "events {}\nhttp {\n    include conf.d/*.conf;\n    include " + incConf + ";\n}\n",
	})
	symlink(t, targetConf, filepath.Join(dir, "conf.d/site.conf"))
	unchanged := func(when string) {
		t.Helper()
		for p, c := range content {
			if b, _ := os.ReadFile(p); string(b) != c {
				t.Fatalf("%s: %s was written:\n%s", when, p, b)
			}
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "nginx.conf")); !strings.Contains(string(b), "include conf.d/*.conf;") {
			t.Fatalf("%s: nginx.conf changed", when)
		}
		if l, err := os.Readlink(filepath.Join(dir, "conf.d/site.conf")); err != nil || l != targetConf {
			t.Fatalf("%s: the link was replaced (%q, %v)", when, l, err)
		}
	}
	code, out, errOut := runBounded(t, dir, nil, "fix", "--write", "nginx.conf")
	if code == 0 || strings.Contains(errOut, "wrote") {
		t.Errorf("fix --write: exit %d\n%s\n%s", code, out, errOut)
	}
	unchanged("fix --write")
	code, out, errOut = runBounded(t, dir, nil, "fix", "--write", "--allow-outside-roots", "nginx.conf")
	if code != 2 || !strings.Contains(errOut, "outside the configuration's roots; fix --write writes only inside them") {
		t.Errorf("fix --write --allow-outside-roots: exit %d, want 2\n%s\n%s", code, out, errOut)
	}
	unchanged("fix --write --allow-outside-roots")
	// the fix is there to see
	code, out, _ = runBounded(t, dir, nil, "fix", "--diff", "--allow-outside-roots", "nginx.conf")
	if code != 1 || !strings.Contains(out, "+        proxy_http_version 1.1;") {
		t.Errorf("fix --diff --allow-outside-roots: exit %d\n%s", code, out)
	}
	// --include-root makes it a root: then it is written
	code, _, errOut = runBounded(t, dir, nil, "fix", "--write", "--include-root", elsewhere, "nginx.conf")
	if code != 0 || !strings.Contains(errOut, "wrote conf.d/site.conf") {
		t.Errorf("fix --write --include-root: exit %d\n%s", code, errOut)
	}
	if b, _ := os.ReadFile(targetConf); !strings.Contains(string(b), "proxy_http_version 1.1;") {
		t.Errorf("with --include-root the target is fixed:\n%s", b)
	}
}

// TestFixWriteDetectsConcurrentChange (item 6): a file changed after
// ngxlint read it is not overwritten (exit 2, nothing written, no temporary
// file left); before, the change was lost. A file with other hard links is
// written with a warning; before, the links were split silently.
func TestFixWriteDetectsConcurrentChange(t *testing.T) {
	dir := writeTree(t, map[string]string{"site.conf": wsSite, "other.conf": wsSite})
	site := filepath.Join(dir, "site.conf")
	edited := wsSite + "# an edit made while ngxlint ran\n"
	var changed string // the first file about to be renamed, edited then
	fixBeforeRename = func(dst string) {
		if strings.HasPrefix(dst, dir) && changed == "" {
			changed = dst
			if err := os.WriteFile(dst, []byte(edited), 0o644); err != nil {
				t.Error(err)
			}
		}
	}
	code, out, errOut := runBounded(t, dir, nil, "fix", "--write", "site.conf", "other.conf")
	fixBeforeRename = nil
	if code != 2 || !strings.Contains(errOut, "changed since ngxlint read it") || strings.Contains(errOut, "wrote") {
		t.Errorf("exit %d, want 2\n%s\n%s", code, out, errOut)
	}
	for _, p := range []string{site, filepath.Join(dir, "other.conf")} {
		want := wsSite
		if p == changed {
			want = edited
		}
		if b, _ := os.ReadFile(p); string(b) != want {
			t.Errorf("%s: want it as it was (the concurrent edit kept, nothing written), got:\n%s", p, b)
		}
	}
	noTemps(t, dir)

	// the same size and content but a new modification time is a change too
	if err := os.WriteFile(site, []byte(wsSite), 0o644); err != nil {
		t.Fatal(err)
	}
	fixBeforeRename = func(dst string) {
		if strings.HasPrefix(dst, dir) {
			later := time.Now().Add(time.Hour)
			_ = os.Chtimes(dst, later, later)
		}
	}
	code, _, errOut = runBounded(t, dir, nil, "fix", "--write", "site.conf")
	fixBeforeRename = nil
	if code != 2 || !strings.Contains(errOut, "changed since ngxlint read it") {
		t.Errorf("touched file: exit %d\n%s", code, errOut)
	}
	noTemps(t, dir)

	// hard links
	if err := os.Link(site, filepath.Join(dir, "hardlink.conf")); err != nil {
		t.Skip(err)
	}
	code, _, errOut = runBounded(t, dir, nil, "fix", "--write", "site.conf")
	if code != 0 || !strings.Contains(errOut, "site.conf has 2 hard links; the fixed file replaces this name only, the other 1 keep the old text") {
		t.Errorf("hard link: exit %d\n%s", code, errOut)
	}
}

// TestFixWriteCleansUpOnSignal (item 6): SIGTERM or SIGINT while fix
// --write has its temporary files ready removes them and leaves the files
// as they were; the process ends with the signal. Before, the temporary
// files stayed. The CLI runs in a child process (this test binary again).
func TestFixWriteCleansUpOnSignal(t *testing.T) {
	if dir := os.Getenv("NGXLINT_SIGNAL_HELPER"); dir != "" {
		fixBeforeRename = func(string) {
			_ = os.WriteFile(filepath.Join(dir, "ready"), nil, 0o644)
			time.Sleep(time.Minute)
		}
		os.Exit(Run([]string{"ngxlint", "fix", "--write", filepath.Join(dir, "site.conf")}, strings.NewReader(""), os.Stdout, os.Stderr))
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		dir := writeTree(t, map[string]string{"site.conf": wsSite})
		cmd := exec.Command(os.Args[0], "-test.run=^TestFixWriteCleansUpOnSignal$")
		cmd.Env = append(os.Environ(), "NGXLINT_SIGNAL_HELPER="+dir)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			if _, err := os.Stat(filepath.Join(dir, "ready")); err == nil {
				break
			}
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				t.Fatalf("the helper never got to the rename:\n%s", out.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		var temps []string
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.Contains(e.Name(), ".ngxlint-") {
				temps = append(temps, e.Name())
			}
		}
		if len(temps) != 1 {
			t.Errorf("%v: expected one temporary file before the signal, found %v", sig, temps)
		}
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
		if !ok || !ws.Signaled() || ws.Signal() != sig {
			t.Errorf("%v: the process should end with the signal, got %v\n%s", sig, err, out.String())
		}
		noTemps(t, dir)
		if b, _ := os.ReadFile(filepath.Join(dir, "site.conf")); string(b) != wsSite {
			t.Errorf("%v: site.conf changed:\n%s", sig, b)
		}
	}
}

// TestControlCharactersAreEscaped (item 8): newlines in quoted values and
// file names, ANSI escapes and CR from the configuration are escaped in
// every human format; no line of text output can start a GitHub workflow
// command; the machine formats stay valid; a 10 MB line prints a bounded
// snippet. Before, they were printed raw and the snippet was the whole line.
func TestControlCharactersAreEscaped(t *testing.T) {
	long := strings.Repeat("x", 10<<20)
	dir := writeTree(t, map[string]string{
		"nginx.conf": "events {}\nhttp {\n    include \"missing\n::error::injected\x1b\r\n.conf\";\n    include conf.d/*.conf;\n}\n",
		"conf.d/a\n::warning title=x::injected\x1b[31m.conf": "server {\n    listen 80\n}\n",
		"conf.d/long.conf": "server { return 200 \"" + long + "\"; } } # \x1b[2J\n",
	})
	for _, format := range []string{"text", "github", "json", "sarif", "checkstyle"} {
		code, out, errOut := runBounded(t, dir, nil, "lint", "--format", format, "nginx.conf")
		if code != 1 {
			t.Errorf("%s: exit %d\n%.3000s\n%s", format, code, out, errOut)
		}
		if strings.Contains(out, strings.Repeat("x", 300)) || format != "sarif" && len(out) > 32<<10 {
			t.Errorf("%s: %d bytes of output for a 10 MB line", format, len(out))
		}
		if strings.ContainsAny(out, "\x1b\r") {
			t.Errorf("%s: raw ESC or CR in the output:\n%q", format, out)
		}
		for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			trimmed := strings.TrimLeft(l, " \t")
			switch format {
			case "text":
				if strings.HasPrefix(trimmed, "::") {
					t.Errorf("text: a line starts a workflow command: %q", l)
				}
			case "github":
				if !strings.HasPrefix(l, "::error file=") && !strings.HasPrefix(l, "::warning file=") && !strings.HasPrefix(l, "::notice file=") {
					t.Errorf("github: a line that is not one of ours: %q", l)
				}
			}
		}
		switch format {
		case "json", "sarif":
			var v any
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Errorf("%s: invalid JSON: %v", format, err)
			}
		case "checkstyle":
			var v struct {
				Files []struct {
					Name   string `xml:"name,attr"`
					Errors []struct {
						Message string `xml:"message,attr"`
					} `xml:"error"`
				} `xml:"file"`
			}
			if err := xml.Unmarshal([]byte(out), &v); err != nil || len(v.Files) == 0 {
				t.Errorf("checkstyle: invalid XML (%v):\n%.2000s", err, out)
			}
		case "text":
			for _, want := range []string{
				`include "missing\n::error::injected\x1b\r\n.conf": missing\n::error::injected\x1b\r\n.conf does not exist`,
				`conf.d/a\n::warning title=x::injected\x1b[31m.conf:3:1: error: unexpected "}"`,
				"conf.d/long.conf:1:",
				"…",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("text: missing %q in:\n%.3000s", want, out)
				}
			}
		}
	}
}

// TestConfigCheckReportsEveryMistake (item 9): before, config check
// stopped at the first.
func TestConfigCheckReportsEveryMistake(t *testing.T) {
	dir := writeTree(t, map[string]string{".ngxlint.yml": "fail-level: loud\nws-paths: [ws]\nrules:\n  WS999: off\n  WS004: maybe\nmax-file-size: huge\nunknown: 1\n"})
	code, _, errOut := runIn(dir, "", "config", "check")
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	for _, want := range []string{
		".ngxlint.yml:1:13: fail-level must be error",
		".ngxlint.yml:2:12: ws-paths entries are request paths",
		".ngxlint.yml:4:3: unknown rule \"WS999\"",
		".ngxlint.yml:5:10: rule WS004: severity must be",
		".ngxlint.yml:6:16: size \"huge\"",
		".ngxlint.yml:7:1: unknown key \"unknown\"",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("missing %q in:\n%s", want, errOut)
		}
	}
	if n := strings.Count(errOut, "\n"); n != 6 {
		t.Errorf("%d lines, want one per mistake:\n%s", n, errOut)
	}
	// lint reports them all too
	code, _, errOut = runIn(dir, "", "lint", "x.conf")
	if code != 2 || strings.Count(errOut, ".ngxlint.yml:") != 6 {
		t.Errorf("lint: exit %d\n%s", code, errOut)
	}
}

// TestBlockFromReportsSyntaxError (item 9): before, block --from on a file
// that does not parse said "no location serves /ws/".
func TestBlockFromReportsSyntaxError(t *testing.T) {
	dir := writeTree(t, map[string]string{"site.conf": "server {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n    }\n"})
	code, out, errOut := runIn(dir, "", "block", "--from", "site.conf", "--path", "/ws/")
	if code != 1 || out != "" || !strings.Contains(errOut, "site.conf:") || !strings.Contains(errOut, "[NGX001 syntax-error]") ||
		!strings.Contains(errOut, "does not parse") || strings.Contains(errOut, "no location") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

// TestInternalErrorExits3 (item 9): a panic is a bug in ngxlint, exit 3
// with the stack; before, a rule's panic exited 2 like a usage error, and
// one elsewhere crashed the process.
func TestInternalErrorExits3(t *testing.T) {
	dir := writeTree(t, map[string]string{"site.conf": wsSite})
	fixHook = func(*rules.FixResult) { panic("boom") }
	code, _, errOut := runIn(dir, "", "fix", "--diff", "site.conf")
	fixHook = nil
	if code != 3 || !strings.Contains(errOut, "internal error") || !strings.Contains(errOut, "boom") {
		t.Errorf("exit %d, want 3\n%s", code, errOut)
	}
}

// TestCIConfigIsNotWidenedByTheTree: with --config, the .ngxlint.yml of the
// tree under review is not read, so it can neither widen the roots nor
// turn the gate off; without --config it is read (the control).
func TestCIConfigIsNotWidenedByTheTree(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"nginx.conf":   "events {}\nhttp {\n    include /etc/passwd;\n}\n",
		".ngxlint.yml": "include-roots: [/]\nrules:\n  NGX001: off\n  NGX004: off\n",
	})
	ci := filepath.Join(t.TempDir(), "ci.yml")
	if err := os.WriteFile(ci, []byte("fail-level: warning\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runIn(dir, "", "lint", "--config", ci, "nginx.conf")
	if code != 1 || !strings.Contains(out, `include "/etc/passwd": /etc/passwd is outside the configuration's roots`) {
		t.Errorf("with --config: exit %d\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(out, "root:") {
		t.Errorf("with --config: /etc/passwd was read:\n%s", out)
	}
	code, out, _ = runIn(dir, "", "lint", "nginx.conf")
	if code != 0 {
		t.Errorf("without --config the tree's .ngxlint.yml applies (the control): exit %d\n%s", code, out)
	}
}
