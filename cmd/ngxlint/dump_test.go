package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/nginxtest"
)

// dumpTree copies fixtures/dump/tree into a temporary directory, with free
// loopback ports for {{PORT}} and {{PORT2}}, and returns the directory and
// the dump a real nginx -T prints of it.
func dumpTree(t *testing.T) (dir, dump string) {
	t.Helper()
	dir = t.TempDir()
	src, _ := filepath.Abs("../../fixtures/dump/tree")
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		s := strings.ReplaceAll(string(b), "{{PORT}}", strconv.Itoa(nginxtest.FreePort(t)))
		s = strings.ReplaceAll(s, "{{PORT2}}", strconv.Itoa(nginxtest.FreePort(t)))
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), []byte(s), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir, nginxtest.Dump(t, dir)
}

type dumpFinding struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	Rule      string `json:"rule"`
	Severity  string `json:"severity"`
	Message   string `json:"message"`
}

func dumpFindings(t *testing.T, out string) []dumpFinding {
	t.Helper()
	var res struct {
		Findings []dumpFinding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("json output: %v\n%s", err, out)
	}
	return res.Findings
}

// TestDumpOfRealNginx lints the dump a real nginx -T prints of a fixture
// tree and checks that it finds exactly what linting the tree on disk
// finds, at the same lines and columns, named by the original paths.
func TestDumpOfRealNginx(t *testing.T) {
	dir, dump := dumpTree(t)
	if !strings.HasPrefix(dump, "# configuration file "+dir+"/nginx.conf:\n") {
		t.Fatalf("nginx -T output does not start with the main configuration:\n%.200s", dump)
	}
	work := t.TempDir() // the dump is linted from elsewhere: nothing on disk helps
	if err := os.WriteFile(filepath.Join(work, "nginx-T.txt"), []byte(dump), 0o644); err != nil {
		t.Fatal(err)
	}
	code, diskOut, stderr := runIn(dir, "", "lint", "--format", "json", "--fail-level", "info", "nginx.conf")
	if code != 1 {
		t.Fatalf("lint of the tree: exit %d, stderr %s", code, stderr)
	}
	want := dumpFindings(t, diskOut)
	for _, f := range want {
		if !strings.HasPrefix(f.File, "conf.d/") && f.File != "nginx.conf" {
			t.Fatalf("unexpected file on disk %s", f.File)
		}
	}
	for name, args := range map[string][]string{
		"stdin":        {"-"},
		"file":         {"nginx-T.txt"},
		"--dump stdin": {"--dump", "-"},
	} {
		t.Run(name, func(t *testing.T) {
			code, out, stderr := runIn(work, dump, append([]string{"lint", "--format", "json", "--fail-level", "info"}, args...)...)
			if code != 1 || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			got := dumpFindings(t, out)
			if len(got) != len(want) {
				t.Fatalf("%d findings from the dump, %d from the tree:\n%s\n%s", len(got), len(want), out, diskOut)
			}
			for i := range got {
				g, w := got[i], want[i]
				g.File = strings.TrimPrefix(g.File, dir+"/")
				g.Message = strings.ReplaceAll(g.Message, dir+"/", "")
				if g != w {
					t.Errorf("finding %d:\n dump %+v\n tree %+v", i, got[i], w)
				}
			}
		})
	}
	// the text format names the original path, line and column
	code, out, _ := runIn(work, dump, "lint", "-")
	if code != 1 || !strings.Contains(out, dir+"/conf.d/chat.conf:7:37: error: ") {
		t.Errorf("text output (exit %d) does not point at %s/conf.d/chat.conf:7:37:\n%s", code, dir, out)
	}
	// every format exits as lint does
	for _, format := range formatNames() {
		if code, _, stderr := runIn(work, dump, "lint", "--format", format, "-"); code != 1 {
			t.Errorf("--format %s: exit %d, stderr %s", format, code, stderr)
		}
	}
	if err := os.WriteFile(filepath.Join(work, "off.yml"), []byte("rules: {WS002: off, WS009: off}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runIn(work, dump, "lint", "--config", filepath.Join(work, "off.yml"), "-"); code != 0 {
		t.Errorf("with the errors turned off: exit %d\n%s%s", code, out, stderr)
	}
}

// TestDumpFixDiff checks that fix --diff on a dump prints a patch against
// the original paths that patch -p1 -d / applies on the host, after which
// nginx still accepts the configuration and the fixed findings are gone;
// and that fix --write and plain fix refuse a dump.
func TestDumpFixDiff(t *testing.T) {
	patch, err := exec.LookPath("patch")
	if err != nil {
		t.Fatal("patch is needed for this test (.ci/run installs it)")
	}
	dir, dump := dumpTree(t)
	work := t.TempDir()
	code, diff, stderr := runIn(work, dump, "fix", "--diff", "-")
	if code != 1 {
		t.Fatalf("fix --diff: exit %d\n%s", code, stderr)
	}
	chat := strings.TrimPrefix(dir, "/") + "/conf.d/chat.conf"
	if !strings.Contains(diff, "--- a/"+chat+"\n+++ b/"+chat+"\n") {
		t.Fatalf("the diff does not name %s:\n%s", chat, diff)
	}
	if strings.Contains(stderr, "outside the working directory") {
		t.Errorf("a dump's diff is against absolute paths by design; stderr: %s", stderr)
	}
	// the dump was printed from dir, so its original paths are dir's files
	cmd := exec.Command(patch, "-p1", "-d", "/", "--batch", "--forward")
	cmd.Stdin = strings.NewReader(diff)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("patch -p1 -d /: %v\n%s\n%s", err, out, diff)
	}
	if ok, out := nginxTestDir(t, dir); !ok {
		t.Fatalf("nginx -t refuses the patched configuration:\n%s", out)
	}
	_, out, _ := runIn(dir, "", "lint", "--format", "json", "--fail-level", "info", "nginx.conf")
	for _, f := range dumpFindings(t, out) {
		if f.Rule == "WS009" || f.Rule == "WS002" {
			t.Errorf("still there after the patch: %+v", f)
		}
	}
	if err := os.WriteFile(filepath.Join(work, "nginx-T.txt"), []byte(dump), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"fix", "--write", "nginx-T.txt"}, {"fix", "-"}, {"fix", "nginx-T.txt"}} {
		code, out, stderr := runIn(work, dump, args...)
		if code != 2 || out != "" || !strings.Contains(stderr, "nginx -T dump") || !strings.Contains(stderr, "--diff") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, stderr)
		}
	}
}

// nginxTestDir runs nginx -t on the nginx.conf in dir, inside dir.
func nginxTestDir(t *testing.T, dir string) (bool, string) {
	t.Helper()
	bin := nginxtest.Require(t)
	cmd := exec.Command(bin, "-t", "-q", "-p", dir+"/", "-c", filepath.Join(dir, "nginx.conf"), "-e", filepath.Join(dir, "error.log"))
	out, err := cmd.CombinedOutput()
	return err == nil, string(out)
}

func TestDumpUsage(t *testing.T) {
	dir := t.TempDir()
	dump := "# configuration file /etc/nginx/nginx.conf:\nevents {}\n\n"
	if err := os.WriteFile(filepath.Join(dir, "site.conf"), []byte("server { listen 80; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args  []string
		stdin string
		code  int
		err   string
	}{
		{[]string{"lint", "-", "site.conf"}, dump, 2, "linted alone"},
		{[]string{"lint", "--dump", "site.conf"}, "", 2, "not an nginx -T dump"},
		{[]string{"lint", "-"}, dump, 0, ""},
	} {
		code, _, stderr := runIn(dir, c.stdin, c.args...)
		if code != c.code || !strings.Contains(stderr, c.err) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.err)
		}
	}
}

// dumpMain is the nginx.conf TestDumpOfFixtures puts each fixture under.
const dumpMain = `worker_processes 1;
pid nginx.pid;
error_log error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path client_body_temp;
    proxy_temp_path proxy_temp;
    fastcgi_temp_path fastcgi_temp;
    uwsgi_temp_path uwsgi_temp;
    scgi_temp_path scgi_temp;
    include conf.d/*.conf;
}
`

var listenArg = regexp.MustCompile(`(?m)^([ \t]*listen[ \t]+)[^;\s]+`)

// TestDumpOfFixtures puts the official configurations and a bad fixture of
// every WebSocket rule, each in turn, under an nginx.conf (with free
// loopback ports: nginx -t binds them), has the real nginx print the dump,
// and checks that the dump's findings are the tree's, at the same lines
// and columns. Fixtures that nginx -t refuses (most bad fixtures: that is
// what they show) cannot be dumped and are skipped; enough must be left.
func TestDumpOfFixtures(t *testing.T) {
	nginxtest.Require(t)
	root, _ := filepath.Abs("../../fixtures")
	confs, _ := filepath.Glob(filepath.Join(root, "official", "*.conf"))
	ids, _ := filepath.Glob(filepath.Join(root, "rules", "WS*"))
	for _, id := range ids {
		for _, pat := range []string{"bad*.conf", "good*.conf"} {
			ms, _ := filepath.Glob(filepath.Join(id, pat))
			if ms = withoutFixed(ms); len(ms) > 0 {
				confs = append(confs, ms[0])
			}
		}
	}
	compared := 0
	for _, conf := range confs {
		src, err := os.ReadFile(conf)
		if err != nil {
			t.Fatal(err)
		}
		if f, serr := parser.Parse(conf, src); serr != nil || parser.DetectContext(f) != parser.CtxHTTP {
			continue // a whole nginx.conf or a location-level snippet
		}
		site := listenArg.ReplaceAllStringFunc(string(src), func(m string) string {
			return listenArg.ReplaceAllString(m, "${1}127.0.0.1:"+strconv.Itoa(nginxtest.FreePort(t)))
		})
		dir := t.TempDir()
		blWriteTree(t, dir, map[string]string{"nginx.conf": dumpMain, "conf.d/site.conf": site})
		if ok, _ := nginxTestDir(t, dir); !ok {
			continue
		}
		dump := nginxtest.Dump(t, dir)
		args := append(caseArgs(conf), "--format", "json", "--fail-level", "info")
		_, diskOut, _ := runIn(dir, "", append(append([]string{"lint"}, args...), "nginx.conf")...)
		code, dumpOut, stderr := runIn(t.TempDir(), dump, append(append([]string{"lint"}, args...), "-")...)
		if code == 2 {
			t.Fatalf("%s: lint of the dump: %s", conf, stderr)
		}
		want, got := dumpFindings(t, diskOut), dumpFindings(t, dumpOut)
		if len(got) != len(want) {
			t.Errorf("%s: %d findings from the dump, %d from the tree", conf, len(got), len(want))
			continue
		}
		for i := range got {
			g := got[i]
			g.File = strings.TrimPrefix(g.File, dir+"/")
			g.Message = strings.ReplaceAll(g.Message, dir+"/", "")
			if g != want[i] {
				t.Errorf("%s: finding %d:\n dump %+v\n tree %+v", conf, i, got[i], want[i])
			}
		}
		compared++
	}
	t.Logf("%d of %d fixtures dumped by nginx -T and compared", compared, len(confs))
	if compared < 15 {
		t.Errorf("only %d fixtures could be dumped; the comparison proves little", compared)
	}
}
