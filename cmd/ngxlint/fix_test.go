package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/rules"
)

// fixArgs are the flags a fixture of rule id is fixed with: its own
// (NAME.args), and unless they set a level, --fail-level at the lowest
// severity the rule reports in it, so that the rule's findings are fixed
// and the golden shows them and what else is at least as severe.
func fixArgs(t *testing.T, conf, id string) []string {
	t.Helper()
	args := caseArgs(conf)
	for _, a := range args {
		if strings.HasPrefix(a, "--fail-level") {
			return args
		}
	}
	_, out, _ := runIn(filepath.Dir(conf), "", append(append([]string{"lint", "--format", "json", "--fail-level", "info"}, args...), conf)...)
	var res struct {
		Findings []struct {
			Rule     string `json:"rule"`
			Severity string `json:"severity"`
		} `json:"findings"`
	}
	_ = json.Unmarshal([]byte(out), &res)
	level := rules.Error
	for _, f := range res.Findings {
		if sev, err := rules.ParseSeverity(f.Severity); err == nil && f.Rule == id && sev < level {
			level = sev
		}
	}
	return append(args, "--fail-level", level.String())
}

// fixableFixtures returns, by rule id, the bad fixtures of every rule that
// proposes fixes.
func fixableFixtures(t *testing.T) map[string][]string {
	t.Helper()
	root, _ := filepath.Abs("../../fixtures/rules")
	out := map[string][]string{}
	for _, r := range rules.All() {
		if !r.Meta().Fixable {
			continue
		}
		bads, _ := filepath.Glob(filepath.Join(root, r.Meta().ID, "bad*.conf"))
		out[r.Meta().ID] = withoutFixed(bads)
	}
	return out
}

func sortedKeys(m map[string][]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// runFix runs ngxlint fix in-process and returns its result as well.
func runFix(dir, stdin string, args ...string) (code int, stdout, stderr string, res *rules.FixResult) {
	fixHook = func(r *rules.FixResult) { res = r }
	defer func() { fixHook = nil }()
	code, stdout, stderr = runIn(dir, stdin, append([]string{"fix"}, args...)...)
	return code, stdout, stderr, res
}

// TestFixGoldens fixes every bad fixture of every fixable rule (in a copy
// of its folder, with fix --write, every rule's fixes as the CLI applies
// them): each changed file parses, nothing outside the fixes' edits
// changed, fixing again changes nothing, and no finding of the rule is
// left that has a fix; at least one fixture of each rule is fixed
// completely. The text of each rule's own fixes is compared with the
// fixture's .fixed.conf by the rule harness (rules/ruletest).
func TestFixGoldens(t *testing.T) {
	all := fixableFixtures(t)
	for _, id := range sortedKeys(all) {
		t.Run(id, func(t *testing.T) {
			bads := all[id]
			if len(bads) == 0 {
				t.Fatalf("fixable rule %s has no bad fixtures", id)
			}
			complete := 0
			for _, bad := range bads {
				name := filepath.Base(bad)
				args := fixArgs(t, bad, id)
				src := filepath.Dir(bad)
				tmp := copyDir(t, src)
				code, _, errOut, res := runFix(tmp, "", append(append([]string{"--write"}, args...), filepath.Join(tmp, name))...)
				if code == exitError || res == nil {
					t.Errorf("%s: fix failed (exit %d):\n%s", name, code, errOut)
					continue
				}
				for _, ff := range res.Files {
					if _, serr := parser.Parse(ff.File.Path, ff.New); serr != nil {
						t.Errorf("%s: the fixed %s does not parse: %v", name, ff.File.Path, serr)
					}
					checkOnlyEditsChanged(t, res, ff.File, ff.New)
				}
				// fixing the fixed files again changes nothing
				code2, diff2, errOut2 := runIn(tmp, "", append(append([]string{"fix", "--diff"}, args...), filepath.Join(tmp, name))...)
				if code2 == exitError || diff2 != "" {
					t.Errorf("%s: fixing again changes the files (exit %d):\n%s%s", name, code2, diff2, errOut2)
				}
				left, fixable := ruleFindings(t, tmp, args, filepath.Join(tmp, name), id)
				if fixable > 0 {
					t.Errorf("%s: %d finding(s) of %s with an automatic fix remain after fixing", name, fixable, id)
				}
				if left == 0 {
					complete++
				} else {
					t.Logf("%s: %d finding(s) of %s have no automatic fix:\n%s", name, left, id, errOut)
				}
			}
			if complete == 0 {
				t.Errorf("no bad fixture of %s is fixed completely", id)
			}
		})
	}
}

// ruleFindings lints a file and counts the findings of rule id, and how
// many of them carry a fix.
func ruleFindings(t *testing.T, dir string, args []string, path, id string) (n, fixable int) {
	t.Helper()
	_, out, errOut := runIn(dir, "", append(append([]string{"lint", "--format", "json"}, args...), path)...)
	var res struct {
		Findings []struct {
			Rule    string `json:"rule"`
			Fixable bool   `json:"fixable"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("lint %s: %v\n%s%s", path, err, out, errOut)
	}
	for _, f := range res.Findings {
		if f.Rule == id {
			n++
			if f.Fixable {
				fixable++
			}
		}
	}
	return n, fixable
}

// checkOnlyEditsChanged checks that every byte of a file outside the
// ranges the fixes touched is in its fixed text, in order: the text
// between two touched ranges is found unchanged, each piece after the
// previous one, and nothing follows the last.
func checkOnlyEditsChanged(t *testing.T, res *rules.FixResult, f *parser.File, out []byte) {
	t.Helper()
	in := f.Src
	ranges := res.Touched(f)
	sort.Slice(ranges, func(i, j int) bool { return ranges[i][0] < ranges[j][0] })
	var kept [][]byte
	last := 0
	for _, r := range ranges {
		if r[0] > last {
			kept = append(kept, in[last:r[0]])
		}
		last = max(last, r[1])
	}
	kept = append(kept, in[last:])
	rest := out
	for i, k := range kept {
		j := bytes.Index(rest, k)
		if j < 0 || i == 0 && j != 0 && (len(ranges) == 0 || ranges[0][0] > 0) {
			t.Errorf("%s: input text outside the fixes' edits is not kept as it was: %q", f.Path, k)
			return
		}
		rest = rest[j+len(k):]
	}
	if len(rest) != 0 {
		t.Errorf("%s: the output has text after the input's end: %q", f.Path, rest)
	}
}

// copyDir copies a fixture folder, so that includes resolve the same way.
func copyDir(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if info.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
	return to
}

func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			out[rel] = string(b)
		}
		return nil
	})
	return out
}

// TestFixDiffApplies checks that for every fixable fixture the output of
// fix --diff applies with git apply and with patch -p1 to a copy of the
// input, and gives the same files as fix --write.
func TestFixDiffApplies(t *testing.T) {
	git, gerr := exec.LookPath("git")
	patch, perr := exec.LookPath("patch")
	if (gerr != nil || perr != nil) && os.Getenv("CI") != "" {
		t.Fatal("git and patch are needed for this test (.ci/run installs them)")
	}
	all := fixableFixtures(t)
	for _, id := range sortedKeys(all) {
		for _, bad := range all[id] {
			t.Run(id+"/"+filepath.Base(bad), func(t *testing.T) {
				name := filepath.Base(bad)
				args := fixArgs(t, bad, id)
				written := copyDir(t, filepath.Dir(bad))
				code, _, errOut := runIn(written, "", append(append([]string{"fix", "--write"}, args...), filepath.Join(written, name))...)
				if code == exitError {
					t.Fatalf("fix --write: exit %d\n%s", code, errOut)
				}
				diffed := copyDir(t, filepath.Dir(bad))
				code, diff, errOut := runIn(diffed, "", append(append([]string{"fix", "--diff"}, args...), filepath.Join(diffed, name))...)
				if code == exitError {
					t.Fatalf("fix --diff: exit %d\n%s", code, errOut)
				}
				if diff != "" && code != exitFindings {
					t.Errorf("fix --diff printed a diff but exited %d", code)
				}
				want := readTree(t, written)
				for tool, bin := range map[string]string{"git": git, "patch": patch} {
					if bin == "" {
						continue
					}
					dir := copyDir(t, filepath.Dir(bad))
					if diff != "" {
						var cmd *exec.Cmd
						if tool == "git" {
							cmd = exec.Command(bin, "apply", "-")
						} else {
							cmd = exec.Command(bin, "-p1", "--batch", "--quiet")
						}
						cmd.Dir = dir
						cmd.Stdin = strings.NewReader(diff)
						if out, err := cmd.CombinedOutput(); err != nil {
							t.Fatalf("%s does not apply the diff: %v\n%s\ndiff:\n%s", tool, err, out, diff)
						}
					}
					got := readTree(t, dir)
					for f, w := range want {
						if got[f] != w {
							t.Errorf("after %s apply, %s differs from fix --write:\n--- applied\n%s--- written\n%s", tool, f, got[f], w)
						}
					}
					for f := range got {
						if _, ok := want[f]; !ok {
							t.Errorf("%s apply left %s", tool, f)
						}
					}
				}
			})
		}
	}
	_ = perr
}

const fixBadWS002 = "server {\n    listen 80;\n\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n    }\n}\n"

const fixGoodWS002 = "map $http_upgrade $connection_upgrade {\n    default upgrade;\n    '' close;\n}\n\n" +
	"server {\n    listen 80;\n\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;\n    }\n}\n"

func noTemps(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".ngxlint-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestFixWriteKeepsModeAndLinks(t *testing.T) {
	dir := t.TempDir()
	site := filepath.Join(dir, "sites-available", "chat")
	if err := os.MkdirAll(filepath.Dir(site), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(site, []byte(fixBadWS002), 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "sites-enabled", "chat")
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../sites-available/chat", link); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runIn(dir, "", "fix", "--write", filepath.Join(dir, "sites-enabled/chat"))
	if code != exitOK || out != "" {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	b, _ := os.ReadFile(site)
	if string(b) != fixGoodWS002 {
		t.Errorf("written:\n%s", b)
	}
	st, _ := os.Stat(site)
	if st.Mode().Perm() != 0o640 {
		t.Errorf("mode %04o, want 0640", st.Mode().Perm())
	}
	if lst, _ := os.Lstat(link); lst.Mode()&os.ModeSymlink == 0 {
		t.Errorf("sites-enabled/chat is no longer a link")
	}
	noTemps(t, filepath.Dir(site))
	// a second run has nothing to do
	code, out, errOut = runIn(dir, "", "fix", "--diff", filepath.Join(dir, "sites-enabled/chat"))
	if code != exitOK || out != "" {
		t.Errorf("second fix: exit %d\n%s%s", code, out, errOut)
	}
}

func TestFixWriteReadOnly(t *testing.T) {
	t.Run("file", func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "site.conf")
		if err := os.WriteFile(p, []byte(fixBadWS002), 0o444); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := runIn(dir, "", "fix", "--write", p)
		if code != exitError || !strings.Contains(errOut, "read-only") {
			t.Errorf("exit %d, stderr:\n%s", code, errOut)
		}
		if strings.Contains(errOut, "fixed:") {
			t.Errorf("nothing was written, yet stderr claims a fix:\n%s", errOut)
		}
		if b, _ := os.ReadFile(p); string(b) != fixBadWS002 {
			t.Errorf("the read-only file changed:\n%s", b)
		}
		noTemps(t, dir)
	})
	t.Run("directory", func(t *testing.T) {
		dir := t.TempDir()
		sub := filepath.Join(dir, "conf.d")
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(sub, "site.conf")
		if err := os.WriteFile(p, []byte(fixBadWS002), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(sub, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(sub, 0o755) })
		code, _, errOut := runIn(dir, "", "fix", "--write", p)
		if code != exitError || !strings.Contains(errOut, "read-only") {
			t.Errorf("exit %d, stderr:\n%s", code, errOut)
		}
		if b, _ := os.ReadFile(p); string(b) != fixBadWS002 {
			t.Errorf("the file changed:\n%s", b)
		}
		noTemps(t, sub)
	})
}

func TestFixStdoutAndStdin(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "site.conf"), []byte(fixBadWS002), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runIn(dir, "", "fix", filepath.Join(dir, "site.conf"))
	if code != exitOK || out != fixGoodWS002 {
		t.Errorf("fix site.conf: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "fixed: set Connection to $connection_upgrade [WS002") {
		t.Errorf("stderr does not list the fix:\n%s", errOut)
	}
	// a path relative to the working directory; the diff names it so
	code, out, _ = runIn(dir, "", "fix", "--diff", "site.conf")
	if code != exitFindings || !strings.HasPrefix(out, "--- a/site.conf\n+++ b/site.conf\n@@ -1,3 +1,8 @@\n+map $http_upgrade $connection_upgrade {\n") {
		t.Errorf("fix --diff site.conf: exit %d\n%s", code, out)
	}
	code, out, errOut = runIn(dir, fixBadWS002, "fix", "-")
	if code != exitOK || out != fixGoodWS002 {
		t.Errorf("fix -: exit %d\n%s%s", code, out, errOut)
	}
	// CRLF line endings are kept, and so are the inserted lines'
	crlf := strings.ReplaceAll(fixBadWS002, "\n", "\r\n")
	code, out, errOut = runIn(dir, crlf, "fix", "-")
	if code != exitOK || out != strings.ReplaceAll(fixGoodWS002, "\n", "\r\n") {
		t.Errorf("fix - (CRLF): exit %d\n%q\n%s", code, out, errOut)
	}
	// nothing to fix: the file as it is, exit 0, empty diff
	code, out, _ = runIn(dir, fixGoodWS002, "fix", "-")
	if code != exitOK || out != fixGoodWS002 {
		t.Errorf("fix of a good file: exit %d\n%s", code, out)
	}
	code, out, _ = runIn(dir, fixGoodWS002, "fix", "--diff", "-")
	if code != exitOK || out != "" {
		t.Errorf("fix --diff of a good file: exit %d\n%s", code, out)
	}
}

func TestFixReportsWhatItCannotFix(t *testing.T) {
	// a location-level snippet cannot hold the map: WS002 stays, with why
	snippet := "proxy_pass http://127.0.0.1:9001;\nproxy_http_version 1.1;\nproxy_set_header Upgrade $http_upgrade;\n"
	code, out, errOut := runIn(t.TempDir(), snippet, "fix", "--ws-path", "/", "-")
	if code != exitFindings || out != snippet {
		t.Errorf("exit %d\n%s", code, out)
	}
	if !strings.Contains(errOut, "[WS002 missing-connection-upgrade]\n    not fixed: the map for $connection_upgrade must go in http{}") {
		t.Errorf("stderr:\n%s", errOut)
	}
	// a handler that cannot tunnel has no automatic fix either
	fcgi := "server {\n    listen 80;\n    location /ws/ {\n        fastcgi_pass 127.0.0.1:9000;\n        # ngxlint: websocket\n    }\n}\n"
	_, _, errOut = runIn(t.TempDir(), fcgi, "fix", "-")
	if !strings.Contains(errOut, "not fixed:") {
		t.Errorf("stderr does not say what is not fixed:\n%s", errOut)
	}
}

func TestFixUsage(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.conf", "b.conf"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(fixBadWS002), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		{"fix"},
		{"fix", "--diff", "--write", filepath.Join(dir, "a.conf")},
		{"fix", filepath.Join(dir, "a.conf"), filepath.Join(dir, "b.conf")},
		{"fix", dir},
		{"fix", "--write", "-"},
	} {
		code, out, errOut := runIn(dir, "", args...)
		if code != exitError || out != "" || errOut == "" {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a.conf")); string(b) != fixBadWS002 {
		t.Errorf("a usage error changed a file")
	}
	// several files and directories are fine with --diff
	code, out, _ := runIn(dir, "", "fix", "--diff", dir)
	if code != exitFindings || !strings.Contains(out, "--- a/a.conf\n+++ b/a.conf\n") || !strings.Contains(out, "--- a/b.conf\n+++ b/b.conf\n") {
		t.Errorf("fix --diff .: exit %d\n%s", code, out)
	}
}

// A diff shows the lines around a fix as they are: a file whose lines
// there hold an escape sequence gets no diff (it is named on stderr and
// the exit says a fix is pending), and a CRLF file still gets its diff.
func TestFixDiffWithholdsControlCharacters(t *testing.T) {
	dir := t.TempDir()
	esc := strings.Replace(fixBadWS002, "listen 80;", "listen 80; # \x1b[2J", 1)
	if err := os.WriteFile(filepath.Join(dir, "esc.conf"), []byte(esc), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runIn(dir, "", "fix", "--diff", filepath.Join(dir, "esc.conf"))
	if code != exitFindings || out != "" || !strings.Contains(errOut, "esc.conf: no diff printed") || strings.Contains(errOut, "\x1b") {
		t.Errorf("escape: exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
	crlf := strings.ReplaceAll(fixBadWS002, "\n", "\r\n")
	if err := os.WriteFile(filepath.Join(dir, "crlf.conf"), []byte(crlf), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runIn(dir, "", "fix", "--diff", filepath.Join(dir, "crlf.conf"))
	if code != exitFindings || !strings.Contains(out, "+        proxy_set_header Connection") || !strings.Contains(out, "\r\n") {
		t.Errorf("CRLF: exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
}
