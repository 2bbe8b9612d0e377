package websocket

import (
	"fmt"
	"testing"

	"github.com/ngxlint/ngxlint/parser/nginxtest"
)

// TestLimitConnOnWSAgreesWithNginx: an open WebSocket holds its limit_conn
// slot, so with limit_conn perip 1 (inherited from server{}) a second
// socket from the same address is refused with 503, and WS025 reports the
// limit.
func TestLimitConnOnWSAgreesWithNginx(t *testing.T) {
	nginxtest.Require(t)
	echo := nginxtest.StartEcho(t)
	n := nginxtest.Start(t, fmt.Sprintf(`
limit_conn_zone $binary_remote_addr zone=perip:1m;

server {
    listen 127.0.0.1:{{PORT}};
    limit_conn perip 1;

    location /ws/ {
        proxy_pass http://%s;
        proxy_http_version 1.1;
        proxy_set_header Host $http_host;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        proxy_read_timeout 1h;
    }
}`, echo.Addr))
	first := nginxtest.Dial(t, n.WSURL("/ws/"), nil)
	if !first.OK() {
		t.Fatalf("first handshake: %s", first)
	}
	if err := first.Echo("still open"); err != nil {
		t.Fatal(err)
	}
	if c := nginxtest.Dial(t, n.WSURL("/ws/"), nil); c.Status != 503 {
		t.Errorf("second handshake while the first socket is open: %s, want 503", c)
	}
	fs := findingsOf(lintRunning(t, n, nil), "WS025")
	if len(fs) != 1 {
		t.Fatalf("WS025 findings: %d, want 1", len(fs))
	}
	if got := fs[0].Span.File.Line(fs[0].Pos().Line); got != "    limit_conn perip 1;" {
		t.Errorf("WS025 is reported at %q, want the limit_conn line", got)
	}
}
