package security_test

// The family's claim against a real nginx: for each proof, the bad
// configuration gets the rule's finding and the attack works on it; the
// good one gets no finding and the attack fails. The attack is a raw
// request on loopback (parser/nginxtest): an unnormalised path, a
// percent-encoded CR LF, a Host or a query naming the recorder backend.

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/nginxtest"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
	_ "github.com/ngxlint/ngxlint/rules/security"
)

// env is what an attack can use.
type env struct {
	n    *nginxtest.Nginx
	rec  *nginxtest.Recorder
	h2c  *h2cBackend
	hold *holdBackend
	data string // a directory with pub/ (served), secret (outside pub/), account/x
}

type proof struct {
	name string
	rule string
	sev  rules.Severity // the least severity the finding must have
	// bad and good are the inside of http{}; {{PORT}} is nginx's port,
	// {{REC}} the recorder's address, {{DATA}} the data directory,
	// {{HOLD}} a backend that never answers (sec015_e2e_test.go).
	bad, good string
	// attack returns whether the effect shows, and what was seen.
	attack func(t *testing.T, e env) (bool, string)
}

const secret = "top-secret-content"

func setupData(t *testing.T) string {
	dir := t.TempDir()
	for name, content := range map[string]string{"secret": secret, "pub/index.html": "public", "account/x": "account page"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func lintConf(t *testing.T, path string) []*rules.Finding {
	t.Helper()
	units, err := parser.Load([]string{path}, parser.Options{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := spec.ParseVersion(nginxtest.Version(t))
	if err != nil {
		t.Fatal(err)
	}
	var out []*rules.Finding
	for _, u := range units {
		fs, err := rules.Lint([]*parser.Unit{u}, &rules.Options{Version: v}, rules.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fs...)
	}
	return out
}

func runProof(t *testing.T, pr proof) {
	nginxtest.Require(t)
	for _, variant := range []struct {
		name string
		conf string
		bad  bool
	}{{"bad", pr.bad, true}, {"good", pr.good, false}} {
		t.Run(variant.name, func(t *testing.T) {
			data := setupData(t)
			rec := nginxtest.StartRecorder(t)
			h2c := startH2C(t)
			hold := startHold(t)
			conf := strings.NewReplacer("{{REC}}", rec.Addr, "{{H2C}}", h2c.addr, "{{HOLD}}", hold.addr, "{{DATA}}", data).Replace(variant.conf)
			n := nginxtest.Start(t, conf)
			var found []*rules.Finding
			for _, f := range lintConf(t, n.ConfPath()) {
				if f.Rule.ID == pr.rule {
					found = append(found, f)
				}
			}
			shown, seen := pr.attack(t, env{n: n, rec: rec, h2c: h2c, hold: hold, data: data})
			if variant.bad {
				if len(found) == 0 {
					t.Errorf("%s reports nothing on the bad configuration", pr.rule)
				}
				for _, f := range found {
					if f.Severity < pr.sev {
						t.Errorf("%s is %s, want at least %s: %s", pr.rule, f.Severity, pr.sev, f.Message)
					}
				}
				if !shown {
					t.Errorf("the attack does not work on the bad configuration: %s", seen)
				}
				return
			}
			for _, f := range found {
				t.Errorf("%s reports on the good configuration: %d: %s", pr.rule, f.Pos().Line, f.Message)
			}
			if shown {
				t.Errorf("the attack works on the good configuration: %s", seen)
			}
		})
	}
}

// h2cBackend is a backend that accepts the cleartext HTTP/2 upgrade the way
// servers that speak h2c do (Upgrade: h2c with HTTP2-Settings in
// Connection): it answers 101 and records what then comes down the tunnel.
// Any other request gets 200 and its request line is recorded.
type h2cBackend struct {
	addr string
	l    net.Listener
	mu   sync.Mutex
	seen []string
	wg   sync.WaitGroup
}

func startH2C(t *testing.T) *h2cBackend {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &h2cBackend{addr: l.Addr().String(), l: l}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			b.wg.Add(1)
			go func() { defer b.wg.Done(); b.serve(c) }()
		}
	}()
	t.Cleanup(func() { _ = l.Close(); b.wg.Wait() })
	return b
}

func (b *h2cBackend) record(s string) {
	b.mu.Lock()
	b.seen = append(b.seen, s)
	b.mu.Unlock()
}

// saw reports whether a recorded request line or tunnel read holds s.
func (b *h2cBackend) saw(s string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, x := range b.seen {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}

func (b *h2cBackend) serve(c net.Conn) {
	defer func() { _ = c.Close() }()
	_ = c.SetDeadline(time.Now().Add(3 * time.Second))
	r := bufio.NewReader(c)
	for {
		var head []string
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\r\n")
			if line == "" {
				break
			}
			head = append(head, line)
		}
		if len(head) == 0 {
			return
		}
		b.record(head[0])
		upgrade, conn := "", ""
		for _, h := range head[1:] {
			k, v, _ := strings.Cut(h, ":")
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "upgrade":
				upgrade = strings.ToLower(strings.TrimSpace(v))
			case "connection":
				conn = strings.ToLower(v)
			}
		}
		if upgrade == "h2c" && strings.Contains(conn, "upgrade") && strings.Contains(conn, "http2-settings") {
			_, _ = io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n")
			buf := make([]byte, 4096)
			for {
				n, err := r.Read(buf)
				if n > 0 {
					b.record("tunnel: " + string(buf[:n]))
				}
				if err != nil {
					return
				}
			}
		}
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nbackend")
	}
}

// smuggle asks nginx for an h2c upgrade on path, then sends a request for
// target on the same connection, and reports whether the backend got it
// down a tunnel (not through nginx, which would check it).
func smuggle(t *testing.T, e env, path, target string) (bool, string) {
	c, err := net.DialTimeout("tcp", e.n.Addr(), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	_ = c.SetDeadline(time.Now().Add(3 * time.Second))
	_, _ = io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: app.example\r\nUpgrade: h2c\r\n"+
		"HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\nConnection: Upgrade, HTTP2-Settings\r\n\r\n")
	r := bufio.NewReader(c)
	status, _ := r.ReadString('\n')
	for {
		line, err := r.ReadString('\n')
		if err != nil || strings.TrimSpace(line) == "" {
			break
		}
	}
	tunnel := strings.Contains(status, " 101 ")
	if !tunnel {
		// no tunnel: read the body nginx relays; the next request then
		// goes through nginx
		buf := make([]byte, 7)
		_, _ = io.ReadFull(r, buf)
	}
	_, _ = io.WriteString(c, "GET "+target+" HTTP/1.1\r\nHost: app.example\r\n\r\n")
	next := "(sent down the tunnel)"
	if !tunnel {
		next, _ = r.ReadString('\n')
	}
	for i := 0; i < 25 && tunnel && !e.h2c.saw("tunnel: GET "+target); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	got := e.h2c.saw("tunnel: GET " + target)
	return got, fmt.Sprintf("upgrade answered %q; then %q; backend saw the request in a tunnel: %v", strings.TrimSpace(status), strings.TrimSpace(next), got)
}

func TestE2EProofs(t *testing.T) {
	// The family's claim (rules.EffectShows) is checked here, not by the
	// shared suite: every rule of the family whose findings can be errors
	// needs a proof at that severity.
	proven := map[string]bool{}
	for _, pr := range proofs {
		if pr.sev == rules.Error {
			proven[pr.rule] = true
		}
	}
	for _, r := range rules.All() {
		if fam, ok := rules.FamilyOf(r); ok && fam.Name == "security" && r.Meta().Severity == rules.Error && !proven[r.Meta().ID] {
			t.Errorf("%s reports errors, which claim %s, and has no proof here", r.Meta().ID, fam.Claim)
		}
	}
	for _, pr := range proofs {
		t.Run(pr.rule+"/"+pr.name, func(t *testing.T) { runProof(t, pr) })
	}
}

var proofs = []proof{
	{
		name: "security header dropped", rule: "SEC001", sev: rules.Warning,
		bad: `server {
    listen 127.0.0.1:{{PORT}};
    root {{DATA}};
    add_header Strict-Transport-Security "max-age=63072000" always;
    location /account/ { add_header Cache-Control "public, max-age=60"; }
}`,
		good: `server {
    listen 127.0.0.1:{{PORT}};
    root {{DATA}};
    add_header Strict-Transport-Security "max-age=63072000" always;
    location /account/ {
        add_header Cache-Control "public, max-age=60";
        add_header Strict-Transport-Security "max-age=63072000" always;
    }
}`,
		attack: func(t *testing.T, e env) (bool, string) {
			r := nginxtest.RawGet(t, e.n.Addr(), "/account/x", "")
			return r.Status == 200 && !r.Has("Strict-Transport-Security"), r.String()
		},
	},
	{
		name: "alias traversal", rule: "SEC002", sev: rules.Error,
		bad: `server {
    listen 127.0.0.1:{{PORT}};
    location /files { alias {{DATA}}/pub/; }
}`,
		good: `server {
    listen 127.0.0.1:{{PORT}};
    location /files/ { alias {{DATA}}/pub/; }
}`,
		attack: func(t *testing.T, e env) (bool, string) {
			r := nginxtest.RawGet(t, e.n.Addr(), "/files../secret", "")
			return r.Status == 200 && r.Body == secret, r.String()
		},
	},
	{
		name: "proxy_pass host from a query argument", rule: "SEC003", sev: rules.Error,
		bad: `server {
    listen 127.0.0.1:{{PORT}};
    location /fetch/ { proxy_pass http://$arg_host; }
}`,
		good: `map $arg_host $backend {
    default 127.0.0.1:9;
}
server {
    listen 127.0.0.1:{{PORT}};
    location /fetch/ { proxy_pass http://$backend; }
}`,
		attack: func(t *testing.T, e env) (bool, string) {
			r := nginxtest.RawGet(t, e.n.Addr(), "/fetch/x?host="+e.rec.Addr, "")
			return e.rec.Count() > 0 && r.Body == "recorder", r.String()
		},
	},
	{
		name: "proxy_pass to the Host header on the default server", rule: "SEC003", sev: rules.Error,
		bad: `server {
    listen 127.0.0.1:{{PORT}};
    location / { proxy_pass http://$http_host; }
}`,
		good: `server {
    listen 127.0.0.1:{{PORT}};
    location / { proxy_pass http://127.0.0.1:9; proxy_set_header Host $http_host; }
}`,
		attack: func(t *testing.T, e env) (bool, string) {
			r := nginxtest.RawGet(t, e.n.Addr(), "/", e.rec.Addr)
			return e.rec.Count() > 0, r.String()
		},
	},
	{
		name: "CR LF through uri into Location", rule: "SEC004", sev: rules.Error,
		bad: `server {
    listen 127.0.0.1:{{PORT}};
    location /old/ { return 301 https://example.com$uri; }
}`,
		good: `server {
    listen 127.0.0.1:{{PORT}};
    location /old/ { return 301 https://example.com$request_uri; }
}`,
		attack: func(t *testing.T, e env) (bool, string) {
			r := nginxtest.RawGet(t, e.n.Addr(), "/old/a%0d%0aSet-Cookie:%20injected=1", "")
			return r.Has("Set-Cookie"), r.String()
		},
	},
	{
		name: "CR LF through a capture into a response header", rule: "SEC004", sev: rules.Error,
		bad: `server {
    listen 127.0.0.1:{{PORT}};
    location ~ ^/dl/([^/]+)$ { add_header X-File $1 always; return 200 ok; }
}`,
		good: `server {
    listen 127.0.0.1:{{PORT}};
    location ~ ^/dl/(.+)$ { add_header X-File $1 always; return 200 ok; }
}`,
		attack: func(t *testing.T, e env) (bool, string) {
			r := nginxtest.RawGet(t, e.n.Addr(), "/dl/a%0d%0aSet-Cookie:%20injected=1", "")
			return r.Has("Set-Cookie"), r.String()
		},
	},
	{
		name: "CR LF through uri into the backend request", rule: "SEC004", sev: rules.Error,
		bad: `server {
    listen 127.0.0.1:{{PORT}};
    location /api/ { proxy_set_header X-Path $uri; proxy_pass http://{{REC}}; }
}`,
		good: `server {
    listen 127.0.0.1:{{PORT}};
    location /api/ { proxy_set_header X-Path $request_uri; proxy_pass http://{{REC}}; }
}`,
		attack: func(t *testing.T, e env) (bool, string) {
			nginxtest.RawGet(t, e.n.Addr(), "/api/a%0d%0aX-Injected:%201", "")
			for _, q := range e.rec.Requests() {
				if strings.Contains(string(q), "\r\nX-Injected: 1") {
					return true, string(q)
				}
			}
			return false, "no injected line in what the backend got"
		},
	},
	{
		name: "redirect to the Host header on the default server", rule: "SEC005", sev: rules.Warning,
		bad: `server {
    listen 127.0.0.1:{{PORT}};
    server_name www.example;
    location / { return 302 https://$http_host/login; }
}`,
		good: `server {
    listen 127.0.0.1:{{PORT}} default_server;
    return 444;
}
server {
    listen 127.0.0.1:{{PORT}};
    server_name www.example;
    location / { return 302 https://$http_host/login; }
}`,
		attack: func(t *testing.T, e env) (bool, string) {
			r := nginxtest.RawGet(t, e.n.Addr(), "/", "attacker.invalid")
			loc := r.Header("Location")
			return len(loc) > 0 && strings.Contains(loc[0], "attacker.invalid"), r.String()
		},
	},
	{
		name: "unanchored Origin regex", rule: "SEC006", sev: rules.Warning,
		bad: `server {
    listen 127.0.0.1:{{PORT}};
    location /api/ {
        if ($http_origin ~* "example.com") { return 200 "allowed"; }
        return 403;
    }
}`,
		good: `server {
    listen 127.0.0.1:{{PORT}};
    location /api/ {
        if ($http_origin ~* "^https://(www\.)?example\.com$") { return 200 "allowed"; }
        return 403;
    }
}`,
		attack: func(t *testing.T, e env) (bool, string) {
			r := nginxtest.RawGet(t, e.n.Addr(), "/api/", "", "Origin: https://example.com.attacker.invalid")
			return r.Status == 200, r.String()
		},
	},
	{
		name: "allow without deny", rule: "SEC007", sev: rules.Error,
		bad: `server {
    listen 127.0.0.1:{{PORT}};
    root {{DATA}};
    location /pub/ { allow 10.1.2.3; }
}`,
		good: `server {
    listen 127.0.0.1:{{PORT}};
    root {{DATA}};
    location /pub/ { allow 10.1.2.3; deny all; }
}`,
		attack: func(t *testing.T, e env) (bool, string) {
			r := nginxtest.RawGet(t, e.n.Addr(), "/pub/index.html", "")
			return r.Status == 200, r.String()
		},
	},
	{
		name: "return before deny", rule: "SEC007", sev: rules.Error,
		bad: `server {
    listen 127.0.0.1:{{PORT}};
    location = /secret { deny all; return 200 "` + secret + `"; }
}`,
		good: `server {
    listen 127.0.0.1:{{PORT}};
    root {{DATA}};
    location = /secret { deny all; }
}`,
		attack: func(t *testing.T, e env) (bool, string) {
			r := nginxtest.RawGet(t, e.n.Addr(), "/secret", "")
			return r.Status == 200 && r.Body == secret, r.String()
		},
	},
	{
		name: "regex location takes a protected prefix", rule: "SEC007", sev: rules.Error,
		bad: `server {
    listen 127.0.0.1:{{PORT}};
    location /admin/ { deny all; }
    location ~ \.php$ { proxy_pass http://{{REC}}; }
}`,
		good: `server {
    listen 127.0.0.1:{{PORT}};
    location ^~ /admin/ { deny all; }
    location ~ \.php$ { proxy_pass http://{{REC}}; }
}`,
		attack: func(t *testing.T, e env) (bool, string) {
			r := nginxtest.RawGet(t, e.n.Addr(), "/admin/x.php", "")
			return r.Status == 200 && e.rec.Count() > 0, r.String()
		},
	},
	{
		name: "variable proxy_pass without resolver", rule: "SEC010", sev: rules.Error,
		bad: `server {
    listen 127.0.0.1:{{PORT}};
    location / { set $backend app.invalid; proxy_pass http://$backend:80; }
}`,
		good: `server {
    listen 127.0.0.1:{{PORT}};
    location / { set $backend {{REC}}; proxy_pass http://$backend; }
}`,
		attack: func(t *testing.T, e env) (bool, string) {
			r := nginxtest.RawGet(t, e.n.Addr(), "/", "")
			return r.Status == 502 && strings.Contains(e.n.ErrorLog(), "no resolver defined"), r.String()
		},
	},
	{
		name: "off-by-slash proxy_pass", rule: "SEC011", sev: rules.Warning,
		bad: `server {
    listen 127.0.0.1:{{PORT}};
    location /api { proxy_pass http://{{REC}}/v1/; }
}`,
		good: `server {
    listen 127.0.0.1:{{PORT}};
    location /api/ { proxy_pass http://{{REC}}/v1/; }
}`,
		attack: func(t *testing.T, e env) (bool, string) {
			nginxtest.RawGet(t, e.n.Addr(), "/api../admin", "")
			for _, q := range e.rec.Requests() {
				if strings.HasPrefix(string(q), "GET /v1/../admin ") {
					return true, string(q)
				}
			}
			return false, "the backend got no /v1/../admin"
		},
	},
	{
		name: "map gate without default", rule: "SEC012", sev: rules.Warning,
		bad: `map $arg_key $allowed {
    letmein 1;
}
server {
    listen 127.0.0.1:{{PORT}};
    location / {
        if ($allowed = 0) { return 403; }
        return 200 "` + secret + `";
    }
}`,
		good: `map $arg_key $allowed {
    default 0;
    letmein 1;
}
server {
    listen 127.0.0.1:{{PORT}};
    location / {
        if ($allowed = 0) { return 403; }
        return 200 "` + secret + `";
    }
}`,
		attack: func(t *testing.T, e env) (bool, string) {
			r := nginxtest.RawGet(t, e.n.Addr(), "/", "")
			return r.Status == 200 && r.Body == secret, r.String()
		},
	},
	{
		name: "if skips try_files", rule: "SEC012", sev: rules.Warning,
		bad: `server {
    listen 127.0.0.1:{{PORT}};
    root {{DATA}};
    location / {
        try_files /pub/index.html =404;
        if ($arg_preview) { add_header X-Preview 1; }
    }
}`,
		good: `server {
    listen 127.0.0.1:{{PORT}};
    root {{DATA}};
    location / {
        try_files /pub/index.html =404;
        add_header X-Preview $arg_preview;
    }
}`,
		attack: func(t *testing.T, e env) (bool, string) {
			// try_files would answer every path with pub/index.html; when
			// the if matches, the secret file is served instead
			r := nginxtest.RawGet(t, e.n.Addr(), "/secret?preview=1", "")
			return r.Status == 200 && r.Body == secret, r.String()
		},
	},
	{
		name: "add_header Content-Type", rule: "SEC013", sev: rules.Warning,
		bad: `server {
    listen 127.0.0.1:{{PORT}};
    location /feed { add_header Content-Type application/rss+xml; return 200 "<rss/>"; }
}`,
		good: `server {
    listen 127.0.0.1:{{PORT}};
    location /feed { default_type application/rss+xml; return 200 "<rss/>"; }
}`,
		attack: func(t *testing.T, e env) (bool, string) {
			r := nginxtest.RawGet(t, e.n.Addr(), "/feed", "")
			return len(r.Header("Content-Type")) > 1, r.String()
		},
	},
	{
		name: "error_log off", rule: "SEC013", sev: rules.Warning,
		bad: `error_log off;
http {
    server { listen 127.0.0.1:{{PORT}}; return 404; }
}`,
		good: `error_log {{DIR}}/quiet.log crit;
http {
    server { listen 127.0.0.1:{{PORT}}; return 404; }
}`,
		attack: func(t *testing.T, e env) (bool, string) {
			nginxtest.RawGet(t, e.n.Addr(), "/missing", "")
			_, err := os.Stat(filepath.Join(e.n.Dir, "off"))
			return err == nil, "a file named off in the prefix: " + fmt.Sprint(err == nil)
		},
	},
	{
		name: "try_files beside proxy_pass", rule: "SEC013", sev: rules.Warning,
		bad: `server {
    listen 127.0.0.1:{{PORT}};
    root {{DATA}};
    location /pub/ {
        try_files $uri =404;
        proxy_pass http://{{REC}};
    }
}`,
		good: `server {
    listen 127.0.0.1:{{PORT}};
    root {{DATA}};
    location /pub/ {
        try_files $uri @backend;
    }
    location @backend {
        proxy_pass http://{{REC}};
    }
}`,
		attack: func(t *testing.T, e env) (bool, string) {
			// the file exists: try_files finds it, and the backend answers
			// instead of the file
			r := nginxtest.RawGet(t, e.n.Addr(), "/pub/index.html", "")
			return r.Status == 200 && r.Body == "recorder" && e.rec.Count() > 0, r.String()
		},
	},
	{
		name: "h2c upgrade smuggled past deny", rule: "SEC014", sev: rules.Warning,
		bad: `server {
    listen 127.0.0.1:{{PORT}};
    location / {
        proxy_pass http://{{H2C}};
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $http_connection;
    }
    location /admin/ {
        deny all;
        proxy_pass http://{{H2C}};
    }
}`,
		good: `map $http_upgrade $ws_upgrade {
    default "";
    ~*^websocket$ websocket;
}
map $ws_upgrade $ws_connection {
    default upgrade;
    "" close;
}
server {
    listen 127.0.0.1:{{PORT}};
    location / {
        proxy_pass http://{{H2C}};
        proxy_http_version 1.1;
        proxy_set_header Upgrade $ws_upgrade;
        proxy_set_header Connection $ws_connection;
    }
    location /admin/ {
        deny all;
        proxy_pass http://{{H2C}};
    }
}`,
		attack: func(t *testing.T, e env) (bool, string) {
			return smuggle(t, e, "/", "/admin/secret")
		},
	},
}
