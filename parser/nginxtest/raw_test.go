package nginxtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseRawSplitsBareLF(t *testing.T) {
	r := parseRaw("HTTP/1.1 302 Found\r\nLocation: /a\nSet-Cookie: x=1\r\nServer: nginx\r\n\r\nbody")
	if r.Status != 302 || !r.Has("Set-Cookie") || r.Body != "body" || r.Header("Location")[0] != "/a" {
		t.Fatalf("%+v", r)
	}
	if r := parseRaw("HTTP/1.1 200 OK\r\nX: 1\r\n"); r.Err == nil {
		t.Fatal("a head without its end must be an error")
	}
}

// The raw client keeps an unnormalised path and the recorder sees what
// nginx forwards to an address taken from the request.
func TestRawClientAndRecorder(t *testing.T) {
	Require(t)
	rec := StartRecorder(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "secret"), []byte("s3cret"), 0o644); err != nil {
		t.Fatal(err)
	}
	n := Start(t, `
server {
    listen 127.0.0.1:{{PORT}};
    location /files { alias `+dir+`/pub/; }
    location /fwd/ { proxy_pass http://127.0.0.1:$arg_port; }
    location /hdr/ { add_header X-Test "a" always; return 200 ok; }
}`)
	if err := os.MkdirAll(filepath.Join(dir, "pub"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := RawGet(t, n.Addr(), "/files../secret", "")
	if r.Status != 200 || r.Body != "s3cret" {
		t.Fatalf("alias traversal: %s %q", r, r.Body)
	}
	r = RawGet(t, n.Addr(), "/fwd/x?port="+strings.TrimPrefix(rec.Addr, "127.0.0.1:"), "")
	if r.Status != 200 || r.Body != "recorder" || rec.Count() != 1 || !strings.HasPrefix(string(rec.Requests()[0]), "GET /fwd/x") {
		t.Fatalf("forward: %s %q %q", r, r.Body, rec.Requests())
	}
	r = RawGet(t, n.Addr(), "/hdr/", "")
	if r.Header("X-Test")[0] != "a" {
		t.Fatalf("header: %s", r)
	}
}
