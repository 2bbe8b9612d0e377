package websocket

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/parser/nginxtest"
	"github.com/ngxlint/ngxlint/rules"
)

// TestNginxAgreesWithFixtures runs nginx -t on the fixtures of WS005,
// WS006, WS007, WS011, WS012, WS013, WS014 and WS029 and their fixed
// versions: the rules that say "nginx -t fails" (WS011, WS012, WS029, and
// WS005 before 1.29.4) must be right about the bad fixtures, and every good
// and fixed fixture must load, unless it keeps a finding the fix cannot
// repair. Fragments are wrapped in their natural context; the files they
// include come from the fixture folder, and the package includes
// (proxy_params, fastcgi_params...) are stand-ins.
func TestNginxAgreesWithFixtures(t *testing.T) {
	nginxtest.Require(t)
	local := model.MustVersion(nginxtest.Version(t))
	// bad fixtures nginx -t must refuse, with what it says
	mustFail := map[string]string{
		"WS011/": `"map" directive is not allowed here`,
		"WS012/": `directive is not allowed here`,
		"WS029/": ``,
	}
	// fixed fixtures that keep a finding without an automatic fix
	stillFails := map[string]bool{
		"WS029/bad-order.fixed.conf":   true,
		"WS029/bad-seconds.fixed.conf": true,
	}
	// files nginx cannot judge here
	skip := map[string]string{
		"WS011/good-stream.conf":      "Debian builds the stream module as a dynamic module",
		"WS012/good-third-party.conf": "third-party modules (headers-more, Lua) are not installed",
	}
	packageFiles := map[string]string{
		"proxy_params": "proxy_set_header Host $http_host;\nproxy_set_header X-Real-IP $remote_addr;\n" +
			"proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\nproxy_set_header X-Forwarded-Proto $scheme;\n",
		"fastcgi_params": "fastcgi_param QUERY_STRING $query_string;\n",
		"uwsgi_params":   "uwsgi_param QUERY_STRING $query_string;\n",
		"scgi_params":    "scgi_param QUERY_STRING $query_string;\n",
	}
	for _, id := range []string{"WS005", "WS006", "WS007", "WS011", "WS012", "WS013", "WS014", "WS029"} {
		dir := filepath.Join("..", "..", "fixtures", "rules", id)
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var opts []nginxtest.Option
		for name, content := range packageFiles {
			opts = append(opts, nginxtest.WithFile(name, content))
		}
		opts = append(opts, includedFiles(t, dir)...)
		for _, e := range entries {
			name := e.Name()
			if !strings.HasSuffix(name, ".conf") {
				continue
			}
			key := id + "/" + name
			t.Run(key, func(t *testing.T) {
				if why, ok := skip[key]; ok {
					t.Skip(why)
				}
				src, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				conf := nginxConfFor(t, name, string(src))
				wantFail, wantMsg := false, ""
				fixed := strings.HasSuffix(name, ".fixed.conf")
				if msg, ok := mustFail[id+"/"]; ok && strings.HasPrefix(name, "bad") && !fixed {
					wantFail, wantMsg = true, msg
				}
				if stillFails[key] {
					wantFail = true
				}
				if strings.Contains(conf, "proxy_http_version 2;") && local.Before("1.29.4") {
					wantFail, wantMsg = true, `invalid value "2"`
				}
				all := opts
				if fixed {
					// the fixes of the included files, when there are any
					all = append(all, includedFiles(t, filepath.Join(dir, strings.TrimSuffix(name, ".conf")))...)
				}
				ok, out := nginxtest.Test(t, conf, all...)
				switch {
				case wantFail && ok:
					t.Errorf("nginx -t accepts %s, the rule says it fails:\n%s", name, conf)
				case wantFail && !strings.Contains(out, wantMsg):
					t.Errorf("nginx -t refuses %s, but not with %q:\n%s", name, wantMsg, out)
				case !wantFail && !ok:
					t.Errorf("nginx -t refuses %s:\n%s\n%s", name, out, conf)
				}
			})
		}
	}
}

// includedFiles returns the files of a fixture folder that fixtures
// include (all but .conf, .out and .args files and folders).
func includedFiles(t *testing.T, dir string) []nginxtest.Option {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []nginxtest.Option
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || strings.HasSuffix(n, ".conf") || strings.HasSuffix(n, ".out") || strings.HasSuffix(n, ".args") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, nginxtest.WithFile(n, string(b)))
	}
	return out
}

// nginxConfFor wraps a fixture in its natural context for nginxtest: a
// file of server-level directives in a server, a snippet in a location.
// Paths outside the test directory move into it.
func nginxConfFor(t *testing.T, name, src string) string {
	t.Helper()
	f, serr := parser.Parse(name, []byte(src))
	if serr != nil {
		t.Fatalf("%s: %v", name, serr)
	}
	ctx := parser.DetectContext(f)
	if strings.Contains(name, "server-fragment") {
		ctx = parser.CtxServer
	}
	src = strings.NewReplacer("/var/cache/nginx", "{{DIR}}/cache", "/var/log/nginx/", "{{DIR}}/").Replace(src)
	switch ctx {
	case parser.CtxServer:
		return "server {\n    listen 127.0.0.1:{{PORT}};\n" + src + "\n}\n"
	case parser.CtxLocation:
		return "server {\n    listen 127.0.0.1:{{PORT}};\n    location / {\n" + src + "\n    }\n}\n"
	}
	return src
}

// lintFragment lints a conf.d-style configuration text and returns the
// findings of one rule.
func lintFragment(t *testing.T, text, id string) []*rules.Finding {
	t.Helper()
	path := filepath.Join(t.TempDir(), "site.conf")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	units, err := parser.Load([]string{path}, parser.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := rules.LintUnit(units[0], &rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out []*rules.Finding
	for _, f := range fs {
		if f.Rule.ID == id {
			out = append(out, f)
		}
	}
	return out
}

// WS013 and WS014 against a real nginx and a real WebSocket client: the
// configuration the rule reports fails the handshake, its fix makes it
// succeed, and the fixed text no longer has the finding.
func TestHandshakeAgreesWithWS013AndWS014(t *testing.T) {
	nginxtest.Require(t)
	echo := nginxtest.StartEcho(t)
	cases := []struct {
		id   string
		conf string
	}{
		{"WS013", `map $http_upgrade $connection_upgrade {
    default close;
    ''      upgrade;
}

server {
    listen 127.0.0.1:PORT;

    location /ws/ {
        proxy_pass http://ECHO;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
    }
}
`},
		{"WS014", `server {
    listen 127.0.0.1:PORT;

    location /ws/ {
        if ($http_upgrade !~ ^WebSocket$) {
            return 426;
        }
        proxy_pass http://ECHO;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
    }
}
`},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			port := nginxtest.FreePort(t)
			conf := strings.NewReplacer("PORT", fmt.Sprint(port), "ECHO", echo.Addr).Replace(c.conf)
			fs := lintFragment(t, conf, c.id)
			if len(fs) != 1 {
				t.Fatalf("%d %s findings, want 1", len(fs), c.id)
			}
			n := nginxtest.Start(t, conf)
			conn := nginxtest.Dial(t, n.WSURL("/ws/"), nil)
			if conn.OK() {
				t.Fatalf("the reported configuration upgrades: %s", conn)
			}
			t.Logf("reported configuration: %s", conn)
			n.Stop()
			fixed := applyFixes(t, fs)
			if left := lintFragment(t, fixed, c.id); len(left) != 0 {
				t.Fatalf("the fix leaves %s: %s", c.id, left[0].Message)
			}
			n = nginxtest.Start(t, fixed)
			conn = nginxtest.Dial(t, n.WSURL("/ws/"), nil)
			if !conn.OK() {
				t.Fatalf("the fixed configuration does not upgrade: %s\n%s", conn, fixed)
			}
			if err := conn.Echo("hello"); err != nil {
				t.Errorf("echo through the fixed configuration: %v", err)
			}
			conn.Close()
		})
	}
}
