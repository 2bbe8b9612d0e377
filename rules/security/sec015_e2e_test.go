package security_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ngxlint/ngxlint/parser/nginxtest"
	"github.com/ngxlint/ngxlint/rules"
)

// SEC015's proofs: requests in flight to a backend that never answers hold
// their connections and descriptors, and the next client is left without
// an answer on the bad configuration only.
func init() {
	proofs = append(proofs,
		proof{
			name: "worker_rlimit_nofile below worker_connections", rule: "SEC015", sev: rules.Warning,
			bad:  workerConf("worker_rlimit_nofile 32;", "worker_connections 512;"),
			good: workerConf("worker_rlimit_nofile 1024;", "worker_connections 512;"),
			attack: func(t *testing.T, e env) (bool, string) {
				return starved(t, e, 20, "Too many open files")
			},
		},
		proof{
			name: "worker_connections too small for a proxy", rule: "SEC015", sev: rules.Info,
			bad:  workerConf("", "worker_connections 16;"),
			good: workerConf("", "worker_connections 512;"),
			attack: func(t *testing.T, e env) (bool, string) {
				return starved(t, e, 10, "worker_connections are not enough")
			},
		},
	)
}

func workerConf(main, events string) string {
	return main + `
events { ` + events + ` }
http {
    server {
        listen 127.0.0.1:{{PORT}};
        location /hold/ { proxy_pass http://{{HOLD}}; }
        location = /ok { return 200 "ok"; }
    }
}`
}

// starved puts n proxied requests in flight (each holds a client
// connection and one to the backend), then asks for /ok, which nginx
// answers itself. The effect shows when that request gets no answer and
// nginx's error log says why (logged).
func starved(t *testing.T, e env, n int, logged string) (bool, string) {
	for i := 0; i < n; i++ {
		c, err := net.DialTimeout("tcp", e.n.Addr(), 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		if _, err := fmt.Fprintf(c, "GET /hold/%d HTTP/1.1\r\nHost: x\r\n\r\n", i); err != nil {
			t.Fatal(err)
		}
	}
	e.hold.wait(n, 2*time.Second)
	ok, seen := answered(e.n.Addr(), "/ok")
	inLog := strings.Contains(e.n.ErrorLog(), logged)
	return !ok && inLog, fmt.Sprintf("%d of %d requests reached the backend; /ok: %s; %q in the error log: %v", e.hold.count(), n, seen, logged, inLog)
}

// answered reports whether a GET of path gets a 200 within two seconds.
func answered(addr, path string) (bool, string) {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return false, err.Error()
	}
	defer func() { _ = c.Close() }()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); err != nil {
		return false, err.Error()
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return false, "no answer: " + err.Error()
	}
	return strings.HasPrefix(line, "HTTP/1.1 200"), strings.TrimSpace(line)
}

// holdBackend accepts connections and never answers, until the test ends.
type holdBackend struct {
	addr  string
	mu    sync.Mutex
	conns []net.Conn
}

func startHold(t *testing.T) *holdBackend {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &holdBackend{addr: l.Addr().String()}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			b.mu.Lock()
			b.conns = append(b.conns, c)
			b.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		<-done
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, c := range b.conns {
			_ = c.Close()
		}
	})
	return b
}

func (b *holdBackend) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.conns)
}

// wait waits until n connections arrived, or d passed.
func (b *holdBackend) wait(n int, d time.Duration) {
	for end := time.Now().Add(d); b.count() < n && time.Now().Before(end); {
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSEC015NginxWarns shows the warning SEC015 quotes: started with an
// open-files limit below worker_connections (100 here), nginx -t warns
// when worker_rlimit_nofile does not raise it that far, and says nothing
// when it does. SEC015 agrees on both.
func TestSEC015NginxWarns(t *testing.T) {
	bin := nginxtest.Require(t)
	for _, c := range []struct {
		rlimit string
		bad    bool
	}{{"64", true}, {"256", false}} {
		t.Run("worker_rlimit_nofile "+c.rlimit, func(t *testing.T) {
			dir := t.TempDir()
			conf := filepath.Join(dir, "nginx.conf")
			q := func(p string) string { return filepath.Join(dir, p) }
			src := "pid " + q("nginx.pid") + ";\nerror_log stderr warn;\nworker_rlimit_nofile " + c.rlimit + ";\n" +
				"events { worker_connections 128; }\nhttp {\n    access_log off;\n" +
				"    client_body_temp_path " + q("cb") + ";\n    proxy_temp_path " + q("pt") + ";\n" +
				"    fastcgi_temp_path " + q("ft") + ";\n    uwsgi_temp_path " + q("ut") + ";\n    scgi_temp_path " + q("st") + ";\n" +
				fmt.Sprintf("    server {\n        listen 127.0.0.1:%d;\n        location / { proxy_pass http://127.0.0.1:9; }\n    }\n}\n", nginxtest.FreePort(t))
			if err := os.WriteFile(conf, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, "sh", "-c", `ulimit -n 100 && exec "$0" "$@"`, bin,
				"-t", "-p", dir+string(filepath.Separator), "-c", conf, "-e", q("error.log"))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("nginx -t: %v\n%s", err, out)
			}
			want := "128 worker_connections exceed open file resource limit: " + c.rlimit
			if warned := strings.Contains(string(out), want); warned != c.bad {
				t.Errorf("nginx -t warns %q: %v, want %v\n%s", want, warned, c.bad, out)
			}
			var found []string
			for _, f := range lintConf(t, conf) {
				if f.Rule.ID == "SEC015" && f.Severity >= rules.Warning {
					found = append(found, f.Message)
					if !strings.Contains(f.Message, `"128 worker_connections exceed open file resource limit: `+c.rlimit+`"`) {
						t.Errorf("SEC015 does not quote nginx's warning: %s", f.Message)
					}
				}
			}
			if (len(found) > 0) != c.bad {
				t.Errorf("SEC015 warnings %q, want some: %v", found, c.bad)
			}
		})
	}
}
