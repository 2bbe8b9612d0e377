package websocket

import (
	"fmt"
	"testing"

	"github.com/ngxlint/ngxlint/parser/nginxtest"
)

// TestCacheWithoutBypassAgreesWithNginx checks WS022 against a real nginx:
// once a plain GET of the WebSocket URL is cached, a handshake through the
// location WS022 reports gets that cached 200; with WS022's fix the same
// sequence upgrades.
func TestCacheWithoutBypassAgreesWithNginx(t *testing.T) {
	nginxtest.Require(t)
	echo := nginxtest.StartEcho(t)
	n := nginxtest.Start(t, fmt.Sprintf(`
proxy_cache_path {{DIR}}/cache keys_zone=ws_cache:1m;

map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}

server {
    listen 127.0.0.1:{{PORT}};

    location /ws/ {
        proxy_pass http://%s;
        proxy_cache ws_cache;
        proxy_cache_valid 200 10m;
        proxy_http_version 1.1;
        proxy_set_header Host $http_host;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_read_timeout 1h;
    }
}`, echo.Addr))
	if r := nginxtest.Get(t, n.URL("/ws/"), nil); r.Status != 200 {
		t.Fatalf("plain GET: %d", r.Status)
	}
	if c := nginxtest.Dial(t, n.WSURL("/ws/"), nil); c.Status != 200 {
		t.Fatalf("handshake after a cached GET: %s, want the cached 200", c)
	}
	fs := findingsOf(lintRunning(t, n, nil), "WS022")
	if len(fs) != 1 {
		t.Fatalf("WS022 findings: %d, want 1", len(fs))
	}
	// The fixed configuration keeps the first run's cache directory, so the
	// cached 200 is still there: the bypass must skip it.
	n = restart(t, n, applyFixes(t, fs))
	if r := nginxtest.Get(t, n.URL("/ws/"), nil); r.Status != 200 {
		t.Fatalf("plain GET after the fix: %d", r.Status)
	}
	if c := nginxtest.Dial(t, n.WSURL("/ws/"), nil); !c.OK() {
		t.Errorf("handshake after the fix: %s\n%s", c, n.Conf)
	}
	if fs := findingsOf(lintRunning(t, n, nil), "WS022"); len(fs) != 0 {
		t.Errorf("the fix leaves WS022: %s", fs[0].Message)
	}
}
