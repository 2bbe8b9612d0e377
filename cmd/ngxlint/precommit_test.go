package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type preCommitHook struct {
	ID            string `yaml:"id"`
	Name          string `yaml:"name"`
	Entry         string `yaml:"entry"`
	Language      string `yaml:"language"`
	Files         string `yaml:"files"`
	Exclude       string `yaml:"exclude"`
	RequireSerial bool   `yaml:"require_serial"`
	PassFilenames *bool  `yaml:"pass_filenames"`
}

func preCommitHooks(t *testing.T) map[string]preCommitHook {
	t.Helper()
	src, err := os.ReadFile("../../.pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []preCommitHook
	if err := yaml.Unmarshal(src, &hooks); err != nil {
		t.Fatal(err)
	}
	out := map[string]preCommitHook{}
	for _, h := range hooks {
		out[h.ID] = h
	}
	return out
}

// TestPreCommitHooks checks .pre-commit-hooks.yaml: a golang hook and a
// system hook, both passing every staged nginx file to one ngxlint call.
func TestPreCommitHooks(t *testing.T) {
	hooks := preCommitHooks(t)
	for id, lang := range map[string]string{"ngxlint": "golang", "ngxlint-system": "system"} {
		h, ok := hooks[id]
		if !ok {
			t.Errorf("no hook %s", id)
			continue
		}
		if h.Language != lang || h.Entry != "ngxlint lint" || !h.RequireSerial || h.PassFilenames != nil && !*h.PassFilenames {
			t.Errorf("hook %s: %+v", id, h)
		}
	}
	h := hooks["ngxlint"]
	// pre-commit matches with Python's re.search; these patterns use only
	// syntax that Go's regexp reads the same way.
	files, exclude := regexp.MustCompile(h.Files), regexp.MustCompile(h.Exclude)
	for path, want := range map[string]bool{
		"nginx.conf":                        true,
		"deploy/nginx/nginx.conf":           true,
		"conf.d/chat.conf":                  true,
		"site.conf":                         true,
		"etc/nginx/sites-enabled/chat":      true,
		"sites-available/default":           true,
		"snippets/proxy-ws":                 true,
		"nginx/conf.d/upstreams":            true,
		"README.md":                         false,
		"sites-enabled/chat~":               false,
		"conf.d/a.conf.dpkg-dist":           false,
		"conf.d/a.conf.bak":                 false,
		"main.go":                           false,
		"docs/sites-enabled.md":             false,
		"sites-enabled/nested/dir/file.txt": false,
		"notnginx.config":                   false,
	} {
		got := files.MatchString(path) && !exclude.MatchString(path)
		if got != want {
			t.Errorf("files pattern on %s: %v, want %v", path, got, want)
		}
	}
}

// TestPreCommitEntry runs the hook's entry the way pre-commit does: the
// entry's words, then the hook's args, then the staged file names relative
// to the repository root, in one call. A sites-enabled fragment is linted
// inside the nginx.conf that includes it (its map counts); the exit code
// fails the commit only for findings at the fail level.
func TestPreCommitEntry(t *testing.T) {
	h := preCommitHooks(t)["ngxlint"]
	mainConf := "worker_rlimit_nofile 8192;\nevents {\n    worker_connections 4096;\n}\nhttp {\n    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        '' close;\n    }\n    include sites-enabled/*;\n}\n"
	// each site answers its own name: two nameless servers on one port
	// would leave the second unreachable (NGX115)
	site := func(name, conn string) string {
		return "server {\n    listen 80;\n    server_name " + name + ".example;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_http_version 1.1;\n        proxy_read_timeout 1h;\n        proxy_set_header Host $http_host;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection " + conn + ";\n    }\n}\n"
	}
	repo := writeTree(t, map[string]string{
		"good/nginx.conf":          mainConf,
		"good/sites-enabled/chat":  site("chat", "$connection_upgrade"),
		"good/sites-enabled/other": site("other", "$connection_upgrade"),
		"bad/nginx.conf":           mainConf,
		"bad/sites-enabled/chat":   site("chat", `"ugrade"`),
		"bad/sites-enabled/ok":     site("ok", "$connection_upgrade"),
	})
	run := func(args []string, staged ...string) (int, string, string) {
		argv := append(strings.Fields(h.Entry)[1:], args...)
		argv = append(argv, staged...)
		return runIn(repo, "", argv...)
	}
	// (info findings, which do not fail the commit, are allowed: rules
	// added later may suggest improvements)
	clean := func(out string) bool {
		return !strings.Contains(out, ": error: ") && !strings.Contains(out, ": warning: ")
	}
	code, out, errOut := run(nil, "good/nginx.conf", "good/sites-enabled/chat", "good/sites-enabled/other")
	if code != 0 || !clean(out) || errOut != "" {
		t.Errorf("correct configuration: exit %d\n%s%s", code, out, errOut)
	}
	// only the fragment staged: still linted with its nginx.conf's map
	code, out, errOut = run(nil, "good/sites-enabled/chat")
	if code != 0 || !clean(out) || errOut != "" {
		t.Errorf("a correct fragment alone: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = run(nil, "bad/sites-enabled/chat", "bad/sites-enabled/ok", "bad/nginx.conf")
	want := "bad/sites-enabled/chat:10:37: error: proxy_set_header Connection \"ugrade\" is a misspelling of \"upgrade\""
	if code != 1 || !strings.Contains(out, "\n"+want) && !strings.HasPrefix(out, want) || strings.Contains(out, "sites-enabled/ok") {
		t.Errorf("broken configuration: exit %d\n%s", code, out)
	}
	// args from .pre-commit-config.yaml go before the files
	code, out, _ = run([]string{"--format", "github"}, "bad/sites-enabled/chat")
	if code != 1 || !strings.Contains(out, "::error file=bad/sites-enabled/chat,line=10,col=37,") {
		t.Errorf("with args: exit %d\n%s", code, out)
	}
}
