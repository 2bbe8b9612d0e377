package websocket

import (
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser/nginxtest"
)

// TestZeroTimeoutAgreesWithNginx: where WS030 reports proxy_connect_timeout
// 0, nginx answers the WebSocket handshake with 504; after the fix the
// handshake succeeds and WS030 is silent.
func TestZeroTimeoutAgreesWithNginx(t *testing.T) {
	nginxtest.Require(t)
	echo := nginxtest.StartEcho(t)
	conf := `server {
    listen 127.0.0.1:{{PORT}};
    location /ws/ {
        proxy_pass http://` + echo.Addr + `;
        proxy_connect_timeout 0;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
    }
}`
	n := nginxtest.Start(t, conf)
	if c := nginxtest.Dial(t, n.WSURL("/ws/"), nil); c.Status != 504 {
		t.Fatalf("nginx answered %d to the handshake with proxy_connect_timeout 0, want 504", c.Status)
	}
	found := findingsOf(lintRunning(t, n, nil), "WS030")
	if len(found) != 1 {
		t.Fatalf("WS030 reported %d findings, want 1", len(found))
	}
	fixed := applyFixes(t, found)
	if !strings.Contains(fixed, "proxy_connect_timeout 60s;") {
		t.Fatalf("fix did not write 60s:\n%s", fixed)
	}
	n = restart(t, n, fixed)
	c := nginxtest.Dial(t, n.WSURL("/ws/"), nil)
	if !c.OK() {
		t.Fatalf("after the fix the handshake got %d: %v", c.Status, c.Err)
	}
	if err := c.Echo("hello"); err != nil {
		t.Fatal(err)
	}
	if again := findingsOf(lintRunning(t, n, nil), "WS030"); len(again) != 0 {
		t.Errorf("WS030 still reports after the fix: %s", again[0].Message)
	}
}
