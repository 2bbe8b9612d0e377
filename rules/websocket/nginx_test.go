package websocket

// The rules against a real nginx on loopback: the configurations a rule
// reports fail the way it says (a handshake answered with something other
// than 101, a socket closed early, nginx -t refusing), and its fixes make
// them work. The rules run on the very nginx.conf nginx runs.

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/nginxtest"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
	"github.com/ngxlint/ngxlint/rules/ruletest"
)

// applyFixes applies the fixes of findings in one file to its text.
func applyFixes(t *testing.T, fs []*rules.Finding) string {
	t.Helper()
	if len(fs) == 0 {
		t.Fatal("no findings to fix")
	}
	var edits []rules.Edit
	for _, f := range fs {
		if f.Fix == nil {
			t.Fatalf("%s has no fix: %s", f.Rule.ID, f.NoFix)
		}
		edits = append(edits, f.Fix.Edits...)
	}
	src := fs[0].Span.File.Src
	sort.Slice(edits, func(i, j int) bool { return edits[i].Start > edits[j].Start })
	out := append([]byte(nil), src...)
	for _, e := range edits {
		if e.File != fs[0].Span.File {
			t.Fatalf("a fix edits %s too", e.File.Path)
		}
		out = append(out[:e.Start], append([]byte(e.New), out[e.End:]...)...)
	}
	return string(out)
}

// findingsOf keeps the findings of one rule.
func findingsOf(fs []*rules.Finding, id string) []*rules.Finding {
	var out []*rules.Finding
	for _, f := range fs {
		if f.Rule.ID == id {
			out = append(out, f)
		}
	}
	return out
}

// restart stops n and starts nginx again on the same port with the text of
// a fixed nginx.conf.
func restart(t *testing.T, n *nginxtest.Nginx, conf string) *nginxtest.Nginx {
	t.Helper()
	n.Stop()
	return nginxtest.Start(t, conf)
}

// fixAndDial applies the fixes of fs (one rule's findings), restarts
// nginx on the fixed configuration and fails the test unless the handshake
// on path now succeeds and the rule is silent (linted with opts). It
// returns the nginx that runs the fixed configuration.
func fixAndDial(t *testing.T, n *nginxtest.Nginx, fs []*rules.Finding, path string, dial *nginxtest.DialOptions, opts *rules.Options) *nginxtest.Nginx {
	t.Helper()
	id := fs[0].Rule.ID
	n = restart(t, n, applyFixes(t, fs))
	if c := nginxtest.Dial(t, n.WSURL(path), dial); !c.OK() {
		t.Fatalf("after %s's fix the handshake on %s fails: %s\n%s", id, path, c, n.Conf)
	}
	if again := lintSite(t, n, opts, id); len(again) != 0 {
		t.Fatalf("after its fix %s still reports %q", id, again[0].Message)
	}
	return n
}

// lintRunning lints the nginx.conf a test nginx runs, exactly as written.
func lintRunning(t *testing.T, n *nginxtest.Nginx, opts *rules.Options) []*rules.Finding {
	t.Helper()
	units, err := parser.Load([]string{n.ConfPath()}, parser.Options{Cwd: n.Dir})
	if err != nil {
		t.Fatal(err)
	}
	if opts == nil {
		opts = &rules.Options{}
	}
	fs, err := rules.Lint(units, opts, rules.RunOptions{Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

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
			n := startSite(t, echo, tc.body)
			c := nginxtest.Dial(t, n.WSURL(tc.path), nil)
			opts := &rules.Options{}
			SetWSPaths(opts, tc.wsPaths, "")
			fs := lintSite(t, n, opts, "WS015")
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
			n := startSite(t, echo, replaceExtra(loc, extra))
			c := nginxtest.Dial(t, n.WSURL("/ws/"), nil)
			fs := lintSite(t, n, nil, "WS016")
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
			fixAndDial(t, n, fs, "/ws/", nil, nil)
		})
	}
}

// TestReadTimeoutZeroAgreesWithNginx: proxy_read_timeout 0, which WS017
// reports as an error, makes nginx answer the handshake with 504; the fix
// (1h) makes it succeed.
func TestReadTimeoutZeroAgreesWithNginx(t *testing.T) {
	nginxtest.Require(t)
	echo := nginxtest.StartEcho(t)
	n := startSite(t, echo, `
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
	fs := lintSite(t, n, nil, "WS017")
	if len(fs) != 1 || fs[0].Severity != rules.Error {
		t.Fatalf("want one WS017 error, got %d findings", len(fs))
	}
	fixAndDial(t, n, fs, "/ws/", nil, nil)
}

// TestDuplicateSetHeaderAgreesWithNginx checks what WS020 says nginx does
// with two proxy_set_header lines for one field: both Connection lines
// reach the backend; two Host lines before nginx 1.31.4 make a Go backend
// refuse the request (RFC 9112: 400), and the fix (delete the repeated
// line) makes the handshake succeed.
func TestDuplicateSetHeaderAgreesWithNginx(t *testing.T) {
	nginxtest.Require(t)
	v := nginxVersion(t)
	echo := nginxtest.StartEcho(t)
	n := startSite(t, echo, `
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
	if fs := lintSite(t, n, &rules.Options{Version: v}, "WS020"); len(fs) != 1 || fs[0].Severity != rules.Warning {
		t.Fatalf("want one WS020 warning, got %d findings", len(fs))
	}

	n.Stop()
	n = startSite(t, echo, `
    location /ws/ {
        proxy_pass http://{{ECHO}};
        proxy_http_version 1.1;
        proxy_set_header Host $http_host;
        proxy_set_header Host $http_host;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_read_timeout 1h;
    }`)
	fs := lintSite(t, n, &rules.Options{Version: v}, "WS020")
	if len(fs) != 1 {
		t.Fatalf("two Host lines: want one WS020 finding, got %d", len(fs))
	}
	c := nginxtest.Dial(t, n.WSURL("/ws/"), nil)
	if v.Before("1.31.4") && (c.Status != 400 || fs[0].Severity != rules.Error) {
		t.Fatalf("two Host lines on nginx %s: %s and a WS020 %s, want 400 from the backend and an error", v, c, fs[0].Severity)
	}
	fixAndDial(t, n, fs, "/ws/", nil, &rules.Options{Version: v})
}

// TestHostOriginMismatchAgreesWithNginx checks WS021 against a real nginx
// and a backend that compares Origin with Host like gorilla/websocket and
// coder/websocket do by default: every configuration WS021 reports is
// refused with 403, and its fix makes the same handshake succeed.
func TestHostOriginMismatchAgreesWithNginx(t *testing.T) {
	nginxtest.Require(t)
	echo := nginxtest.StartEcho(t, nginxtest.CheckOrigin())
	for name, host := range map[string]string{"no-host": "", "host-without-port": "proxy_set_header Host $host;"} {
		t.Run(name, func(t *testing.T) {
			// the port's default server rejects unknown names, so the
			// fix may forward $http_host (README, Security family: SEC005)
			n := nginxtest.Start(t, fmt.Sprintf(`
server {
    listen 127.0.0.1:{{PORT}} default_server;
    return 444;
}

server {
    listen 127.0.0.1:{{PORT}};
    server_name 127.0.0.1;

    location /ws/ {
        proxy_pass http://%s;
        proxy_http_version 1.1;
        %s
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        proxy_read_timeout 1h;
    }
}`, echo.Addr, host))
			// a browser on the page http://127.0.0.1:PORT/ sends this Origin
			origin := &nginxtest.DialOptions{Header: http.Header{"Origin": {"http://" + n.Addr()}}}
			if c := nginxtest.Dial(t, n.WSURL("/ws/"), origin); c.Status != 403 {
				t.Fatalf("handshake before the fix: %s, want 403", c)
			}
			// The backend is unknown: WS021 speaks where /ws/ is declared.
			declared := &rules.Options{}
			SetWSPaths(declared, []string{"/ws/"}, "--ws-path")
			if fs := findingsOf(lintRunning(t, n, nil), "WS021"); len(fs) != 0 {
				t.Fatalf("WS021 on an undeclared path of an unknown backend: %s", fs[0].Message)
			}
			fs := findingsOf(lintRunning(t, n, declared), "WS021")
			if len(fs) != 1 {
				t.Fatalf("WS021 findings: %d, want 1", len(fs))
			}
			fixAndDial(t, n, fs, "/ws/", origin, declared)
		})
	}
}

// TestHostOriginMismatchQuiet: what WS021 accepts really passes the strict
// backend on a non-default port.
func TestHostOriginMismatchQuiet(t *testing.T) {
	nginxtest.Require(t)
	echo := nginxtest.StartEcho(t, nginxtest.CheckOrigin())
	n := nginxtest.Start(t, fmt.Sprintf(`
server {
    listen 127.0.0.1:{{PORT}};

    location /ws/ {
        proxy_pass http://%s;
        proxy_http_version 1.1;
        proxy_set_header Host $http_host;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        proxy_read_timeout 1h;
    }
}`, echo.Addr))
	origin := &nginxtest.DialOptions{Header: http.Header{"Origin": {"http://" + n.Addr()}}}
	if c := nginxtest.Dial(t, n.WSURL("/ws/"), origin); !c.OK() {
		t.Errorf("handshake: %s", c)
	}
	if fs := findingsOf(lintRunning(t, n, nil), "WS021"); len(fs) != 0 {
		t.Errorf("WS021 on a working configuration: %s", fs[0].Message)
	}
}

// TestHostAdvice: $host where the port is 80 or 443; otherwise the value for
// nginx 1.29.3+ only when the target is known to have it (older ones refuse
// it), and $http_host with a fix only behind a default server that rejects
// unknown names.
func TestHostAdvice(t *testing.T) {
	const open = "server { listen 8080; server_name a.example; }"
	const guarded = "server { listen 8080 default_server; return 444; }\nserver { listen 8080; server_name a.example; }"
	for _, c := range []struct {
		conf, version string
		keepPort      bool
		want          string
		fix           bool
	}{
		{"server { listen 80; server_name a.example; }", "1.22.1", false, "$host", true},
		{open, "1.22.1", true, "$http_host", false},
		{open, "", true, "$http_host", false},
		{guarded, "1.22.1", true, "$http_host", true},
		{open, "1.29.3", true, "$host$is_request_port$request_port", true},
	} {
		cfg := buildConf(t, c.conf, c.version)
		srv := cfg.Servers[len(cfg.Servers)-1]
		h := hostAdvice(&rules.Pass{Cfg: cfg}, srv, c.keepPort)
		if h.value != c.want || (h.noFix == "") != c.fix {
			t.Errorf("%s (nginx %q): %s, fix %v; want %s, fix %v", c.conf, c.version, h.value, h.noFix == "", c.want, c.fix)
		}
	}
	if nginxtest.Binary() == "" {
		return
	}
	// the installed nginx agrees about the variables (Debian's 1.22 has none)
	ok, out := nginxtest.Test(t, `server { listen 127.0.0.1:{{PORT}}; location / { proxy_pass http://127.0.0.1:9; proxy_set_header Host $host$is_request_port$request_port; } }`)
	v := nginxtest.Version(t)
	has := hasPortVars(buildConf(t, "", v))
	if ok != has {
		t.Errorf("nginx %s accepts $request_port: %v, ngxlint expects %v\n%s", v, ok, has, out)
	}
}

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
	n := startSite(t, echo, "location /ws/ {"+ws+"}\nlocation ~ ^/(ws|rpc)/ { proxy_pass http://{{ECHO}}; proxy_http_version 1.1; }")
	if c := nginxtest.Dial(t, n.WSURL("/ws/chat"), nil); c.OK() {
		t.Fatal("the regex location without headers must make the handshake fail")
	}
	fs := lintSite(t, n, nil, "WS023")
	if len(fs) != 1 || fs[0].Severity != rules.Error {
		t.Fatalf("want one WS023 error, got %d findings", len(fs))
	}
	n = fixAndDial(t, n, fs, "/ws/chat", nil, nil)

	n.Stop()
	n = startSite(t, echo, "location /ws/ {"+ws+"}\nlocation ~ ^/(ws|rpc)/ {"+ws+"}")
	if c := nginxtest.Dial(t, n.WSURL("/ws/chat"), nil); !c.OK() {
		t.Fatalf("regex with the headers: %s", c)
	}
	if fs := lintSite(t, n, nil, "WS023"); len(fs) != 0 {
		t.Fatalf("regex with the headers: WS023 reports %q", fs[0].Message)
	}
}

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

// siteConf is the skeleton of those configurations: the canonical map, and a
// server whose body the test gives. {{ECHO}} is the echo backend.
const siteConf = `
map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}

server {
    listen 127.0.0.1:{{PORT}};
    server_name test.example;
BODY
}
`

// startSite runs nginx with body in the skeleton's server.
func startSite(t *testing.T, echo *nginxtest.Echo, body string) *nginxtest.Nginx {
	t.Helper()
	return nginxtest.Start(t, siteText(echo, body))
}

func siteText(echo *nginxtest.Echo, body string) string {
	return strings.ReplaceAll(strings.Replace(siteConf, "BODY", body, 1), "{{ECHO}}", echo.Addr)
}

// lintSite lints the nginx.conf nginx runs and returns the findings of rule id.
func lintSite(t *testing.T, n *nginxtest.Nginx, opts *rules.Options, id string) []*rules.Finding {
	t.Helper()
	return findingsOf(lintRunning(t, n, opts), id)
}

// replaceExtra puts extra directives where a location template says EXTRA.
func replaceExtra(tmpl, extra string) string { return strings.ReplaceAll(tmpl, "EXTRA", extra) }

// nginxVersion is the version of the nginx the tests run.
func nginxVersion(t *testing.T) spec.Version {
	t.Helper()
	v, err := spec.ParseVersion(nginxtest.Version(t))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// WS013 and WS014 against a real nginx and a real WebSocket client: the
// configuration the rule reports fails the handshake, its fix makes it
// succeed, and the fixed text no longer has the finding.
func TestHandshakeAgreesWithWS013AndWS014(t *testing.T) {
	nginxtest.Require(t)
	echo := nginxtest.StartEcho(t)
	cases := []struct {
		id   string
		conf string
	}{
		{"WS013", `map $http_upgrade $connection_upgrade {
    default close;
    ''      upgrade;
}

server {
    listen 127.0.0.1:PORT;

    location /ws/ {
        proxy_pass http://ECHO;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
    }
}
`},
		{"WS014", `server {
    listen 127.0.0.1:PORT;

    location /ws/ {
        if ($http_upgrade !~ ^WebSocket$) {
            return 426;
        }
        proxy_pass http://ECHO;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
    }
}
`},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			port := nginxtest.FreePort(t)
			conf := strings.NewReplacer("PORT", fmt.Sprint(port), "ECHO", echo.Addr).Replace(c.conf)
			fs := ruletest.LintText(t, conf, c.id)
			if len(fs) != 1 {
				t.Fatalf("%d %s findings, want 1", len(fs), c.id)
			}
			n := nginxtest.Start(t, conf)
			conn := nginxtest.Dial(t, n.WSURL("/ws/"), nil)
			if conn.OK() {
				t.Fatalf("the reported configuration upgrades: %s", conn)
			}
			t.Logf("reported configuration: %s", conn)
			n.Stop()
			fixed := applyFixes(t, fs)
			if left := ruletest.LintText(t, fixed, c.id); len(left) != 0 {
				t.Fatalf("the fix leaves %s: %s", c.id, left[0].Message)
			}
			n = nginxtest.Start(t, fixed)
			conn = nginxtest.Dial(t, n.WSURL("/ws/"), nil)
			if !conn.OK() {
				t.Fatalf("the fixed configuration does not upgrade: %s\n%s", conn, fixed)
			}
			if err := conn.Echo("hello"); err != nil {
				t.Errorf("echo through the fixed configuration: %v", err)
			}
			conn.Close()
		})
	}
}
