package rules

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".ngxlint.yml")
	src := `nginx-version: 1.22.1
fail-level: info
prefix: ./deploy/nginx
path-map:
  /etc/nginx: ./deploy/nginx
  /opt/conf: /srv/conf
ws-paths: [/ws/, /socket.io/]
rules:
  WS004: warning
  header-name-typo: off
ignore:
  - vendor/**
  - "*.dpkg-dist"
no-inline-ignores: true
overrides:
  - files: [sites-enabled/legacy-*]
    rules: {WS009: off}
  - files: legacy.conf
    rules:
      WS003: info
`
	c, err := ParseConfig(path, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if c.NginxVersion != "1.22.1" || c.FailLevel != "info" || !c.NoInlineIgnores || c.Dir != dir {
		t.Errorf("scalars: %+v", c)
	}
	if c.Prefix != filepath.Join(dir, "deploy/nginx") {
		t.Errorf("prefix %q is not relative to the file", c.Prefix)
	}
	if c.PathMap["/etc/nginx"] != filepath.Join(dir, "deploy/nginx") || c.PathMap["/opt/conf"] != "/srv/conf" {
		t.Errorf("path-map %v", c.PathMap)
	}
	if strings.Join(c.Settings["ws-paths"], " ") != "/ws/ /socket.io/" || strings.Join(c.Ignore, " ") != "vendor/** *.dpkg-dist" {
		t.Errorf("lists: %v %v", c.Settings, c.Ignore)
	}
	if c.Rules["WS004"] != Warning || c.Rules["WS008"] != Off || len(c.Rules) != 2 {
		t.Errorf("rules by id and by name: %v", c.Rules)
	}
	if len(c.Overrides) != 2 || c.Overrides[0].Rules["WS009"] != Off || c.Overrides[1].Files[0] != "legacy.conf" || c.Overrides[1].Rules["WS003"] != Info {
		t.Errorf("overrides: %+v", c.Overrides)
	}
	empty, err := ParseConfig(path, []byte("# nothing set\n"))
	if err != nil || empty.FailLevel != "" || len(empty.Rules) != 0 {
		t.Errorf("empty file: %+v, %v", empty, err)
	}
}

// TestConfigErrors: every mistake is an error with the line and column of
// the offending key or value.
func TestConfigErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{"nginx-version: 1.22.1\nws_paths: [/ws/]\n", `2:1: unknown key "ws_paths"`},
		{"fail-level: off\n", `1:13: fail-level must be error, warning or info, not "off"`},
		{"fail-level: [error]\n", `1:13: expected error, warning or info`},
		{"nginx-version: latest\n", `1:16: nginx version "latest" must look like 1.22.1 or 1.30`},
		{"ws-paths:\n  - /ws/\n  - socket.io\n", `3:5: ws-paths entries are request paths and start with /, or are HOST/PATH such as chat.example.com/ws/, not "socket.io"`},
		{"rules:\n  WS999: off\n", `2:3: unknown rule "WS999"`},
		{"rules:\n  WS004: loud\n", `2:10: rule WS004: severity must be off, info, warning or error, not "loud"`},
		{"rules:\n  WS004: off\n  http-1.0-upstream: error\n", `3:3: rule WS004 is set twice (also on line 2)`},
		{"rules: [WS004]\n", `1:8: rules must map rule ids to off, info, warning or error`},
		{"fail-level: error\nfail-level: info\n", `2:1: key "fail-level" is set twice (also on line 1)`},
		{"path-map:\n  etc/nginx: ./x\n", `2:3: path-map: "etc/nginx" must be an absolute path`},
		{"path-map: /etc/nginx=./x\n", `1:11: expected FROM: TO pairs`},
		{"ignore:\n  - \"[abc\"\n", `2:5: glob "[abc" is malformed`},
		{"overrides:\n  - files: [a.conf]\n    rule: {WS004: off}\n", `3:5: unknown key "rule" in an override`},
		{"overrides:\n  - rules: {WS004: off}\n", `2:5: an override needs files`},
		{"overrides:\n  - files: [\"x[\"]\n", `2:13: glob "x[" is malformed`},
		{"no-inline-ignores: maybe\n", `1:20: expected true or false`},
		{"- a\n- b\n", `1:1: the configuration must be a mapping`},
		{"rules:\n  WS004: off\n bad indent: 1\n", `2:1: did not find expected key`},
		{"fail-level: \"warning\n", `2:1: found unexpected end of stream`},
	}
	for _, c := range cases {
		_, err := ParseConfig("cfg.yml", []byte(c.src))
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("%q: got %v, want a ConfigError", c.src, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), "cfg.yml:") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant cfg.yml:%s", c.src, err, c.want)
		}
	}
}

func TestPathRuleMatches(t *testing.T) {
	pr := PathRule{Base: "/repo", Globs: []string{"sites-enabled/legacy-*", "*.dpkg-dist", "vendor/**"}}
	for p, want := range map[string]bool{
		"/repo/sites-enabled/legacy-chat":       true,
		"/repo/sites-enabled/chat":              false,
		"/repo/nginx/sites-enabled/legacy-chat": false, // the glob has a "/": anchored at Base
		"/repo/a/b/nginx.conf.dpkg-dist":        true,  // no "/": the name anywhere
		"/repo/vendor/x/y.conf":                 true,
		"/elsewhere/sites-enabled/legacy-chat":  false,
	} {
		if got := pr.Matches(p, "shown"); got != want {
			t.Errorf("%s: %v, want %v", p, got, want)
		}
	}
}
