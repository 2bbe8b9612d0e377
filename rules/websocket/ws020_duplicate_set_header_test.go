package websocket

import (
	"testing"

	"github.com/ngxlint/ngxlint/parser/nginxtest"
	"github.com/ngxlint/ngxlint/rules"
)

// TestDuplicateSetHeaderAgreesWithNginx checks what WS020 says nginx does
// with two proxy_set_header lines for one field: both Connection lines
// reach the backend; two Host lines before nginx 1.31.4 make a Go backend
// refuse the request (RFC 9112: 400), and the fix (delete the repeated
// line) makes the handshake succeed.
func TestDuplicateSetHeaderAgreesWithNginx(t *testing.T) {
	nginxtest.Require(t)
	v := nginxVersion(t)
	echo := nginxtest.StartEcho(t)
	n := bStart(t, echo, `
    location /ws/ {
        proxy_pass http://{{ECHO}};
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Connection "keep-alive";
        proxy_read_timeout 1h;
    }`)
	nginxtest.Dial(t, n.WSURL("/ws/"), nil)
	r, ok := echo.Last()
	if !ok || len(r.Header.Values("Connection")) != 2 {
		t.Fatalf("backend saw Connection %q, want both lines", r.Header.Values("Connection"))
	}
	if fs := bLint(t, n, &rules.Options{Version: v}, "WS020"); len(fs) != 1 || fs[0].Severity != rules.Warning {
		t.Fatalf("want one WS020 warning, got %d findings", len(fs))
	}

	n.Stop()
	n = bStart(t, echo, `
    location /ws/ {
        proxy_pass http://{{ECHO}};
        proxy_http_version 1.1;
        proxy_set_header Host $http_host;
        proxy_set_header Host $http_host;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_read_timeout 1h;
    }`)
	fs := bLint(t, n, &rules.Options{Version: v}, "WS020")
	if len(fs) != 1 {
		t.Fatalf("two Host lines: want one WS020 finding, got %d", len(fs))
	}
	c := nginxtest.Dial(t, n.WSURL("/ws/"), nil)
	if v.Before("1.31.4") && (c.Status != 400 || fs[0].Severity != rules.Error) {
		t.Fatalf("two Host lines on nginx %s: %s and a WS020 %s, want 400 from the backend and an error", v, c, fs[0].Severity)
	}
	n = restart(t, n, applyFixes(t, fs))
	if c := nginxtest.Dial(t, n.WSURL("/ws/"), nil); !c.OK() {
		t.Fatalf("after the fix: %s", c)
	}
}
