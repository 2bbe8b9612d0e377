package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/ngxlint/ngxlint/parser/nginxtest"
)

// templateFindings lints args in fixtures/templates and returns "rule
// file:line" for each finding, sorted.
func templateFindings(t *testing.T, dir, stdin string, args ...string) (int, []string) {
	t.Helper()
	code, out, stderr := runIn(dir, stdin, append([]string{"lint", "--format", "json", "--fail-level", "info"}, args...)...)
	if code == 2 {
		t.Fatalf("lint %v: exit 2: %s", args, stderr)
	}
	var got []string
	for _, f := range dumpFindings(t, out) {
		got = append(got, fmt.Sprintf("%s %s:%d", f.Rule, f.File, f.Line))
	}
	sort.Strings(got)
	return code, got
}

// TestTemplates lints envsubst templates: ${NAME} placeholders are no
// undefined variables and no invalid values, and the rules still apply.
func TestTemplates(t *testing.T) {
	dir, _ := filepath.Abs("../../fixtures/templates")
	if code, got := templateFindings(t, dir, "", "templates/chat.conf.template"); code != 0 || len(got) != 0 {
		t.Errorf("chat.conf.template: exit %d, %v", code, got)
	}
	code, got := templateFindings(t, dir, "", "templates/broken.conf.template")
	if code != 1 || strings.Join(got, " ") != "WS009 templates/broken.conf.template:11" {
		t.Errorf("broken.conf.template: exit %d, %v; want only WS009 on line 11", code, got)
	}
	// every format exits as lint does
	for _, format := range formatNames() {
		for tpl, want := range map[string]int{"templates/chat.conf.template": 0, "templates/broken.conf.template": 1} {
			if code, _, stderr := runIn(dir, "", "lint", "--format", format, tpl); code != want {
				t.Errorf("--format %s %s: exit %d, want %d; %s", format, tpl, code, want, stderr)
			}
		}
	}
	// fix works on a template: the fixed text lints clean, placeholders and all
	code, diff, stderr := runIn(dir, "", "fix", "--diff", "templates/broken.conf.template")
	if code != 1 || !strings.Contains(diff, "+        proxy_set_header Connection \"upgrade\";") || strings.Count(diff, "\n+") != 2 {
		t.Errorf("fix --diff on a template: exit %d\n%s%s", code, diff, stderr)
	}
	// a directory walk picks the templates up
	if code, got := templateFindings(t, dir, "", "."); code != 1 || strings.Join(got, " ") != "WS009 templates/broken.conf.template:11" {
		t.Errorf("lint of the directory: exit %d, %v", code, got)
	}
	// the same text that is not a template: ${NGINX_PORT} is an undefined
	// nginx variable (nginx -t: unknown "nginx_port" variable) ...
	src, err := os.ReadFile(filepath.Join(dir, "templates/chat.conf.template"))
	if err != nil {
		t.Fatal(err)
	}
	_, got = templateFindings(t, dir, string(src), "-")
	undefined := 0
	for _, g := range got {
		if strings.HasPrefix(g, "WS010 ") || strings.HasPrefix(g, "WS029 ") {
			undefined++
		}
	}
	if undefined < 5 {
		t.Errorf("standard input without --template: %v; want WS010 for the placeholders and WS029 for the timeout", got)
	}
	// ... unless --template says it is one
	if code, got := templateFindings(t, dir, string(src), "--template", "-"); code != 0 || len(got) != 0 {
		t.Errorf("standard input with --template: exit %d, %v", code, got)
	}
	// a lower-case unknown $name in a template is still nginx's (a typo)
	typo := strings.Replace(string(src), "Host $http_host;", "Host $hots;", 1)
	if _, got := templateFindings(t, dir, typo, "--template", "-"); len(got) != 1 || !strings.HasPrefix(got[0], "WS010 <stdin>:13") {
		t.Errorf("a typo of an nginx variable in a template: %v", got)
	}
}

// TestTemplatesRenderedByEnvsubst renders the templates with the real
// envsubst, the way the official image does (only the variables of the
// environment it lists), and checks that nginx -t accepts the result and
// that linting it finds what linting the templates found.
func TestTemplatesRenderedByEnvsubst(t *testing.T) {
	envsubst, err := exec.LookPath("envsubst")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("envsubst is needed for this test (.ci/run installs gettext-base)")
		}
		t.Skip("envsubst not installed (apt-get install gettext-base)")
	}
	src, _ := filepath.Abs("../../fixtures/templates")
	dir := t.TempDir()
	env := map[string]string{
		"NGINX_PORT": strconv.Itoa(nginxtest.FreePort(t)), "NGINX_PORT2": strconv.Itoa(nginxtest.FreePort(t)),
		"NGINX_HOST": "chat.example.test", "BACKEND_HOST": "127.0.0.1", "BACKEND_PORT": "9001", "WS_TIMEOUT": "1h",
	}
	var names []string
	environ := []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range env {
		names = append(names, "${"+k+"}")
		environ = append(environ, k+"="+v)
	}
	conf, _ := os.ReadFile(filepath.Join(src, "nginx.conf"))
	if err := os.MkdirAll(filepath.Join(dir, "conf.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), conf, 0o644); err != nil {
		t.Fatal(err)
	}
	templates, _ := filepath.Glob(filepath.Join(src, "templates", "*.conf.template"))
	for _, tpl := range templates {
		in, _ := os.ReadFile(tpl)
		cmd := exec.Command(envsubst, strings.Join(names, " "))
		cmd.Env = environ
		cmd.Stdin = strings.NewReader(string(in))
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("envsubst %s: %v", tpl, err)
		}
		if regexp.MustCompile(`\$\{?[A-Z]`).Match(out) || !strings.Contains(string(out), "$http_upgrade") {
			t.Fatalf("envsubst left a placeholder or replaced an nginx variable:\n%s", out)
		}
		name := strings.TrimSuffix(filepath.Base(tpl), ".template")
		if err := os.WriteFile(filepath.Join(dir, "conf.d", name), out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if ok, out := nginxTestDir(t, dir); !ok {
		t.Fatalf("nginx -t refuses the rendered templates:\n%s", out)
	}
	_, rendered := templateFindings(t, dir, "", "nginx.conf")
	_, tpl := templateFindings(t, src, "", "templates")
	rename := regexp.MustCompile(`templates/(\S+)\.template:`)
	for i := range tpl {
		tpl[i] = rename.ReplaceAllString(tpl[i], "conf.d/$1:")
	}
	sort.Strings(tpl)
	// WS024 reads worker_connections of nginx.conf, which the templates
	// alone do not carry
	var renderedOwn []string
	for _, r := range rendered {
		if !strings.HasPrefix(r, "WS024 ") {
			renderedOwn = append(renderedOwn, r)
		}
	}
	if strings.Join(tpl, "\n") != strings.Join(renderedOwn, "\n") {
		t.Errorf("findings of the templates:\n%s\nof the rendered configuration:\n%s", strings.Join(tpl, "\n"), strings.Join(rendered, "\n"))
	}
}

// TestPreCommitTakesTemplates checks that the hooks' files pattern takes
// templates.
func TestPreCommitTakesTemplates(t *testing.T) {
	src, err := os.ReadFile("../../.pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID      string `yaml:"id"`
		Files   string `yaml:"files"`
		Exclude string `yaml:"exclude"`
	}
	if err := yaml.Unmarshal(src, &hooks); err != nil {
		t.Fatal(err)
	}
	for _, h := range hooks {
		files, exclude := regexp.MustCompile(h.Files), regexp.MustCompile(h.Exclude)
		for path, want := range map[string]bool{
			"templates/default.conf.template":        true,
			"deploy/nginx/templates/x.conf.template": true,
			"templates/README.template.md":           false,
			"templates/default.conf.template~":       false,
		} {
			if got := files.MatchString(path) && !exclude.MatchString(path); got != want {
				t.Errorf("%s: files pattern on %s: %v, want %v", h.ID, path, got, want)
			}
		}
	}
}
