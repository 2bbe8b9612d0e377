package nginxtest

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ngxlint/ngxlint/parser"
)

// writeTree writes files (name -> content) under a new temporary directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
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

// siteFiles returns the files of a prepared site with the echo backend's
// address written as ECHO.
func siteFiles(s *Site) map[string]string {
	out := map[string]string{}
	for n, b := range s.Files {
		out[n] = strings.ReplaceAll(string(b), s.Echo.Addr, "ECHO")
	}
	return out
}

func checkFiles(t *testing.T, s *Site, want map[string]string) {
	t.Helper()
	got := siteFiles(s)
	var names []string
	for n := range got {
		names = append(names, n)
	}
	sort.Strings(names)
	for n, w := range want {
		if got[n] != w {
			t.Errorf("%s:\n--- got\n%s--- want\n%s", n, got[n], w)
		}
	}
	for _, n := range names {
		if _, ok := want[n]; !ok {
			t.Errorf("unexpected file %s:\n%s", n, got[n])
		}
	}
}

const httpLevel = `# an http-level file as users write it
upstream app {
    server app1.internal:8000 max_fails=2;
    server unix:/run/app.sock backup;
}

proxy_cache_path /var/cache/nginx/app levels=1:2 keys_zone=app:10m;

server {
    listen 80 default_server;
    listen [::]:80 default_server ipv6only=on;
    listen 443 ssl http2;
    server_name example.com *.example.com;
    ssl_certificate     /etc/letsencrypt/live/example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/example.com/privkey.pem;
    access_log /var/log/nginx/example.log combined;

    location /app/ { proxy_pass http://app; }
    location /ws/ {
        proxy_pass "http://localhost:3000/socket/";  # keep me
        proxy_http_version 1.1;
    }
    location /api/ { proxy_pass https://api.example.com; }
    location ~ \.php$ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }
    location /grpc/ { grpc_pass grpcs://10.0.0.5:50051; }
    location /var/ {
        set $up http://10.1.1.1:9000/v;
        proxy_pass $up;
    }
}

server {
    listen 80;
    server_name other.example.com;
}

server { server_name noport.example.com; return 200; }
`

func wrapperFor(name, level, body string) string {
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;\n"
	}
	return "# written by ngxlint's parser/nginxtest around " + name + " (a " + level + "-level fragment)\n" +
		"daemon off;\nworker_processes 1;\npid {{DIR}}/nginx.pid;\nerror_log {{DIR}}/error.log info;\n" + user +
		"events { worker_connections 256; }\n\nhttp {\n" +
		"    client_body_temp_path {{DIR}}/client_body_temp;\n    proxy_temp_path {{DIR}}/proxy_temp;\n" +
		"    fastcgi_temp_path {{DIR}}/fastcgi_temp;\n    uwsgi_temp_path {{DIR}}/uwsgi_temp;\n" +
		"    scgi_temp_path {{DIR}}/scgi_temp;\n    access_log {{DIR}}/access.log;\n" + body + "}\n"
}

func TestRewriteHTTPLevel(t *testing.T) {
	dir := writeTree(t, map[string]string{"site.conf": httpLevel})
	s, err := Prepare(t, filepath.Join(dir, "site.conf"), SiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, s, map[string]string{
		"nginx.conf": wrapperFor("site.conf", "http", "    include root.conf;\n"),
		"root.conf": `# an http-level file as users write it
upstream app {
    server ECHO max_fails=2;
    server ECHO backup;
}

proxy_cache_path {{DIR}}/cache1 levels=1:2 keys_zone=app:10m;

server {
    listen 127.0.0.1:{{PORT1}} default_server;
    
    listen 127.0.0.1:{{PORT2}};
    server_name example.com *.example.com;
    
    
    access_log {{DIR}}/access.log combined;

    location /app/ { proxy_pass http://app; }
    location /ws/ {
        proxy_pass "http://ECHO/socket/";  # keep me
        proxy_http_version 1.1;
    }
    location /api/ { proxy_pass http://ECHO; }
    location ~ \.php$ { fastcgi_pass ECHO; }
    location /grpc/ { grpc_pass grpc://ECHO; }
    location /var/ {
        set $up http://ECHO/v;
        proxy_pass $up;
    }
}

server {
    listen 127.0.0.1:{{PORT1}};
    server_name other.example.com;
}

server {
    listen 127.0.0.1:{{PORT1}}; # nginxtest: nginx's default *:80
 server_name noport.example.com; return 200; }
`})
	if len(s.Servers) != 3 {
		t.Fatalf("servers: %d", len(s.Servers))
	}
	for i, want := range []string{"example.com", "other.example.com", "noport.example.com"} {
		if got := s.Servers[i].Host(); got != want {
			t.Errorf("server %d: Host() = %q, want %q", i, got, want)
		}
	}
	if l := s.Servers[0].Listens; len(l) != 2 || l[0].Index != 1 || l[1].Index != 2 || !l[1].TLS {
		t.Errorf("listens of the first server: %+v", l)
	}
	for _, want := range []string{"ssl is dropped", "https://api.example.com is proxied over plain HTTP", "proxy_pass $up uses a variable"} {
		if !strings.Contains(strings.Join(s.Notes, "\n"), want) {
			t.Errorf("notes %q do not say %q", s.Notes, want)
		}
	}
}

func TestRewriteMainConfig(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"etc/nginx.conf": `user www-data;
worker_processes auto;
pid /run/nginx.pid;
error_log /var/log/nginx/error.log;
include /etc/nginx/modules-enabled/*.conf;

http {
	include /etc/nginx/mime.types;
	include /etc/nginx/proxy_params;
	proxy_temp_path /var/lib/nginx/proxy 1 2;
	include /etc/nginx/conf.d/*.conf;
	include snippets/maps.conf;
}
`,
		"etc/conf.d/site.conf":   "server {\n\tlisten 8080;\n\tlocation /ws/ {\n\t\tproxy_pass http://backend:9000;\n\t\tinclude snippets/ws.conf;\n\t}\n}\n",
		"etc/snippets/maps.conf": "map $http_upgrade $connection_upgrade {\n\tdefault upgrade;\n\t\"\" close;\n}\n",
		"etc/snippets/ws.conf":   "proxy_http_version 1.1;\nproxy_set_header Upgrade $http_upgrade;\nproxy_set_header Connection $connection_upgrade;\n",
	})
	s, err := Prepare(t, filepath.Join(dir, "etc/nginx.conf"), SiteOptions{Load: parser.Options{PathMaps: []parser.PathMap{{From: "/etc/nginx", To: filepath.Join(dir, "etc")}}}})
	if err != nil {
		t.Fatal(err)
	}
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;\n"
	}
	checkFiles(t, s, map[string]string{
		"nginx.conf": "# nginxtest: run inside the test directory\ndaemon off;\n" + user + `
worker_processes 1;
pid {{DIR}}/nginx.pid;
error_log {{DIR}}/error.log;
include etc/nginx/modules-enabled/*.conf;

http {
    client_body_temp_path {{DIR}}/client_body_temp;
    fastcgi_temp_path {{DIR}}/fastcgi_temp;
    uwsgi_temp_path {{DIR}}/uwsgi_temp;
    scgi_temp_path {{DIR}}/scgi_temp;
    access_log {{DIR}}/access.log; # nginxtest

	include etc/nginx/mime.types;
	include etc/nginx/proxy_params;
	proxy_temp_path {{DIR}}/proxy_temp 1 2;
	include etc/nginx/conf.d/*.conf;
	include snippets/maps.conf;
}

events { worker_connections 256; } # nginxtest
`,
		"etc/nginx/conf.d/site.conf": "server {\n\tlisten 127.0.0.1:{{PORT1}};\n\tlocation /ws/ {\n\t\tproxy_pass http://ECHO;\n\t\tinclude snippets/ws.conf;\n\t}\n}\n",
		"etc/nginx/mime.types":       "",
		"etc/nginx/proxy_params": "proxy_set_header Host $host;\nproxy_set_header X-Real-IP $remote_addr;\n" +
			"proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\nproxy_set_header X-Forwarded-Proto $scheme;\n",
		"snippets/maps.conf": "map $http_upgrade $connection_upgrade {\n\tdefault upgrade;\n\t\"\" close;\n}\n",
		"snippets/ws.conf":   "proxy_http_version 1.1;\nproxy_set_header Upgrade $http_upgrade;\nproxy_set_header Connection $connection_upgrade;\n",
	})
}

func TestRewriteFragments(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"snippet.conf":   "proxy_http_version 1.1;\nproxy_set_header Upgrade $http_upgrade;\nproxy_set_header Connection upgrade;\n",
		"locations.conf": "listen 8081;\nlocation /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n}\n",
		"block.conf": "# In http {}, once per configuration:\nmap $http_upgrade $connection_upgrade {\n    default upgrade;\n    '' close;\n}\n\n" +
			"# In the server {} that clients connect to:\nlocation /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_http_version 1.1;\n}\n",
		"broken.conf": "server {\n    listen 80;\n",
	})
	s, err := Prepare(t, filepath.Join(dir, "snippet.conf"), SiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, s, map[string]string{
		"nginx.conf": wrapperFor("snippet.conf", "location", "    server {\n        listen 127.0.0.1:{{PORT1}};\n        location / {\n            include root.conf;\n"+
			"            proxy_pass http://ECHO; # nginxtest: the snippet has no handler\n        }\n    }\n"),
		"root.conf": "proxy_http_version 1.1;\nproxy_set_header Upgrade $http_upgrade;\nproxy_set_header Connection upgrade;\n",
	})

	s, err = Prepare(t, filepath.Join(dir, "locations.conf"), SiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, s, map[string]string{
		"nginx.conf": wrapperFor("locations.conf", "server", "    server {\n        include root.conf;\n    }\n"),
		"root.conf":  "listen 127.0.0.1:{{PORT1}};\nlocation /ws/ {\n    proxy_pass http://ECHO;\n}\n",
	})
	if s.Servers[0].Dir != nil || s.Servers[0].Listens[0].Port != 8081 {
		t.Errorf("server around the fragment: %+v", s.Servers[0])
	}

	s, err = Prepare(t, filepath.Join(dir, "block.conf"), SiteOptions{SplitLocations: true})
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, s, map[string]string{
		"nginx.conf":       wrapperFor("block.conf", "http", "    include root.conf;\n    server {\n        listen 127.0.0.1:{{PORT1}};\n        include root.server.conf;\n    }\n"),
		"root.conf":        "# In http {}, once per configuration:\nmap $http_upgrade $connection_upgrade {\n    default upgrade;\n    '' close;\n}\n\n# In the server {} that clients connect to:\n\n",
		"root.server.conf": "location /ws/ {\n    proxy_pass http://ECHO;\n    proxy_http_version 1.1;\n}\n",
	})

	s, err = Prepare(t, filepath.Join(dir, "broken.conf"), SiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := siteFiles(s)["root.conf"]; got != "server {\n    listen 80;\n" {
		t.Errorf("a file that does not parse must be given to nginx as written, got %q", got)
	}
}

func TestApplyEditsRefusesOverlaps(t *testing.T) {
	src := []byte("abcdef")
	out, err := ApplyEdits(src, []Edit{{Start: 4, End: 6, New: "X"}, {Start: 0, End: 0, New: ">"}, {Start: 0, End: 1, New: "A"}})
	if err != nil || string(out) != ">AbcdX" {
		t.Fatalf("ApplyEdits = %q, %v", out, err)
	}
	if _, err := ApplyEdits(src, []Edit{{Start: 1, End: 3}, {Start: 2, End: 4}}); err == nil {
		t.Fatal("overlapping edits must be refused")
	}
}

func TestSample(t *testing.T) {
	for expr, want := range map[string]string{
		`/api/v[0-9]+/(users/)?websocket$`: "/api/v0/websocket",
		`^/ws/(?<room>[a-z0-9]+)$`:         "/ws/a",
		`^/(socket\.io|sockjs)/`:           "/socket.io/",
		`(?i)^/HUB`:                        "/hub",
		`^(?<sub>[a-z]+)\.example\.com$`:   "a.example.com",
		`\.php$`:                           ".php",
	} {
		if got, ok := Sample(expr); !ok || got != want {
			t.Errorf("Sample(%q) = %q, %v; want %q", expr, got, ok, want)
		}
	}
	if _, ok := Sample(`^/(?!admin)`); ok {
		t.Error("a PCRE-only expression must not give a sample")
	}
}

func TestServerHost(t *testing.T) {
	for _, c := range []struct {
		names []string
		l     Listen
		want  string
	}{
		{[]string{"_", "example.com"}, Listen{Port: 80}, "example.com"},
		{[]string{"*.example.com"}, Listen{Port: 8080}, "a.example.com:8080"},
		{[]string{".example.com"}, Listen{Port: 443, TLS: true}, "example.com"},
		{[]string{"~^(?<sub>[a-z]+)\\.example\\.com$"}, Listen{Port: 80}, "a.example.com"},
		{[]string{""}, Listen{Port: 80}, ""},
	} {
		s := &Server{Names: c.names, Listens: []Listen{c.l}}
		if got := s.Host(); got != c.want {
			t.Errorf("%q on %+v: Host() = %q, want %q", c.names, c.l, got, c.want)
		}
	}
}

// TestSiteRuns runs a rewritten configuration through nginx: two name-based
// servers on one port reach their own locations, a broken location fails
// with what the backend received, and a short proxy_read_timeout closes an
// idle socket.
func TestSiteRuns(t *testing.T) {
	Require(t)
	dir := writeTree(t, map[string]string{"site.conf": `
map $http_upgrade $connection_upgrade { default upgrade; '' close; }
server {
    listen 80;
    server_name good.example.com;
    location /ws/ {
        proxy_pass http://app.internal:9001;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_read_timeout 300ms;
    }
}
server {
    listen 80;
    listen [::]:80;
    server_name bad.example.com;
    location /ws/ { proxy_pass http://localhost:9001; }
}
`})
	s, err := Prepare(t, filepath.Join(dir, "site.conf"), SiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.Start(t)
	if !s.TestOK || s.Nginx == nil {
		t.Fatalf("nginx -t: %v %s %v\n%s", s.TestOK, s.TestOutput, s.StartErr, s.Describe())
	}
	good, bad := s.Servers[0], s.Servers[1]
	if good.Listens[0].Index != bad.Listens[0].Index {
		t.Fatalf("servers on port 80 must share a port: %+v %+v", good.Listens, bad.Listens)
	}
	o := s.Probe(t, Target{Server: good.Dir, Path: "/ws/"})
	if !o.OK() || o.Host != "good.example.com" {
		t.Fatalf("good server: %s", o)
	}
	o = s.Probe(t, Target{Server: bad.Dir, Path: "/ws/"})
	if o.OK() || o.Stage() != "handshake" || len(o.Backend) != 1 || o.Backend[0].Has("Upgrade") {
		t.Fatalf("a location without the WebSocket headers must fail the handshake: %s", o)
	}
	if !strings.Contains(o.String(), "the backend received GET /ws/ HTTP/1.0") {
		t.Errorf("the report must say what the backend received: %s", o)
	}
	o = s.Probe(t, Target{Server: good.Dir, Path: "/ws/", Idle: 1500 * time.Millisecond})
	if o.OK() || o.Stage() != "idle" || !IsClosed(o.IdleErr) {
		t.Fatalf("proxy_read_timeout 300ms must close an idle socket: %s", o)
	}
}

func TestSiteNginxTestFails(t *testing.T) {
	Require(t)
	dir := writeTree(t, map[string]string{"site.conf": "server {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_set_header Connection $connection_upgrade;\n    }\n}\n"})
	s, err := Prepare(t, filepath.Join(dir, "site.conf"), SiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.Start(t)
	if s.TestOK || !strings.Contains(s.TestOutput, `unknown "connection_upgrade" variable`) || s.Nginx != nil {
		t.Fatalf("nginx -t must fail on an undefined variable: %v\n%s", s.TestOK, s.TestOutput)
	}
	if o := s.Probe(t, Target{Path: "/ws/"}); o.Err == nil || o.OK() {
		t.Errorf("a probe of a site that did not start must say so: %s", o)
	}
}

func TestRewriteVariableHostsAndTimeouts(t *testing.T) {
	dir := writeTree(t, map[string]string{"site.conf": `server {
    listen 8080;
    location /a/ {
        set $backend ws.example.net;
        proxy_pass https://$backend;
        proxy_read_timeout 20s;
    }
    location /b/ {
        set $url http://10.0.0.1:81/b/;
        proxy_pass $url;
        proxy_read_timeout 0;
    }
}
`})
	s, err := Prepare(t, filepath.Join(dir, "site.conf"), SiteOptions{TimeoutScale: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, s, map[string]string{
		"nginx.conf": wrapperFor("site.conf", "http", "    include root.conf;\n"),
		"root.conf": `server {
    listen 127.0.0.1:{{PORT1}};
    location /a/ {
        set $backend ECHO;
        proxy_pass http://$backend;
        proxy_read_timeout 2000ms;
    }
    location /b/ {
        set $url http://ECHO/b/;
        proxy_pass $url;
        proxy_read_timeout 0;
    }
}
`})
}
