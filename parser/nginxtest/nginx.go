// Package nginxtest runs a real nginx and real WebSocket handshakes on
// loopback, so tests can check what the model and the rules predict against
// what nginx does.
//
// Everything lives in a t.TempDir(): the configuration, the pid file, the
// logs and every temp path. nginx always runs with -p DIR -c DIR/nginx.conf
// -e DIR/error.log, so /etc/nginx and the distribution's log and state
// directories are never read or written. Servers must listen on loopback
// addresses; Start refuses anything else. Cleanup stops only the nginx this
// package started, by its process id.
//
// A typical test:
//
//	nginxtest.Require(t)
//	echo := nginxtest.StartEcho(t)
//	n := nginxtest.Start(t, `
//	    server {
//	        listen 127.0.0.1:{{PORT}};
//	        location /ws {
//	            proxy_pass http://`+echo.Addr+`;
//	            proxy_http_version 1.1;
//	            proxy_set_header Upgrade $http_upgrade;
//	            proxy_set_header Connection "upgrade";
//	        }
//	    }`)
//	c := nginxtest.Dial(t, n.WSURL("/ws"), nil)
//	if c.Status != 101 { t.Fatalf("handshake: %s", c) }
package nginxtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ngxlint/ngxlint/parser"
)

// Timeouts of the harness. They bound how long a broken test can hang; a
// working nginx answers in milliseconds.
const (
	testTimeout  = 10 * time.Second // one nginx -t run
	readyTimeout = 5 * time.Second  // from exec to an accepting listen port
	stopTimeout  = 5 * time.Second  // from SIGTERM to exit, before SIGKILL
)

// EnvBinary names an environment variable that, when set, is the nginx
// binary to use instead of the one found on PATH or in /usr/sbin (for
// instance a freshly built 1.31).
const EnvBinary = "NGXLINT_NGINX"

// Binary returns the path of the nginx binary: $NGXLINT_NGINX, then nginx on
// PATH, then /usr/sbin/nginx. It returns "" when there is none.
func Binary() string {
	if p := os.Getenv(EnvBinary); p != "" {
		if isExecutable(p) {
			return p
		}
		return ""
	}
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if isExecutable("/usr/sbin/nginx") {
		return "/usr/sbin/nginx"
	}
	return ""
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// Require returns the nginx binary, or skips the test when there is none
// (saying how to install it). When the environment variable CI is "true" a
// missing nginx fails the test instead: CI must not pass by skipping.
func Require(t testing.TB) string {
	t.Helper()
	if p := Binary(); p != "" {
		return p
	}
	msg := "nginx is not installed (looked on PATH and at /usr/sbin/nginx); install it with `sudo apt-get install -y nginx`, or set " + EnvBinary + " to an nginx binary"
	if v := os.Getenv(EnvBinary); v != "" {
		msg = EnvBinary + "=" + v + " is not an executable file"
	}
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
		return ""
	}
	t.Skip(msg)
	return ""
}

var (
	versionRE = regexp.MustCompile(`nginx/(\d+\.\d+\.\d+)`)
	versionMu sync.Mutex
	versions  = map[string]string{} // by binary path
)

// Version returns the version of the nginx binary, such as "1.22.1".
func Version(t testing.TB) string {
	t.Helper()
	bin := Require(t)
	versionMu.Lock()
	defer versionMu.Unlock()
	if v, ok := versions[bin]; ok {
		return v
	}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "-v").CombinedOutput()
	m := versionRE.FindSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("nginx -v: %v: %s", err, out)
	}
	versions[bin] = string(m[1])
	return versions[bin]
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago: the
// kernel picks it, so it is never a fixed port such as 80 or 8080.
func FreePort(t testing.TB) int {
	t.Helper()
	p, err := freePort()
	if err != nil {
		t.Fatalf("no free port on 127.0.0.1: %v", err)
	}
	return p
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Option changes how a configuration is written.
type Option func(*options)

type options struct {
	files map[string]string
}

// WithFile writes an extra file, name relative to the nginx directory, before
// nginx reads the configuration: the target of an include, for instance.
// Relative include paths in nginx.conf resolve against that directory. The
// content may use the {{PORT}} and {{DIR}} placeholders.
func WithFile(name, content string) Option {
	return func(o *options) {
		if o.files == nil {
			o.files = map[string]string{}
		}
		o.files[name] = content
	}
}

// Nginx is a running nginx.
type Nginx struct {
	Dir  string // the prefix directory holding everything nginx reads and writes
	Conf string // the nginx.conf nginx runs, as written (placeholders replaced)
	Port int    // the port {{PORT}} was replaced with, or the first listen port
	// TestOutput is what nginx -t printed before the start.
	TestOutput string

	t      testing.TB
	cmd    *exec.Cmd
	out    *syncBuffer
	exited chan struct{}
	err    error // cmd.Wait's result, valid once exited is closed
	stop   sync.Once
}

// Addr returns "127.0.0.1:PORT".
func (n *Nginx) Addr() string { return "127.0.0.1:" + strconv.Itoa(n.Port) }

// URL returns the http:// URL of path on the nginx port.
func (n *Nginx) URL(path string) string { return "http://" + n.Addr() + path }

// WSURL returns the ws:// URL of path on the nginx port.
func (n *Nginx) WSURL(path string) string { return "ws://" + n.Addr() + path }

// ConfPath returns the path of the nginx.conf nginx runs; parser.Load reads
// it (and its includes) the way nginx did.
func (n *Nginx) ConfPath() string { return filepath.Join(n.Dir, "nginx.conf") }

// ErrorLog returns the content of the error log so far.
func (n *Nginx) ErrorLog() string {
	b, _ := os.ReadFile(filepath.Join(n.Dir, "error.log"))
	return string(b)
}

// Start writes a configuration into a new t.TempDir() and runs nginx on it
// until the test ends. conf is either the body of the http{} block (server,
// map, upstream... blocks) or a whole nginx.conf with an http{} block (a line
// starting with "http {"). Start adds what keeps nginx inside the directory
// (daemon off, worker_processes 1, pid, error_log, access_log and every
// *_temp_path, user root when running as root, an events block) unless a
// whole configuration sets them itself.
//
// The placeholder {{PORT}} is replaced with a free loopback port (retrying
// with another port if someone takes it first) and {{DIR}} with the
// directory. Every server block must listen on a loopback address.
//
// Start runs nginx -t first and fails the test with its output if it fails;
// then it starts nginx, waits until the port accepts connections, and
// registers a cleanup that stops this nginx by its process id.
func Start(t testing.TB, conf string, opts ...Option) *Nginx {
	t.Helper()
	bin := Require(t)
	var o options
	for _, f := range opts {
		f(&o)
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		n := &Nginx{Dir: t.TempDir(), t: t}
		if err := n.write(conf, o); err != nil {
			t.Fatal(err)
		}
		if ok, out := runTest(t, bin, n.Dir); !ok {
			t.Fatalf("nginx -t failed:\n%s\nconfiguration:\n%s", out, numbered(n.Conf))
		} else {
			n.TestOutput = out
		}
		err := n.start(bin)
		if err == nil {
			t.Cleanup(func() {
				n.Stop()
				if t.Failed() {
					t.Logf("nginx error log (%s):\n%s", filepath.Join(n.Dir, "error.log"), tail(n.ErrorLog(), 4000))
				}
			})
			return n
		}
		lastErr = err
		// Another process may have taken the port between FreePort and bind.
		if !strings.Contains(conf, "{{PORT}}") || !strings.Contains(err.Error(), "Address already in use") {
			break
		}
	}
	t.Fatalf("nginx did not start: %v", lastErr)
	return nil
}

// Test writes a configuration the way Start does and runs only nginx -t on
// it. It returns whether nginx accepted it and what nginx printed. Use it for
// configurations that must fail nginx -t. Nothing listens, so {{PORT}} is
// replaced but no server is started.
func Test(t testing.TB, conf string, opts ...Option) (ok bool, output string) {
	t.Helper()
	bin := Require(t)
	var o options
	for _, f := range opts {
		f(&o)
	}
	n := &Nginx{Dir: t.TempDir(), t: t}
	if err := n.write(conf, o); err != nil {
		t.Fatal(err)
	}
	return runTest(t, bin, n.Dir)
}

// args are the command-line arguments that keep nginx inside dir.
func args(dir string) []string {
	return []string{"-p", dir + string(filepath.Separator), "-c", filepath.Join(dir, "nginx.conf"), "-e", filepath.Join(dir, "error.log")}
}

func runTest(t testing.TB, bin, dir string) (bool, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"-t"}, args(dir)...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("nginx -t did not finish in %v", testTimeout)
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("cannot run nginx -t: %v", err)
	}
	return err == nil, string(out)
}

var (
	httpOpenRE = regexp.MustCompile(`(?m)^[ \t]*http[ \t\r\n]*\{`)
	listenRE   = regexp.MustCompile(`(?m)^[ \t]*listen[ \t]+([^;\s]+)`)
)

// write renders the configuration and the extra files into n.Dir.
func (n *Nginx) write(conf string, o options) error {
	if strings.Contains(conf, "{{PORT}}") {
		p, err := freePort()
		if err != nil {
			return fmt.Errorf("no free port on 127.0.0.1: %w", err)
		}
		n.Port = p
	}
	subst := func(s string) string {
		s = strings.ReplaceAll(s, "{{PORT}}", strconv.Itoa(n.Port))
		return strings.ReplaceAll(s, "{{DIR}}", n.Dir)
	}
	for name, content := range o.files {
		if filepath.IsAbs(name) || strings.HasPrefix(filepath.Clean(name), "..") {
			return fmt.Errorf("WithFile(%q): the name must be relative and stay inside the nginx directory", name)
		}
		p := filepath.Join(n.Dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(subst(content)), 0o644); err != nil {
			return err
		}
	}
	n.Conf = wrap(subst(conf), n.Dir)
	if n.Port == 0 {
		if m := listenRE.FindStringSubmatch(n.Conf); m != nil {
			if _, p, err := net.SplitHostPort(m[1]); err == nil {
				n.Port, _ = strconv.Atoi(p)
			}
		}
	}
	return os.WriteFile(n.ConfPath(), []byte(n.Conf), 0o644)
}

// wrap makes a whole nginx.conf that keeps nginx inside dir.
func wrap(conf, dir string) string {
	q := func(p string) string { return parser.Quote(filepath.Join(dir, p)) }
	httpDirs := []struct{ name, line string }{
		{"access_log", "access_log " + q("access.log") + ";"},
		{"client_body_temp_path", "client_body_temp_path " + q("client_body_temp") + ";"},
		{"proxy_temp_path", "proxy_temp_path " + q("proxy_temp") + ";"},
		{"fastcgi_temp_path", "fastcgi_temp_path " + q("fastcgi_temp") + ";"},
		{"uwsgi_temp_path", "uwsgi_temp_path " + q("uwsgi_temp") + ";"},
		{"scgi_temp_path", "scgi_temp_path " + q("scgi_temp") + ";"},
	}
	var b strings.Builder
	b.WriteString("# written by ngxlint's parser/nginxtest\n")
	loc := httpOpenRE.FindStringIndex(conf)
	if loc == nil {
		b.WriteString("daemon off;\nworker_processes 1;\n")
		b.WriteString("pid " + q("nginx.pid") + ";\n")
		b.WriteString("error_log " + q("error.log") + " info;\n")
		if os.Geteuid() == 0 {
			b.WriteString("user root;\n")
		}
		b.WriteString("events { worker_connections 256; }\n\nhttp {\n")
		for _, d := range httpDirs {
			b.WriteString("    " + d.line + "\n")
		}
		b.WriteString("\n" + conf + "\n}\n")
		return b.String()
	}
	has := func(name string) bool {
		return regexp.MustCompile(`(?m)^[ \t]*` + name + `[ \t\r\n;]`).MatchString(conf)
	}
	main := []struct{ name, line string }{
		{"daemon", "daemon off;"},
		{"worker_processes", "worker_processes 1;"},
		{"pid", "pid " + q("nginx.pid") + ";"},
		{"error_log", "error_log " + q("error.log") + " info;"},
	}
	if os.Geteuid() == 0 {
		main = append(main, struct{ name, line string }{"user", "user root;"})
	}
	for _, d := range main {
		if !has(d.name) {
			b.WriteString(d.line + "\n")
		}
	}
	if !has("events") {
		b.WriteString("events { worker_connections 256; }\n")
	}
	b.WriteString(conf[:loc[1]] + "\n")
	for _, d := range httpDirs {
		if !has(d.name) {
			b.WriteString("    " + d.line + "\n")
		}
	}
	b.WriteString(conf[loc[1]:])
	return b.String()
}

// checkLoopback refuses a configuration with a server that would listen
// beyond loopback, or on nginx's default port 80 (a server without listen).
func checkLoopback(conf string) error {
	f, serr := parser.Parse("nginx.conf", []byte(conf))
	if serr != nil {
		return fmt.Errorf("the configuration does not parse: %w", serr)
	}
	return checkLoopbackTop(f.Top)
}

// checkLoopbackDir checks the nginx.conf written in dir with the files it
// includes, as nginx reads them.
func checkLoopbackDir(dir string) error {
	units, err := parser.Load([]string{filepath.Join(dir, "nginx.conf")}, parser.Options{Prefix: dir, Cwd: dir})
	if err != nil {
		return err
	}
	if len(units) != 1 || units[0].Root.Top == nil {
		return errors.New("the configuration does not parse")
	}
	return checkLoopbackTop(units[0].Root.Top)
}

func checkLoopbackTop(top []*parser.Directive) error {
	var bad []string
	var walk func(ds []*parser.Directive, inHTTP bool)
	walk = func(ds []*parser.Directive, inHTTP bool) {
		for _, d := range expand(ds) {
			if d.Block == nil {
				continue
			}
			if d.Name == "server" && inHTTP {
				listens := 0
				for _, c := range expand(d.Block.Directives) {
					if c.Name != "listen" {
						continue
					}
					listens++
					if !loopbackListen(c.Arg(0)) {
						bad = append(bad, fmt.Sprintf("listen %s", c.Arg(0)))
					}
				}
				if listens == 0 {
					bad = append(bad, "a server block without listen (nginx would bind *:80)")
				}
				continue
			}
			walk(d.Block.Directives, inHTTP || d.Name == "http")
		}
	}
	walk(top, false)
	if len(bad) > 0 {
		return fmt.Errorf("servers must listen on 127.0.0.1 or [::1] only, with a port: %s", strings.Join(bad, "; "))
	}
	return nil
}

func loopbackListen(a string) bool {
	host, port, err := net.SplitHostPort(a)
	if err != nil || port == "" || port == "0" {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// start runs nginx in the foreground and waits until its port accepts.
func (n *Nginx) start(bin string) error {
	if err := checkLoopbackDir(n.Dir); err != nil {
		return err
	}
	if n.Port == 0 {
		return errors.New("no listen port to wait for: use listen 127.0.0.1:{{PORT}}")
	}
	n.out = &syncBuffer{}
	n.cmd = exec.Command(bin, args(n.Dir)...)
	n.cmd.Dir = n.Dir
	n.cmd.Stdout, n.cmd.Stderr = n.out, n.out
	// Its own process group: the worker nginx forks joins it, so a last-resort
	// SIGKILL to the group reaches this nginx and nothing else. Pdeathsig stops
	// the master if the test binary dies without running cleanups.
	n.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := n.cmd.Start(); err != nil {
		return err
	}
	n.exited = make(chan struct{})
	go func() {
		n.err = n.cmd.Wait()
		close(n.exited)
	}()
	deadline := time.Now().Add(readyTimeout)
	for {
		select {
		case <-n.exited:
			why := "exit status 0"
			if n.err != nil {
				why = n.err.Error()
			}
			return fmt.Errorf("nginx exited at start (%s): %s%s", why, n.out.String(), tail(n.ErrorLog(), 2000))
		default:
		}
		c, err := net.DialTimeout("tcp", n.Addr(), 200*time.Millisecond)
		if err == nil {
			_ = c.Close()
			// On a shared machine another process may have taken the port
			// between FreePort and nginx's bind: nginx then retries bind for
			// a while before it exits, and the dial above reached the other
			// process. Ready means this nginx holds the listening socket.
			if mine, known := listensOn(n.cmd.Process.Pid, n.Port); mine || !known {
				return nil
			}
		}
		if time.Now().After(deadline) {
			n.Stop()
			return fmt.Errorf("nginx did not accept on %s within %v: %s%s", n.Addr(), readyTimeout, n.out.String(), tail(n.ErrorLog(), 2000))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Stop stops this nginx: SIGTERM to its master process (nginx's fast
// shutdown, which does not wait for open WebSocket connections), then waits;
// if it has not exited after a few seconds, SIGKILL to its process group.
// Start registers Stop as a cleanup; calling it earlier is fine.
func (n *Nginx) Stop() {
	n.stop.Do(func() {
		if n.cmd == nil || n.cmd.Process == nil {
			return
		}
		pid := n.cmd.Process.Pid
		select {
		case <-n.exited:
			return
		default:
		}
		_ = n.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-n.exited:
		case <-time.After(stopTimeout):
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			<-n.exited
		}
	})
}

// Exited reports whether nginx has exited (it should not before Stop).
func (n *Nginx) Exited() bool {
	select {
	case <-n.exited:
		return true
	default:
		return false
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

func numbered(s string) string {
	lines := strings.Split(s, "\n")
	var b strings.Builder
	for i, l := range lines {
		fmt.Fprintf(&b, "%4d  %s\n", i+1, l)
	}
	return b.String()
}

// listensOn reports whether process pid holds the socket listening on
// 127.0.0.1:port, from /proc/net/tcp and /proc/PID/fd. known is false where
// /proc cannot tell (another system, no permission).
func listensOn(pid, port int) (mine, known bool) {
	table, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		return false, false
	}
	local := fmt.Sprintf("0100007F:%04X", port)
	inode := ""
	for _, line := range strings.Split(string(table), "\n") {
		f := strings.Fields(line)
		// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
		if len(f) > 9 && f[1] == local && f[3] == "0A" {
			inode = f[9]
			break
		}
	}
	if inode == "" {
		return false, true
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return false, false
	}
	want := "socket:[" + inode + "]"
	for _, fd := range fds {
		if target, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name())); err == nil && target == want {
			return true, true
		}
	}
	return false, true
}
