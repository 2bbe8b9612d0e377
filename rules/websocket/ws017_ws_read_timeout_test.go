package websocket

import (
	"testing"

	"github.com/ngxlint/ngxlint/parser/nginxtest"
	"github.com/ngxlint/ngxlint/rules"
)

// TestReadTimeoutZeroAgreesWithNginx: proxy_read_timeout 0, which WS017
// reports as an error, makes nginx answer the handshake with 504; the fix
// (1h) makes it succeed.
func TestReadTimeoutZeroAgreesWithNginx(t *testing.T) {
	nginxtest.Require(t)
	echo := nginxtest.StartEcho(t)
	n := bStart(t, echo, `
    location /ws/ {
        proxy_pass http://{{ECHO}};
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_read_timeout 0;
    }`)
	if c := nginxtest.Dial(t, n.WSURL("/ws/"), nil); c.Status != 504 {
		t.Fatalf("proxy_read_timeout 0: %s, want 504", c)
	}
	fs := bLint(t, n, nil, "WS017")
	if len(fs) != 1 || fs[0].Severity != rules.Error {
		t.Fatalf("want one WS017 error, got %d findings", len(fs))
	}
	n = restart(t, n, applyFixes(t, fs))
	if c := nginxtest.Dial(t, n.WSURL("/ws/"), nil); !c.OK() {
		t.Fatalf("after the fix: %s", c)
	}
	if fs := bLint(t, n, nil, "WS017"); len(fs) != 0 {
		t.Fatalf("after the fix WS017 still reports %q", fs[0].Message)
	}
}
