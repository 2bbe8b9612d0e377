package nginxtest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// Request is one request the echo backend received: what nginx forwarded.
type Request struct {
	Method string
	URI    string // the request target as sent, such as "/ws?x=1"
	Proto  string // "HTTP/1.0" or "HTTP/1.1": what proxy_http_version made of it
	Host   string
	// Header holds every header field received, Host included, with
	// canonical names ("Upgrade", "Connection", "X-Foo").
	Header http.Header
	// Status is what the backend answered: 101 when it accepted a WebSocket
	// handshake, 426 or 400 when it refused one, 200 for a plain request.
	Status int
	// Err says why a handshake was refused.
	Err string
}

// Has reports whether the request carried the header field.
func (r Request) Has(name string) bool { return len(r.Header.Values(name)) > 0 }

// Get returns the header field's values joined with ", ".
func (r Request) Get(name string) string { return strings.Join(r.Header.Values(name), ", ") }

// Echo is a WebSocket echo backend on a free loopback port, built on
// github.com/coder/websocket. A request that attempts a WebSocket handshake
// (it carries Upgrade, Sec-WebSocket-Key, or a Connection with the upgrade
// token) is handed to websocket.Accept, which answers 101 or refuses with
// the library's own status (426 when Connection or Upgrade is missing or the
// request is HTTP/1.0, 400 for a bad key or version). An accepted connection
// echoes every message back. Any other request gets 200 and a short body.
// Every request is recorded, so tests can assert what nginx forwarded.
type Echo struct {
	Addr string // "127.0.0.1:PORT"

	opts  echoOptions
	srv   *http.Server
	mu    sync.Mutex
	reqs  []*Request
	conns map[*websocket.Conn]bool
}

// EchoOption changes how the echo backend judges handshakes.
type EchoOption func(*echoOptions)

type echoOptions struct {
	allowHTTP10 bool
	checkOrigin bool
}

// AllowHTTP10 makes the backend accept a handshake forwarded over HTTP/1.0,
// as gorilla/websocket and Node's ws do. By default it refuses it with 426,
// as coder/websocket, Python websockets and RFC 6455 do; nginx before 1.29.7
// sends HTTP/1.0 unless proxy_http_version 1.1 is set.
func AllowHTTP10() EchoOption { return func(o *echoOptions) { o.allowHTTP10 = true } }

// CheckOrigin makes the backend strict about the origin: a handshake whose
// Origin host differs from the Host it receives is refused with 403, as
// coder/websocket, gorilla/websocket, Jupyter and Grafana do by default. By
// default the backend does not check the origin.
func CheckOrigin() EchoOption { return func(o *echoOptions) { o.checkOrigin = true } }

// StartEcho starts an echo backend until the test ends.
func StartEcho(t testing.TB, opts ...EchoOption) *Echo {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("echo backend: cannot listen on 127.0.0.1: %v", err)
	}
	e := &Echo{Addr: l.Addr().String(), conns: map[*websocket.Conn]bool{}}
	for _, o := range opts {
		o(&e.opts)
	}
	// nginx on loopback sends a request head in one write; a head that never
	// ends is another protocol (fastcgi_pass, memcached_pass to this HTTP
	// backend), which should fail in a second, not hang a test for five.
	e.srv = &http.Server{Handler: http.HandlerFunc(e.serve), ReadHeaderTimeout: time.Second}
	go func() { _ = e.srv.Serve(l) }()
	t.Cleanup(e.close)
	return e
}

// URL returns the http:// URL of path on the backend itself.
func (e *Echo) URL(path string) string { return "http://" + e.Addr + path }

// Requests returns the requests received so far, oldest first. A request is
// recorded, status included, before its response is sent, so once a client
// has its response the request is here.
func (e *Echo) Requests() []Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Request, len(e.reqs))
	for i, r := range e.reqs {
		out[i] = *r
	}
	return out
}

// Last returns the latest request received, and false when there is none.
func (e *Echo) Last() (Request, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.reqs) == 0 {
		return Request{}, false
	}
	return *e.reqs[len(e.reqs)-1], true
}

// Reset forgets the requests received so far.
func (e *Echo) Reset() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.reqs = nil
}

func isHandshake(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" || r.Header.Get("Sec-WebSocket-Key") != "" {
		return true
	}
	for _, v := range r.Header.Values("Connection") {
		for _, tok := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), "upgrade") {
				return true
			}
		}
	}
	return false
}

func (e *Echo) serve(w http.ResponseWriter, r *http.Request) {
	h := r.Header.Clone()
	if r.Host != "" {
		h.Set("Host", r.Host)
	}
	rec := &Request{Method: r.Method, URI: r.RequestURI, Proto: r.Proto, Host: r.Host, Header: h}
	e.mu.Lock()
	e.reqs = append(e.reqs, rec)
	e.mu.Unlock()
	sw := &statusWriter{ResponseWriter: w, e: e, rec: rec}

	if !isHandshake(r) {
		sw.Header().Set("Content-Type", "text/plain; charset=utf-8")
		sw.WriteHeader(http.StatusOK)
		fmt.Fprintf(sw, "echo backend: %s %s %s\n", r.Method, r.RequestURI, r.Proto)
		return
	}
	ar := r
	if e.opts.allowHTTP10 && r.ProtoMajor == 1 && r.ProtoMinor == 0 {
		ar = r.Clone(r.Context())
		ar.Proto, ar.ProtoMinor = "HTTP/1.1", 1
	}
	c, err := websocket.Accept(sw, ar, &websocket.AcceptOptions{InsecureSkipVerify: !e.opts.checkOrigin})
	if err != nil {
		return // the refusal and its reason are recorded by statusWriter
	}
	e.mu.Lock()
	e.conns[c] = true
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		delete(e.conns, c)
		e.mu.Unlock()
		_ = c.CloseNow()
	}()
	ctx := context.Background()
	for {
		typ, msg, err := c.Read(ctx)
		if err != nil {
			return
		}
		if err := c.Write(ctx, typ, msg); err != nil {
			return
		}
	}
}

func (e *Echo) close() {
	_ = e.srv.Close()
	e.mu.Lock()
	conns := make([]*websocket.Conn, 0, len(e.conns))
	for c := range e.conns {
		conns = append(conns, c)
	}
	e.mu.Unlock()
	for _, c := range conns {
		_ = c.CloseNow()
	}
}

// statusWriter records the status in the request record before the response
// leaves, and lets websocket.Accept reach the Hijacker through Unwrap.
type statusWriter struct {
	http.ResponseWriter
	e    *Echo
	rec  *Request
	done bool
	body bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.done {
		s.done = true
		s.e.mu.Lock()
		s.rec.Status = code
		if code >= 400 {
			s.rec.Err = http.StatusText(code)
		}
		s.e.mu.Unlock()
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if !s.done {
		s.WriteHeader(http.StatusOK)
	}
	if s.rec.Status >= 400 && !s.body {
		// websocket.Accept writes its reason as the body of a refusal.
		s.body = true
		s.e.mu.Lock()
		s.rec.Err = strings.TrimSpace(string(b))
		s.e.mu.Unlock()
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
