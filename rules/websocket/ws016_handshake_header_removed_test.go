package websocket

import (
	"testing"

	"github.com/ngxlint/ngxlint/parser/nginxtest"
	"github.com/ngxlint/ngxlint/rules"
)

// TestHandshakeHeaderRemovedAgreesWithNginx runs every configuration WS016
// reports as an error in nginx: the handshake must fail, and after ngxlint's
// fix it must succeed. The same location without the directive is silent
// and works.
func TestHandshakeHeaderRemovedAgreesWithNginx(t *testing.T) {
	nginxtest.Require(t)
	echo := nginxtest.StartEcho(t)
	const loc = `
    location /ws/ {
        proxy_pass http://{{ECHO}};
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        EXTRA
    }`
	cases := map[string]string{
		"none":                "",
		"hide-accept":         "proxy_hide_header Sec-WebSocket-Accept;",
		"hide-upgrade":        "proxy_hide_header Upgrade;",
		"clear-key":           `proxy_set_header Sec-WebSocket-Key "";`,
		"clear-version":       `proxy_set_header Sec-WebSocket-Version "";`,
		"fixed-key":           "proxy_set_header Sec-WebSocket-Key dGhlIHNhbXBsZSBub25jZQ==;",
		"no-request-headers":  "proxy_pass_request_headers off;",
		"hide-other-header":   "proxy_hide_header X-Powered-By;",
		"request-headers-set": "proxy_pass_request_headers off; proxy_set_header Sec-WebSocket-Key $http_sec_websocket_key; proxy_set_header Sec-WebSocket-Version $http_sec_websocket_version;",
	}
	for name, extra := range cases {
		t.Run(name, func(t *testing.T) {
			n := bStart(t, echo, replaceExtra(loc, extra))
			c := nginxtest.Dial(t, n.WSURL("/ws/"), nil)
			fs := bLint(t, n, nil, "WS016")
			if len(fs) == 0 {
				if !c.OK() {
					t.Fatalf("WS016 is silent but the handshake fails: %s", c)
				}
				return
			}
			if c.OK() {
				t.Fatalf("WS016 reports %q but the handshake succeeds", fs[0].Message)
			}
			if len(fs) != 1 || fs[0].Severity != rules.Error {
				t.Fatalf("want one error, got %d findings, the first at %s", len(fs), fs[0].Severity)
			}
			n = restart(t, n, applyFixes(t, fs))
			if c := nginxtest.Dial(t, n.WSURL("/ws/"), nil); !c.OK() {
				t.Fatalf("after the fix the handshake still fails: %s", c)
			}
		})
	}
}
