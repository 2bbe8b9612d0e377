package websocket

import (
	"testing"

	"github.com/ngxlint/ngxlint/parser/nginxtest"
	"github.com/ngxlint/ngxlint/rules"
)

// TestShadowedLocationAgreesWithNginx: a regex location without the
// WebSocket headers takes the requests of the WebSocket prefix location,
// and the handshake fails; WS023 reports it, and its fix (^~) makes the
// handshake succeed. A regex that also passes the headers is fine.
func TestShadowedLocationAgreesWithNginx(t *testing.T) {
	nginxtest.Require(t)
	echo := nginxtest.StartEcho(t)
	const ws = `
        proxy_pass http://{{ECHO}};
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_read_timeout 1h;`
	n := bStart(t, echo, "location /ws/ {"+ws+"}\nlocation ~ ^/(ws|rpc)/ { proxy_pass http://{{ECHO}}; proxy_http_version 1.1; }")
	if c := nginxtest.Dial(t, n.WSURL("/ws/chat"), nil); c.OK() {
		t.Fatal("the regex location without headers must make the handshake fail")
	}
	fs := bLint(t, n, nil, "WS023")
	if len(fs) != 1 || fs[0].Severity != rules.Error {
		t.Fatalf("want one WS023 error, got %d findings", len(fs))
	}
	n = restart(t, n, applyFixes(t, fs))
	if c := nginxtest.Dial(t, n.WSURL("/ws/chat"), nil); !c.OK() {
		t.Fatalf("after the fix (^~): %s", c)
	}
	if fs := bLint(t, n, nil, "WS023"); len(fs) != 0 {
		t.Fatalf("after the fix WS023 still reports %q", fs[0].Message)
	}

	n.Stop()
	n = bStart(t, echo, "location /ws/ {"+ws+"}\nlocation ~ ^/(ws|rpc)/ {"+ws+"}")
	if c := nginxtest.Dial(t, n.WSURL("/ws/chat"), nil); !c.OK() {
		t.Fatalf("regex with the headers: %s", c)
	}
	if fs := bLint(t, n, nil, "WS023"); len(fs) != 0 {
		t.Fatalf("regex with the headers: WS023 reports %q", fs[0].Message)
	}
}
