package nginxtest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Recorder is a second loopback backend for proofs that nginx sent a
// request somewhere it should not (SSRF): it accepts any TCP connection,
// records the bytes of the request head it receives (whatever the protocol:
// HTTP from proxy_pass, binary from fastcgi_pass), and answers an HTTP/1.0
// 200 with the body "recorder" before closing. It never interprets what it
// reads, so a test can show exactly what nginx forwarded, CR/LF included.
type Recorder struct {
	Addr string // "127.0.0.1:PORT"

	l    net.Listener
	mu   sync.Mutex
	reqs [][]byte
	wg   sync.WaitGroup
}

// StartRecorder starts a recorder on a free loopback port until the test
// ends.
func StartRecorder(t testing.TB) *Recorder {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("recorder: cannot listen on 127.0.0.1: %v", err)
	}
	r := &Recorder{Addr: l.Addr().String(), l: l}
	r.wg.Add(1)
	go r.serve()
	t.Cleanup(r.close)
	return r
}

// Port returns the recorder's port.
func (r *Recorder) Port() int {
	_, p, _ := net.SplitHostPort(r.Addr)
	n, _ := strconv.Atoi(p)
	return n
}

func (r *Recorder) serve() {
	defer r.wg.Done()
	for {
		c, err := r.l.Accept()
		if err != nil {
			return
		}
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			r.handle(c)
		}()
	}
}

// handle reads until the end of an HTTP head, or for at most a second
// (another protocol), records it and answers.
func (r *Recorder) handle(c net.Conn) {
	defer func() { _ = c.Close() }()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	var buf bytes.Buffer
	tmp := make([]byte, 4096)
	_ = c.SetReadDeadline(time.Now().Add(time.Second))
	for buf.Len() < 64<<10 {
		n, err := c.Read(tmp)
		buf.Write(tmp[:n])
		if bytes.Contains(buf.Bytes(), []byte("\r\n\r\n")) || err != nil {
			break
		}
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, append([]byte(nil), buf.Bytes()...))
	r.mu.Unlock()
	_, _ = io.WriteString(c, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8\r\nConnection: close\r\n\r\nrecorder")
}

// Requests returns the raw request heads received so far, oldest first.
func (r *Recorder) Requests() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.reqs...)
}

// Count returns how many connections delivered a request.
func (r *Recorder) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

func (r *Recorder) close() {
	_ = r.l.Close()
	r.wg.Wait()
}

// RawResponse is a response read byte for byte: the status line and the
// header lines exactly as nginx wrote them, so a test can see a header
// split by an injected line feed or a header that is missing.
type RawResponse struct {
	Status     int
	StatusLine string
	// Lines are the header lines, without their line endings, in order.
	Lines []string
	// Head is the whole head as received, up to the empty line.
	Head string
	Body string
	Err  error
}

// Header returns the values of the header lines named name (compared
// ignoring case), as written after the colon with spaces trimmed.
func (r RawResponse) Header(name string) []string {
	var out []string
	for _, l := range r.Lines {
		k, v, ok := strings.Cut(l, ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), name) {
			out = append(out, strings.TrimSpace(v))
		}
	}
	return out
}

// Has reports whether a header line named name is there.
func (r RawResponse) Has(name string) bool { return len(r.Header(name)) > 0 }

func (r RawResponse) String() string {
	if r.Err != nil {
		return "error: " + r.Err.Error()
	}
	return fmt.Sprintf("%q", r.Head)
}

// RawGet sends "GET target HTTP/1.1" to addr with the request target
// exactly as given (no normalisation: "/files../etc/passwd" and "%0d%0a"
// reach nginx unchanged), a Host header (host, or addr when empty) and
// "Connection: close", plus extra header lines, and reads the response raw.
func RawGet(t testing.TB, addr, target, host string, extra ...string) RawResponse {
	t.Helper()
	if host == "" {
		host = addr
	}
	var b strings.Builder
	b.WriteString("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n")
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("Connection: close\r\n\r\n")
	return RawRequest(t, addr, b.String())
}

// RawRequest writes req to addr as is and reads the response raw (at most
// 1 MiB, for at most 5 seconds).
func RawRequest(t testing.TB, addr, req string) RawResponse {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return RawResponse{Err: err}
	}
	defer func() { _ = c.Close() }()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		return RawResponse{Err: err}
	}
	all, err := io.ReadAll(io.LimitReader(bufio.NewReader(c), 1<<20))
	if err != nil && len(all) == 0 {
		return RawResponse{Err: err}
	}
	return parseRaw(string(all))
}

func parseRaw(s string) RawResponse {
	var r RawResponse
	head, body, ok := strings.Cut(s, "\r\n\r\n")
	if !ok {
		r.Err = fmt.Errorf("no end of the response head in %q", tail(s, 200))
		r.Head = s
		return r
	}
	r.Head, r.Body = head, body
	lines := strings.Split(head, "\r\n")
	r.StatusLine = lines[0]
	if f := strings.Fields(lines[0]); len(f) >= 2 {
		r.Status, _ = strconv.Atoi(f[1])
	}
	// A bare LF inside a CRLF-terminated line is a split too: clients
	// read it as a line end.
	for _, l := range lines[1:] {
		r.Lines = append(r.Lines, strings.Split(l, "\n")...)
	}
	return r
}
