package websocket

import (
	"testing"

	"github.com/ngxlint/ngxlint/parser/nginxtest"
	"github.com/ngxlint/ngxlint/rules"
)

// TestRedirectOnWSPathAgreesWithNginx runs configurations in nginx: where
// WS015 reports a WebSocket path, nginx answers its handshake with the
// redirect status the message names; where WS015 is silent, the handshake
// succeeds.
func TestRedirectOnWSPathAgreesWithNginx(t *testing.T) {
	nginxtest.Require(t)
	echo := nginxtest.StartEcho(t)
	const ws = `
        proxy_pass http://{{ECHO}};
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_read_timeout 1h;`
	cases := []struct {
		name, body, path string
		wsPaths          []string
		status           int // 0: the handshake succeeds and WS015 is silent
		sev              rules.Severity
	}{
		{"server-rewrite", "rewrite ^/(.*)/$ /$1 permanent;\nlocation /ws/ {" + ws + "}", "/ws/", nil, 301, rules.Error},
		{"server-rewrite-other-path", "rewrite ^/blog/(.*)$ /news/$1 permanent;\nlocation /ws/ {" + ws + "}", "/ws/", nil, 0, 0},
		{"location-return", "location /ws/ { return 302 /maintenance.html;" + ws + "}", "/ws/", nil, 302, rules.Error},
		{"https-redirect", "return 301 https://$host$request_uri;\nlocation /ws/ {" + ws + "}", "/ws/", nil, 301, rules.Warning},
		{"ws-path-slash", "location /socket/ {" + ws + "}", "/socket", []string{"/socket"}, 301, rules.Error},
		{"app-slash", "location /cable/ {" + ws + "}", "/cable", nil, 301, rules.Warning},
		{"app-exact", "location = /cable {" + ws + "}\nlocation /cable/ {" + ws + "}", "/cable", nil, 0, 0},
		{"rewrite-last-other-path", "rewrite ^/old/(.*)$ /ws/$1 last;\nlocation /ws/ {" + ws + "}", "/ws/", nil, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := bStart(t, echo, tc.body)
			c := nginxtest.Dial(t, n.WSURL(tc.path), nil)
			opts := &rules.Options{}
			SetWSPaths(opts, tc.wsPaths, "")
			fs := bLint(t, n, opts, "WS015")
			if tc.status == 0 {
				if !c.OK() || len(fs) != 0 {
					t.Fatalf("handshake %s, %d WS015 findings; want 101 and none", c, len(fs))
				}
				return
			}
			if c.Status != tc.status {
				t.Fatalf("nginx answers %s, want %d", c, tc.status)
			}
			if len(fs) != 1 || fs[0].Severity != tc.sev {
				t.Fatalf("want one WS015 %s, got %d findings", tc.sev, len(fs))
			}
		})
	}
}
