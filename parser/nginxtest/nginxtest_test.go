package nginxtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeTB records Skip and Fatal instead of ending the test, so Require's
// choice between them can be checked.
type fakeTB struct {
	testing.TB
	skipped, fatal string
}

func (f *fakeTB) Helper()           {}
func (f *fakeTB) Skip(args ...any)  { f.skipped = fmt.Sprint(args...) }
func (f *fakeTB) Fatal(args ...any) { f.fatal = fmt.Sprint(args...) }

func TestRequireSkipsOrFailsInCI(t *testing.T) {
	t.Setenv(EnvBinary, filepath.Join(t.TempDir(), "no-nginx-here"))
	t.Setenv("CI", "")
	f := &fakeTB{TB: t}
	if Require(f) != "" || f.skipped == "" || f.fatal != "" {
		t.Fatalf("without CI a missing nginx must skip: skipped %q, fatal %q", f.skipped, f.fatal)
	}
	t.Setenv(EnvBinary, "")
	t.Setenv("PATH", t.TempDir())
	if Binary() == "" {
		// No /usr/sbin/nginx either: the skip message must say how to install.
		f = &fakeTB{TB: t}
		Require(f)
		if !strings.Contains(f.skipped, "apt-get install -y nginx") {
			t.Errorf("skip message %q does not say how to install nginx", f.skipped)
		}
	}
	t.Setenv(EnvBinary, filepath.Join(t.TempDir(), "no-nginx-here"))
	t.Setenv("CI", "true")
	f = &fakeTB{TB: t}
	if Require(f); f.fatal == "" || f.skipped != "" {
		t.Fatalf("with CI=true a missing nginx must fail: skipped %q, fatal %q", f.skipped, f.fatal)
	}
}

func TestFreePort(t *testing.T) {
	p := FreePort(t)
	if p <= 1024 || p > 65535 {
		t.Fatalf("FreePort() = %d, want an ephemeral port", p)
	}
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
	if err != nil {
		t.Fatalf("port %d is not free: %v", p, err)
	}
	_ = l.Close()
}

func TestWrapKeepsEverythingInDir(t *testing.T) {
	dir := "/tmp/nginxtest-x"
	for name, conf := range map[string]string{
		"http body": "server { listen 127.0.0.1:1; }",
		"full conf": "events {}\nhttp {\n  server { listen 127.0.0.1:1; }\n}\n",
	} {
		out := wrap(conf, dir)
		for _, want := range []string{"daemon off;", "worker_processes 1;", "pid " + dir + "/nginx.pid;",
			"error_log " + dir + "/error.log", "access_log " + dir + "/access.log;",
			"client_body_temp_path " + dir + "/", "proxy_temp_path " + dir + "/", "fastcgi_temp_path " + dir + "/",
			"uwsgi_temp_path " + dir + "/", "scgi_temp_path " + dir + "/"} {
			if strings.Count(out, want) != 1 {
				t.Errorf("%s: want exactly one %q in\n%s", name, want, out)
			}
		}
		if strings.Count(out, "events") != 1 || strings.Count(out, "http {") != 1 {
			t.Errorf("%s: want one events and one http block in\n%s", name, out)
		}
		if strings.Contains(out, "/etc/nginx") {
			t.Errorf("%s: mentions /etc/nginx:\n%s", name, out)
		}
	}
	// A full configuration keeps what it sets itself.
	out := wrap("worker_processes 2;\nevents {}\nhttp {\n  proxy_temp_path /x;\n}\n", dir)
	if strings.Contains(out, "worker_processes 1") || strings.Contains(out, dir+"/proxy_temp") {
		t.Errorf("a full configuration's own directives must not be duplicated:\n%s", out)
	}
}

func TestCheckLoopback(t *testing.T) {
	for conf, ok := range map[string]bool{
		"http { server { listen 127.0.0.1:8123; } }":                                 true,
		"http { server { listen [::1]:8123; listen 127.0.0.2:9; } }":                 true,
		"http { upstream u { server 10.0.0.1:80; } server { listen 127.0.0.1:5; } }": true,
		"http { server { listen 8123; } }":                                           false,
		"http { server { listen 0.0.0.0:8123; } }":                                   false,
		"http { server { listen 127.0.0.1; } }":                                      false,
		"http { server { server_name x; } }":                                         false,
		"http { server { listen 10.1.2.3:8123; } }":                                  false,
	} {
		if err := checkLoopback(conf); (err == nil) != ok {
			t.Errorf("checkLoopback(%q) = %v, want ok=%v", conf, err, ok)
		}
	}
}

func TestTestReportsFailure(t *testing.T) {
	Require(t)
	ok, out := Test(t, "server { listen 127.0.0.1:{{PORT}}; proxy_read_timeout 1M; }")
	if ok || !strings.Contains(out, `"proxy_read_timeout" directive invalid value`) {
		t.Fatalf("nginx -t must reject proxy_read_timeout 1M: ok=%v\n%s", ok, out)
	}
	ok, out = Test(t, "server { listen 127.0.0.1:{{PORT}}; proxy_read_timeout 1h; }")
	if !ok {
		t.Fatalf("nginx -t must accept proxy_read_timeout 1h:\n%s", out)
	}
}

const canonical = `
map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}
server {
    listen 127.0.0.1:{{PORT}};
    location /ws {
        proxy_pass http://%[1]s;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_read_timeout %[2]s;
    }
    location /bare {
        proxy_pass http://%[1]s;
    }
    location /moved {
        return 301 /ws;
    }
}
`

func TestHandshakeEchoAndPlainRequest(t *testing.T) {
	Require(t)
	echo := StartEcho(t)
	n := Start(t, fmt.Sprintf(canonical, echo.Addr, "1h"))
	if !strings.Contains(n.TestOutput, "test is successful") {
		t.Errorf("TestOutput = %q", n.TestOutput)
	}
	if b, err := os.ReadFile(n.ConfPath()); err != nil || string(b) != n.Conf {
		t.Fatalf("ConfPath does not hold Conf: %v", err)
	}

	c := Dial(t, n.WSURL("/ws"), nil)
	if !c.OK() {
		t.Fatalf("canonical config: handshake %s\n%s", c, n.ErrorLog())
	}
	if got := c.Header.Get("Connection"); !strings.EqualFold(got, "upgrade") {
		t.Errorf("101 from nginx carries Connection %q, want upgrade", got)
	}
	if err := c.Echo("hello"); err != nil {
		t.Fatal(err)
	}
	if err := c.Idle(200 * time.Millisecond); err != nil {
		t.Fatalf("with proxy_read_timeout 1h the socket must stay open: %v", err)
	}
	r, ok := echo.Last()
	if !ok || r.Proto != "HTTP/1.1" || r.Get("Upgrade") != "websocket" || r.Get("Connection") != "upgrade" || r.Status != 101 {
		t.Fatalf("backend saw %+v", r)
	}

	resp := Get(t, n.URL("/ws"), nil)
	if resp.Status != 200 || !strings.Contains(resp.Body, "echo backend: GET /ws HTTP/1.1") {
		t.Fatalf("plain GET: %+v", resp)
	}
	r, _ = echo.Last()
	if r.Get("Connection") != "close" || r.Has("Upgrade") {
		t.Errorf("plain GET through the map: backend saw Connection %q, Upgrade %q; want close and none", r.Get("Connection"), r.Get("Upgrade"))
	}

	// A redirect is reported, never followed.
	c = Dial(t, n.WSURL("/moved"), nil)
	if c.Status != 301 || c.OK() || c.Header.Get("Location") == "" {
		t.Errorf("redirect: %s, Location %q", c, c.Header.Get("Location"))
	}
	// A bare proxy_pass drops Upgrade and Connection: coder/websocket refuses.
	c = Dial(t, n.WSURL("/bare"), nil)
	if c.OK() || c.Status < 400 {
		t.Errorf("bare proxy_pass: %s, want a refusal", c)
	}
	if err := c.Echo("x"); err == nil {
		t.Error("Echo on a failed handshake must fail")
	}
	r, _ = echo.Last()
	if r.Status != c.Status || r.Err == "" {
		t.Errorf("backend record %+v does not match the client's %s", r, c)
	}

	n.Stop()
	if !n.Exited() {
		t.Fatal("nginx still running after Stop")
	}
	if conn, err := net.DialTimeout("tcp", n.Addr(), time.Second); err == nil {
		_ = conn.Close()
		t.Fatalf("%s still accepts after Stop", n.Addr())
	}
}

func TestHTTP10Handshake(t *testing.T) {
	Require(t)
	strict, lenient := StartEcho(t), StartEcho(t, AllowHTTP10())
	conf := `
server {
    listen 127.0.0.1:{{PORT}};
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
    location /strict  { proxy_pass http://%s; proxy_http_version 1.0; }
    location /lenient { proxy_pass http://%s; proxy_http_version 1.0; }
}`
	n := Start(t, fmt.Sprintf(conf, strict.Addr, lenient.Addr))
	c := Dial(t, n.WSURL("/strict"), nil)
	if c.Status != 426 || !strings.Contains(c.Body, "HTTP/1.1") {
		t.Errorf("HTTP/1.0 to coder/websocket: %s, want 426", c)
	}
	if r, _ := strict.Last(); r.Proto != "HTTP/1.0" || r.Status != 426 {
		t.Errorf("strict backend saw %+v", r)
	}
	c = Dial(t, n.WSURL("/lenient"), nil)
	if !c.OK() {
		t.Fatalf("HTTP/1.0 to a lenient backend: %s, want 101", c)
	}
	if err := c.Echo("over 1.0"); err != nil {
		t.Fatal(err)
	}
}

func TestCheckOrigin(t *testing.T) {
	Require(t)
	echo := StartEcho(t, CheckOrigin())
	n := Start(t, fmt.Sprintf(canonical, echo.Addr, "1h"))
	c := Dial(t, n.WSURL("/ws"), &DialOptions{Header: map[string][]string{"Origin": {"http://elsewhere.example"}}})
	if c.Status != 403 {
		t.Errorf("foreign Origin: %s, want 403", c)
	}
}

func TestIdleTimeoutCloses(t *testing.T) {
	Require(t)
	echo := StartEcho(t)
	n := Start(t, fmt.Sprintf(canonical, echo.Addr, "300ms"))
	c := Dial(t, n.WSURL("/ws"), nil)
	if !c.OK() {
		t.Fatalf("handshake: %s", c)
	}
	// nginx closes a tunnel silent for proxy_read_timeout; 2s is ample.
	err := c.Idle(2 * time.Second)
	if !IsClosed(err) {
		t.Fatalf("Idle with proxy_read_timeout 300ms = %v, want a close", err)
	}
	if err := c.Echo("after close"); !IsClosed(err) {
		t.Errorf("Echo after the close = %v, want a *ClosedError", err)
	}
}

func TestNginxErrorStatuses(t *testing.T) {
	Require(t)
	echo := StartEcho(t)
	dead := FreePort(t) // nothing listens there
	conf := `
server {
    listen 127.0.0.1:{{PORT}};
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
    location /dead { proxy_pass http://127.0.0.1:%d; }
    location /zero { proxy_pass http://%s; proxy_read_timeout 0; }
}`
	n := Start(t, fmt.Sprintf(conf, dead, echo.Addr))
	if c := Dial(t, n.WSURL("/dead"), nil); c.Status != 502 || c.Err == nil {
		t.Errorf("backend down: %s, want 502", c)
	}
	// proxy_read_timeout 0 is no "infinite": the handshake times out at once.
	if c := Dial(t, n.WSURL("/zero"), nil); c.Status != 504 {
		t.Errorf("proxy_read_timeout 0: %s, want 504", c)
	}
}

// A port another process listens on is not this nginx's: Start must keep
// waiting (and retry on another port) instead of talking to the other process.
func TestListensOnTellsWhoseSocketItIs(t *testing.T) {
	if _, known := listensOn(os.Getpid(), 1); !known {
		t.Skip("no /proc here")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	port := l.Addr().(*net.TCPAddr).Port
	if mine, known := listensOn(os.Getpid(), port); !mine || !known {
		t.Fatalf("listensOn(self, %d) = %v, %v; want true, true", port, mine, known)
	}
	other := exec.Command("sleep", "30")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = other.Process.Kill(); _ = other.Wait() }()
	if mine, known := listensOn(other.Process.Pid, port); mine || !known {
		t.Fatalf("listensOn(sleep, %d) = %v, %v; want false, true", port, mine, known)
	}
}
