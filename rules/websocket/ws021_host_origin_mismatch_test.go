package websocket

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/ngxlint/ngxlint/parser/nginxtest"
	"github.com/ngxlint/ngxlint/rules"
)

// TestHostOriginMismatchAgreesWithNginx checks WS021 against a real nginx
// and a backend that compares Origin with Host like gorilla/websocket and
// coder/websocket do by default: every configuration WS021 reports is
// refused with 403, and its fix makes the same handshake succeed.
func TestHostOriginMismatchAgreesWithNginx(t *testing.T) {
	nginxtest.Require(t)
	echo := nginxtest.StartEcho(t, nginxtest.CheckOrigin())
	for name, host := range map[string]string{"no-host": "", "host-without-port": "proxy_set_header Host $host;"} {
		t.Run(name, func(t *testing.T) {
			n := nginxtest.Start(t, fmt.Sprintf(`
server {
    listen 127.0.0.1:{{PORT}} default_server;
    return 444;
}

server {
    listen 127.0.0.1:{{PORT}};
    server_name 127.0.0.1;

    location /ws/ {
        proxy_pass http://%s;
        proxy_http_version 1.1;
        %s
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        proxy_read_timeout 1h;
    }
}`, echo.Addr, host))
			// a browser on the page http://127.0.0.1:PORT/ sends this Origin
			origin := &nginxtest.DialOptions{Header: http.Header{"Origin": {"http://" + n.Addr()}}}
			if c := nginxtest.Dial(t, n.WSURL("/ws/"), origin); c.Status != 403 {
				t.Fatalf("handshake before the fix: %s, want 403", c)
			}
			// The backend is unknown: WS021 speaks where /ws/ is declared.
			declared := &rules.Options{}
			SetWSPaths(declared, []string{"/ws/"}, "--ws-path")
			if fs := findingsOf(lintRunning(t, n, nil), "WS021"); len(fs) != 0 {
				t.Fatalf("WS021 on an undeclared path of an unknown backend: %s", fs[0].Message)
			}
			fs := findingsOf(lintRunning(t, n, declared), "WS021")
			if len(fs) != 1 {
				t.Fatalf("WS021 findings: %d, want 1", len(fs))
			}
			n = restart(t, n, applyFixes(t, fs))
			if c := nginxtest.Dial(t, n.WSURL("/ws/"), origin); !c.OK() {
				t.Errorf("handshake after the fix: %s\n%s", c, n.Conf)
			}
			if fs := findingsOf(lintRunning(t, n, declared), "WS021"); len(fs) != 0 {
				t.Errorf("the fix leaves WS021: %s", fs[0].Message)
			}
		})
	}
}

// TestHostOriginMismatchQuiet: what WS021 accepts really passes the strict
// backend on a non-default port.
func TestHostOriginMismatchQuiet(t *testing.T) {
	nginxtest.Require(t)
	echo := nginxtest.StartEcho(t, nginxtest.CheckOrigin())
	n := nginxtest.Start(t, fmt.Sprintf(`
server {
    listen 127.0.0.1:{{PORT}};

    location /ws/ {
        proxy_pass http://%s;
        proxy_http_version 1.1;
        proxy_set_header Host $http_host;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        proxy_read_timeout 1h;
    }
}`, echo.Addr))
	origin := &nginxtest.DialOptions{Header: http.Header{"Origin": {"http://" + n.Addr()}}}
	if c := nginxtest.Dial(t, n.WSURL("/ws/"), origin); !c.OK() {
		t.Errorf("handshake: %s", c)
	}
	if fs := findingsOf(lintRunning(t, n, nil), "WS021"); len(fs) != 0 {
		t.Errorf("WS021 on a working configuration: %s", fs[0].Message)
	}
}

// TestBetterHostNeedsNewNginx: the fix value for nginx 1.29.3+ is refused
// by older ones, so it is used only when the target is known to have it.
func TestHostAdvice(t *testing.T) {
	const open = "server { listen 8080; server_name a.example; }"
	const guarded = "server { listen 8080 default_server; return 444; }\nserver { listen 8080; server_name a.example; }"
	for _, c := range []struct {
		conf, version string
		keepPort      bool
		want          string
		fix           bool
	}{
		{"server { listen 80; server_name a.example; }", "1.22.1", false, "$host", true},
		{open, "1.22.1", true, "$http_host", false},
		{open, "", true, "$http_host", false},
		{guarded, "1.22.1", true, "$http_host", true},
		{open, "1.29.3", true, "$host$is_request_port$request_port", true},
	} {
		cfg := buildConf(t, c.conf, c.version)
		srv := cfg.Servers[len(cfg.Servers)-1]
		h := hostAdvice(&rules.Pass{Cfg: cfg}, srv, c.keepPort)
		if h.value != c.want || (h.noFix == "") != c.fix {
			t.Errorf("%s (nginx %q): %s, fix %v; want %s, fix %v", c.conf, c.version, h.value, h.noFix == "", c.want, c.fix)
		}
	}
	if nginxtest.Binary() == "" {
		return
	}
	// the installed nginx agrees about the variables (Debian's 1.22 has none)
	ok, out := nginxtest.Test(t, `server { listen 127.0.0.1:{{PORT}}; location / { proxy_pass http://127.0.0.1:9; proxy_set_header Host $host$is_request_port$request_port; } }`)
	v := nginxtest.Version(t)
	has := hasPortVars(buildConf(t, "", v))
	if ok != has {
		t.Errorf("nginx %s accepts $request_port: %v, ngxlint expects %v\n%s", v, ok, has, out)
	}
}
