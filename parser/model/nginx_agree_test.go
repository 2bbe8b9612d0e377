package model_test

// Differential tests: the model against a real nginx on loopback. Each
// table carries the outcome recorded from nginx 1.22.1 by hand, so the
// model is checked against it even where nginx is not installed (the
// Test...Offline functions), and nginx itself is checked against both
// where it is (the Test...AgreesWithNginx functions).

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/parser/nginxtest"
	"github.com/ngxlint/ngxlint/parser/spec"
)

// ---------------------------------------------------------------------------
// 1. Time values: ParseTime accepts exactly what nginx -t accepts.

func TestParseTimeAgreesWithNginx(t *testing.T) {
	nginxtest.Require(t)
	for _, c := range timeCases {
		name := fmt.Sprintf("%q", c.value)
		directive := "location / { proxy_read_timeout " + parser.Quote(c.value) + "; }"
		if c.seconds {
			name += "/seconds"
			// open_file_cache_valid is an ngx_conf_set_sec_slot: ngx_parse_time(v, 1).
			directive = "open_file_cache_valid " + parser.Quote(c.value) + ";"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ok, out := nginxtest.Test(t, "server {\n    listen 127.0.0.1:{{PORT}};\n    "+directive+"\n}\n")
			if !ok && !strings.Contains(out, "directive invalid value") {
				t.Fatalf("nginx -t failed for another reason than the value:\n%s", out)
			}
			_, err := model.ParseTime(c.value, c.seconds)
			if ok != (err == nil) {
				t.Errorf("%s: nginx -t accepts=%v, ParseTime error=%v\n%s", directive, ok, err, out)
			}
			if ok != c.ok {
				t.Errorf("%s: nginx -t accepts=%v, the table says %v", directive, ok, c.ok)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// 2. Location lookup: FindLocation picks the location nginx picks.

// Every location names itself: in the body it returns, or in an X-Loc
// header when it proxies to the echo backend.
const locationsConf = `
server {
    listen 127.0.0.1:{{PORT}};

    location = / { return 200 "exact-root"; }
    location / { return 200 "root"; }
    location = /exact { return 200 "exact"; }
    location /exact { return 200 "exact-prefix"; }
    location /static/ { return 200 "static"; }
    location ^~ /static/img/ { return 200 "static-img-noregex"; }
    location ~ \.png$ { return 200 "regex-png"; }
    location ~* \.jpg$ { return 200 "regex-jpg-ci"; }
    location ~ ^/api/v[0-9]+/ { return 200 "regex-api-version"; }
    location /api/ {
        location /api/inner/ {
            location ~ \.json$ { return 200 "api-inner-json"; }
            return 200 "api-inner";
        }
        location ~ ^/api/.*\.xml$ { return 200 "api-xml"; }
        return 200 "api";
    }
    location /ws/ {
        add_header X-Loc ws-proxy always;
        proxy_pass http://{{BACKEND}};
    }
    location ~ ^/ws/special { return 200 "regex-ws-special"; }
    location /app/ {
        add_header X-Loc app-proxy always;
        proxy_pass http://{{BACKEND}};
    }
    location ~ ^/app { return 200 "regex-app"; }
    location /svc/ {
        add_header X-Loc svc-proxy always;
        proxy_pass http://{{BACKEND}};
    }
    location = /svc { return 200 "svc-exact"; }
    location = /one/ {
        add_header X-Loc one-exact-proxy always;
        proxy_pass http://{{BACKEND}};
    }
    location /docs { return 200 "docs"; }
    location /docs/ { return 200 "docs-slash"; }
    location ~ ^/docs/(?<page>[a-z]+)\.html$ { return 200 "docs-page"; }
    location ~* ^/case/ { return 200 "case-ci"; }
    location ~ ^/case/ { return 200 "case-cs"; }
    location /n/ {
        location ^~ /n/deep/ { return 200 "n-deep-noregex"; }
        location ~ \.txt$ { return 200 "n-txt"; }
        return 200 "n";
    }
    location ~ \.txt$ { return 200 "regex-txt"; }
    location @named { return 200 "named"; }
}
`

// locationCases maps a URI to the location nginx 1.22.1 serves it from, or
// "301 <location>" for nginx's automatic redirect to the URI with a slash.
var locationCases = []struct{ uri, want string }{
	{"/", "exact-root"},
	{"/index.html", "root"},
	{"/exact", "exact"},
	{"/exact/", "exact-prefix"},
	{"/exactly", "exact-prefix"},
	{"/static/a.css", "static"},
	{"/static/a.png", "regex-png"},                // a regex beats a plain prefix
	{"/static/img/a.png", "static-img-noregex"},   // ^~ stops the regexes
	{"/static/img/", "static-img-noregex"},        //
	{"/static", "root"},                           // no *_pass, so no redirect
	{"/photo.JPG", "regex-jpg-ci"},                //
	{"/photo.jpg", "regex-jpg-ci"},                //
	{"/photo.PNG", "root"},                        // ~ is case-sensitive
	{"/api/v1/users", "regex-api-version"},        // a regex shadows the /api/ prefix
	{"/api/x", "api"},                             //
	{"/api/x.xml", "api-xml"},                     // a nested regex
	{"/api/inner/a", "api-inner"},                 // a nested prefix
	{"/api/inner/a.json", "api-inner-json"},       // a regex nested twice
	{"/api/inner/a.xml", "api-xml"},               // the parent's nested regex, before the server's
	{"/api/v2/inner/a.json", "regex-api-version"}, //
	{"/ws", "301 ws-proxy"},                       // proxy_pass in a prefix ending in '/'
	{"/ws/", "ws-proxy"},                          //
	{"/ws/chat", "ws-proxy"},                      //
	{"/ws/special", "regex-ws-special"},           // a regex shadows the WebSocket prefix
	{"/ws/special.png", "regex-png"},              // the first regex in file order wins
	{"/app", "301 app-proxy"},                     // the redirect wins over the matching regex
	{"/app/", "regex-app"},                        //
	{"/app/x", "regex-app"},                       //
	{"/svc", "svc-exact"},                         // an exact location stops the redirect
	{"/svc/", "svc-proxy"},                        //
	{"/one", "301 one-exact-proxy"},               // an exact location ending in '/' redirects too
	{"/one/", "one-exact-proxy"},                  //
	{"/one/x", "root"},                            //
	{"/docs", "docs"},                             //
	{"/docs/", "docs-slash"},                      // the longest prefix
	{"/docs/intro.html", "docs-page"},             // a regex with a named capture
	{"/docs/Intro.html", "docs-slash"},            //
	{"/docsx", "docs"},                            //
	{"/case/a", "case-ci"},                        // the first of two matching regexes
	{"/CASE/a", "case-ci"},                        //
	{"/n/deep/a", "n-deep-noregex"},               //
	{"/n/deep/a.txt", "regex-txt"},                // a nested ^~ does not stop the server's regexes
	{"/n/x.txt", "n-txt"},                         // nested regexes come first
	{"/n/x", "n"},                                 //
	{"/x.txt", "regex-txt"},                       //
	{"/@named", "root"},                           // named locations never match a URI
}

// locName is how a location names itself in locationsConf.
func locName(b *model.Block) string {
	if b == nil {
		return "(none)"
	}
	for _, e := range b.Own("add_header") {
		if strings.EqualFold(e.D.Arg(0), "X-Loc") {
			return e.D.Arg(1)
		}
	}
	if e, ok := b.First("return"); ok {
		return e.D.Arg(1)
	}
	return "(unnamed " + b.Name() + ")"
}

func modelLocation(s *model.Block, uri string) string {
	m := s.FindLocation(uri)
	if m.Unknown != nil {
		return "unknown: " + m.Unknown.Error()
	}
	if m.Redirect {
		return "301 " + locName(m.Loc)
	}
	return locName(m.Loc)
}

func TestFindLocationOffline(t *testing.T) {
	c := offlineModel(t, locationsConf, nil)
	for _, tc := range locationCases {
		if got := modelLocation(c.Servers[0], tc.uri); got != tc.want {
			t.Errorf("FindLocation(%q) = %s, nginx serves it from %s", tc.uri, got, tc.want)
		}
	}
}

func TestFindLocationAgreesWithNginx(t *testing.T) {
	echo := nginxtest.StartEcho(t)
	n, c := liveModel(t, locationsConf, nil, echo)
	for _, tc := range locationCases {
		resp := nginxtest.Get(t, n.URL(tc.uri), nil)
		var got string
		switch resp.Status {
		case http.StatusOK:
			got = resp.Header.Get("X-Loc")
			if got == "" {
				got = resp.Body
			}
		case http.StatusMovedPermanently:
			got = "301 " + resp.Header.Get("X-Loc")
			if loc := resp.Header.Get("Location"); !strings.HasSuffix(loc, tc.uri+"/") {
				t.Errorf("%s: redirected to %q, want the URI with a slash", tc.uri, loc)
			}
		default:
			got = fmt.Sprintf("status %d %q", resp.Status, resp.Body)
		}
		if got != tc.want {
			t.Errorf("nginx serves %s from %s; the table says %s", tc.uri, got, tc.want)
		}
		if m := modelLocation(c.Servers[0], tc.uri); m != got {
			t.Errorf("nginx serves %s from %s; FindLocation says %s", tc.uri, got, m)
		}
	}
}

// ---------------------------------------------------------------------------
// 3. proxy_set_header inheritance: Lookup says which headers reach the backend.

const inheritConf = `
map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}
proxy_http_version 1.1;
proxy_set_header Upgrade $http_upgrade;
proxy_set_header Connection "upgrade";
proxy_set_header X-Level http;

server {
    listen 127.0.0.1:{{PORT}};
    server_name plain.test;
    location /a { proxy_pass http://{{BACKEND}}; }
    location /b {
        proxy_set_header X-Loc b;
        proxy_pass http://{{BACKEND}};
    }
    location /c {
        proxy_pass http://{{BACKEND}};
        location /c/nested { proxy_pass http://{{BACKEND}}; }
        location /c/own {
            proxy_set_header X-Nested own;
            proxy_pass http://{{BACKEND}};
        }
    }
    location /proxyparams {
        include proxy_params;
        proxy_pass http://{{BACKEND}};
    }
}

server {
    listen 127.0.0.1:{{PORT}};
    server_name srv.test;
    proxy_set_header X-Srv srv;
    location /a { proxy_pass http://{{BACKEND}}; }
    location /ws {
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        proxy_pass http://{{BACKEND}};
    }
    location /inc {
        include ws_headers.conf;
        proxy_pass http://{{BACKEND}};
    }
    location /if {
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        proxy_set_header X-Loc if;
        if ($arg_x) {
            proxy_pass http://{{BACKEND}};
        }
        proxy_pass http://{{BACKEND}};
    }
    location /parent {
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        proxy_set_header X-Parent p;
        proxy_pass http://{{BACKEND}};
        location /parent/child { proxy_pass http://{{BACKEND}}; }
        location /parent/own {
            proxy_set_header X-Child c;
            proxy_pass http://{{BACKEND}};
        }
    }
    location /empty {
        proxy_set_header Upgrade "";
        proxy_set_header Connection "";
        proxy_set_header X-Empty "";
        proxy_pass http://{{BACKEND}};
    }
}
`

var inheritFiles = map[string]string{
	"ws_headers.conf": "proxy_set_header Upgrade $http_upgrade;\n" +
		"proxy_set_header Connection $connection_upgrade;\n" +
		"proxy_set_header X-Inc inc;\n",
	// The four lines of Debian 12's /etc/nginx/proxy_params.
	"proxy_params": "proxy_set_header Host $host;\n" +
		"proxy_set_header X-Real-IP $remote_addr;\n" +
		"proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n" +
		"proxy_set_header X-Forwarded-Proto $scheme;\n",
}

const wsHeaders = "Upgrade=websocket Connection=upgrade"

// inheritCases: the headers the backend receives for a WebSocket handshake
// (Upgrade, Connection and X-*; the default "Connection: close" of nginx
// before 1.29.7 is added by the test), and whether the handshake succeeds.
var inheritCases = []struct {
	host, uri string
	want      string // space-separated Name=value; "Connection" only when set explicitly
	ws        bool
}{
	{"plain.test", "/a", wsHeaders + " X-Level=http", true},
	{"plain.test", "/b", "X-Loc=b", false}, // one proxy_set_header drops all of http's
	{"plain.test", "/c", wsHeaders + " X-Level=http", true},
	{"plain.test", "/c/nested", wsHeaders + " X-Level=http", true},
	{"plain.test", "/c/own", "X-Nested=own", false},
	{"plain.test", "/proxyparams", "X-Real-IP=127.0.0.1 X-Forwarded-For=127.0.0.1 X-Forwarded-Proto=http", false},
	{"srv.test", "/a", "X-Srv=srv", false}, // the server level drops http's
	{"srv.test", "/ws", wsHeaders, true},   // and the location does not get X-Srv
	{"srv.test", "/inc", wsHeaders + " X-Inc=inc", true},
	{"srv.test", "/if", wsHeaders + " X-Loc=if", true},
	{"srv.test", "/if?x=1", wsHeaders + " X-Loc=if", true}, // served from the if block
	{"srv.test", "/parent", wsHeaders + " X-Parent=p", true},
	{"srv.test", "/parent/child", wsHeaders + " X-Parent=p", true},
	{"srv.test", "/parent/own", "X-Child=c", false},
	{"srv.test", "/empty", "Connection=", false}, // empty values: not sent, and no default Connection
}

// wsRequest is the handshake Dial sends, as the model sees requests.
var wsRequest = model.Request{Headers: map[string]string{"upgrade": "websocket", "connection": "Upgrade"}}

// interesting filters the header fields the inheritance tests compare.
func interesting(name string) bool {
	name = http.CanonicalHeaderKey(name)
	return name == "Upgrade" || name == "Connection" || strings.HasPrefix(name, "X-")
}

// wantHeaders reads a case's want, adding nginx's default Connection.
func wantHeaders(want string, v spec.Version) map[string]string {
	out := map[string]string{}
	for _, f := range strings.Fields(want) {
		k, val, _ := strings.Cut(f, "=")
		out[http.CanonicalHeaderKey(k)] = val
	}
	if _, set := out["Connection"]; !set && !v.DefaultHTTP11() {
		out["Connection"] = "close"
	}
	for k, val := range out {
		if val == "" {
			delete(out, k) // nginx does not send a header whose value is empty
		}
	}
	return out
}

// modelHeaders is what the model says the backend receives at level b: the
// proxy_set_header entries in effect there, expanded for the request, plus
// nginx's default Connection. A value the model cannot compute is "?".
func modelHeaders(c *model.Config, b *model.Block, r model.Request) map[string]string {
	out := map[string]string{}
	es, _ := b.Lookup("proxy_set_header")
	connSet := false
	for _, e := range es {
		name := http.CanonicalHeaderKey(e.D.Arg(0))
		if name == "Connection" {
			connSet = true
		}
		if !interesting(name) {
			continue
		}
		v, known := c.Expand(e.D.Arg(1), r)
		switch {
		case !known:
			out[name] = "?"
		case v != "":
			out[name] = v
		}
	}
	if !connSet && !c.Version.DefaultHTTP11() {
		out["Connection"] = "close"
	}
	return out
}

// modelPredictsUpgrade: nginx tunnels when the backend gets Upgrade:
// websocket, a Connection with the upgrade token, and HTTP/1.1.
func modelPredictsUpgrade(c *model.Config, b *model.Block, h map[string]string) bool {
	v11 := c.Version.DefaultHTTP11()
	if e, ok := b.Scalar("proxy_http_version"); ok {
		v11 = e.D.Arg(0) == "1.1"
	}
	hasToken := func(v, tok string) bool {
		for _, p := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(p), tok) {
				return true
			}
		}
		return false
	}
	return v11 && hasToken(h["Upgrade"], "websocket") && hasToken(h["Connection"], "upgrade")
}

// servedFrom is the level serving uri: the location FindLocation picks, or
// its if block when the query sets x.
func servedFrom(t *testing.T, c *model.Config, host, uri string) *model.Block {
	t.Helper()
	path, query, _ := strings.Cut(uri, "?")
	m := serverNamed(t, c, host).FindLocation(path)
	if m.Loc == nil || m.Redirect || m.Unknown != nil {
		t.Fatalf("%s%s: no location in the model (%+v)", host, uri, m)
	}
	if query == "x=1" {
		for _, ch := range m.Loc.Children {
			if ch.Kind == model.If {
				return ch
			}
		}
		t.Fatalf("%s%s: no if block in %s", host, uri, m.Loc.Name())
	}
	return m.Loc
}

func sameHeaders(got, want map[string]string) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		g, ok := got[k]
		if !ok || g != v && g != "?" {
			return false
		}
	}
	return true
}

func fmtHeaders(h map[string]string) string {
	var parts []string
	for k, v := range h {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return "{" + strings.Join(parts, " ") + "}"
}

func TestProxySetHeaderInheritanceOffline(t *testing.T) {
	c := offlineModel(t, inheritConf, inheritFiles)
	for _, tc := range inheritCases {
		b := servedFrom(t, c, tc.host, tc.uri)
		got, want := modelHeaders(c, b, wsRequest), wantHeaders(tc.want, recorded)
		if !sameHeaders(got, want) {
			t.Errorf("%s%s: the model forwards %s, nginx forwards %s", tc.host, tc.uri, fmtHeaders(got), fmtHeaders(want))
		}
		if p := modelPredictsUpgrade(c, b, got); p != tc.ws {
			t.Errorf("%s%s: the model predicts upgrade=%v, nginx gives %v", tc.host, tc.uri, p, tc.ws)
		}
	}
}

func TestProxySetHeaderInheritanceAgreesWithNginx(t *testing.T) {
	echo := nginxtest.StartEcho(t)
	n, c := liveModel(t, inheritConf, inheritFiles, echo)
	upgraded, refused := 0, 0
	for _, tc := range inheritCases {
		echo.Reset()
		conn := nginxtest.Dial(t, n.WSURL(tc.uri), &nginxtest.DialOptions{Header: http.Header{"Host": {tc.host}}})
		r, ok := echo.Last()
		if !ok {
			t.Errorf("%s%s: the backend got nothing (%s)", tc.host, tc.uri, conn)
			continue
		}
		got := map[string]string{}
		for name := range r.Header {
			if interesting(name) {
				got[name] = r.Get(name)
			}
		}
		if want := wantHeaders(tc.want, c.Version); !sameHeaders(got, want) {
			t.Errorf("%s%s: the backend got %s; the table says %s", tc.host, tc.uri, fmtHeaders(got), fmtHeaders(want))
		}
		b := servedFrom(t, c, tc.host, tc.uri)
		predicted := modelHeaders(c, b, wsRequest)
		if !sameHeaders(predicted, got) {
			t.Errorf("%s%s: the backend got %s; the model says %s (set at %v)", tc.host, tc.uri, fmtHeaders(got), fmtHeaders(predicted), levelOf(b))
		}
		if conn.OK() != tc.ws {
			t.Errorf("%s%s: handshake %s; the table says upgrade=%v", tc.host, tc.uri, conn, tc.ws)
		}
		if p := modelPredictsUpgrade(c, b, predicted); p != conn.OK() {
			t.Errorf("%s%s: handshake %s; the model predicts upgrade=%v", tc.host, tc.uri, conn, p)
		}
		if conn.OK() {
			upgraded++
			if err := conn.Echo("through " + tc.uri); err != nil {
				t.Errorf("%s%s: %v", tc.host, tc.uri, err)
			}
			conn.Close()
		} else {
			refused++
		}
	}
	if upgraded == 0 || refused == 0 {
		t.Errorf("%d handshakes upgraded and %d refused; the cases must cover both", upgraded, refused)
	}
}

func levelOf(b *model.Block) string {
	if _, at := b.Lookup("proxy_set_header"); at != nil {
		return at.Name()
	}
	return "no level"
}

// ---------------------------------------------------------------------------
// 4. Maps: Map.Eval and Config.Expand give what nginx computes.

const mapsConf = `
map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}
map $http_connection $aspnet_connection {
    "~*Upgrade" $http_connection;
    default     keep-alive;
}
map $http_upgrade $up_kind {
    websocket  exact;
    ~^h2c$     regex-cs;
    ~*^WEB     regex-ci;
    ~socket    regex-second;
    \~lit      tilde;
}
map $connection_upgrade $chained {
    upgrade yes;
    default no;
}
map "$http_upgrade/$http_connection" $combo {
    "websocket/upgrade" both;
    ~^/                 no-upgrade;
    default             other;
}
server {
    listen 127.0.0.1:{{PORT}};
    location /m {
        return 200 "cu=$connection_upgrade|asp=$aspnet_connection|kind=$up_kind|chain=$chained|combo=$combo";
    }
}
`

const absent = "\x00absent"

var (
	mapUpgrades    = []string{absent, "", "websocket", "WebSocket", "WEBSOCKET", "websocketx", "Websocket-foo", "xsocket", "h2c", "H2C", "~lit"}
	mapConnections = []string{absent, "", "Upgrade", "upgrade", "keep-alive", "keep-alive, Upgrade", "close"}
)

// mapSpotChecks are results recorded from nginx 1.22.1.
var mapSpotChecks = []struct{ upgrade, connection, want string }{
	{absent, absent, "cu=close|asp=keep-alive|kind=|chain=no|combo=no-upgrade"},
	{"", "keep-alive", "cu=close|asp=keep-alive|kind=|chain=no|combo=no-upgrade"},
	{"websocket", "Upgrade", "cu=upgrade|asp=Upgrade|kind=exact|chain=yes|combo=both"}, // string keys ignore case
	{"WebSocket", "keep-alive, Upgrade", "cu=upgrade|asp=keep-alive, Upgrade|kind=exact|chain=yes|combo=other"},
	{"websocketx", "close", "cu=upgrade|asp=keep-alive|kind=regex-ci|chain=yes|combo=other"},
	{"xsocket", "upgrade", "cu=upgrade|asp=upgrade|kind=regex-second|chain=yes|combo=other"},
	{"h2c", absent, "cu=upgrade|asp=keep-alive|kind=regex-cs|chain=yes|combo=other"},
	{"H2C", absent, "cu=upgrade|asp=keep-alive|kind=|chain=yes|combo=other"}, // ~ is case-sensitive; no default
	{"~lit", absent, "cu=upgrade|asp=keep-alive|kind=tilde|chain=yes|combo=other"},
}

func mapRequest(upgrade, connection string) (model.Request, http.Header) {
	r := model.Request{Headers: map[string]string{}}
	h := http.Header{}
	if upgrade != absent {
		r.Headers["upgrade"] = upgrade
		h["Upgrade"] = []string{upgrade}
	}
	if connection != absent {
		r.Headers["connection"] = connection
		h["Connection"] = []string{connection}
	}
	return r, h
}

func modelMapBody(t *testing.T, c *model.Config, r model.Request) string {
	t.Helper()
	m := c.Servers[0].FindLocation("/m")
	if m.Loc == nil {
		t.Fatal("no location /m in the model")
	}
	ret, ok := m.Loc.First("return")
	if !ok {
		t.Fatal("no return in location /m")
	}
	got, known := c.Expand(ret.D.Arg(1), r)
	if !known {
		t.Fatalf("Expand(%q) is unknown", ret.D.Arg(1))
	}
	return got
}

func show(v string) string {
	if v == absent {
		return "(absent)"
	}
	return fmt.Sprintf("%q", v)
}

func TestMapsOffline(t *testing.T) {
	c := offlineModel(t, mapsConf, nil)
	for _, sc := range mapSpotChecks {
		r, _ := mapRequest(sc.upgrade, sc.connection)
		if got := modelMapBody(t, c, r); got != sc.want {
			t.Errorf("Upgrade %s, Connection %s: the model gives %q, nginx %q", show(sc.upgrade), show(sc.connection), got, sc.want)
		}
	}
	// Map.Eval directly, for the canonical map.
	cu := c.Maps["connection_upgrade"]
	if cu == nil {
		t.Fatal("no map $connection_upgrade")
	}
	for in, want := range map[string]string{"": "close", "websocket": "upgrade", "anything": "upgrade"} {
		if got, _, known := cu.Eval(in); got != want || !known {
			t.Errorf("$connection_upgrade for %q = %q (known %v), want %q", in, got, known, want)
		}
	}
}

func TestMapsAgreeWithNginx(t *testing.T) {
	n, c := liveModel(t, mapsConf, nil, nil)
	spot := map[[2]string]string{}
	for _, sc := range mapSpotChecks {
		spot[[2]string{sc.upgrade, sc.connection}] = sc.want
	}
	checked := 0
	for _, up := range mapUpgrades {
		for _, conn := range mapConnections {
			r, h := mapRequest(up, conn)
			resp := nginxtest.Get(t, n.URL("/m"), h)
			if resp.Status != 200 {
				t.Fatalf("Upgrade %s, Connection %s: status %d", show(up), show(conn), resp.Status)
			}
			if got := modelMapBody(t, c, r); got != resp.Body {
				t.Errorf("Upgrade %s, Connection %s: nginx gives %q, the model %q", show(up), show(conn), resp.Body, got)
			}
			if want, ok := spot[[2]string{up, conn}]; ok {
				checked++
				if resp.Body != want {
					t.Errorf("Upgrade %s, Connection %s: nginx gives %q, the table says %q", show(up), show(conn), resp.Body, want)
				}
			}
		}
	}
	if checked != len(mapSpotChecks) {
		t.Errorf("%d of %d spot checks were requested", checked, len(mapSpotChecks))
	}
}
