package nginxtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// ioTimeout bounds a handshake, a plain request, and the wait for an echo.
const ioTimeout = 5 * time.Second

// newHTTPClient returns a client of its own transport that never follows
// redirects (a browser's WebSocket never does either) and never uses a proxy
// from the environment. Keep-alive stays on so the client adds no
// "Connection: close" of its own to the headers a test sends; callers close
// the transport's idle connections when done.
func newHTTPClient() (*http.Client, *http.Transport) {
	tr := &http.Transport{Proxy: nil}
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
		Timeout: ioTimeout,
	}, tr
}

// Response is the answer to a plain request.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// Get sends a plain GET to url without following redirects and returns the
// response with its body. The header fields are sent as given (a "Host"
// field sets the Host sent); the client adds no Connection field of its
// own. The test fails when no response comes back.
func Get(t testing.TB, url string, header http.Header) Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	for k, vs := range header {
		if http.CanonicalHeaderKey(k) == "Host" {
			req.Host = vs[0]
			continue
		}
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	client, tr := newHTTPClient()
	defer tr.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		t.Fatalf("GET %s: reading the body: %v", url, err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: string(body)}
}

// DialOptions change a handshake. The zero value (or nil) is a plain
// handshake like a browser's, without Origin.
type DialOptions struct {
	// Header holds extra request fields (Origin, Cookie...). Upgrade,
	// Connection and Sec-WebSocket-* are always set by the client; a "Host"
	// field sets the Host sent.
	Header       http.Header
	Subprotocols []string
}

// Conn is the outcome of a WebSocket handshake and, when it succeeded, the
// open connection.
type Conn struct {
	URL string
	// Status is the status of the handshake response: 101 on success, else
	// what came back (400, 403, 426, 301, 502, 504...). It is 0 when no
	// response came back at all.
	Status int
	Header http.Header // the response header fields
	Body   string      // the start of the response body, when the handshake failed
	Err    error       // why the handshake failed; nil on success

	ws      *websocket.Conn
	in      chan message
	done    chan struct{}
	closeMu sync.Once
	dead    error // set once the connection is seen closed
}

type message struct {
	typ  websocket.MessageType
	data []byte
	err  error
	at   time.Time
}

// OK reports whether the handshake succeeded.
func (c *Conn) OK() bool { return c.Err == nil && c.Status == http.StatusSwitchingProtocols }

// String describes the outcome for failure messages.
func (c *Conn) String() string {
	if c.OK() {
		return "101 Switching Protocols"
	}
	s := fmt.Sprintf("status %d: %v", c.Status, c.Err)
	if b := strings.TrimSpace(c.Body); b != "" {
		s += fmt.Sprintf(" (body %q)", tail(b, 300))
	}
	return s
}

// Dial performs a WebSocket handshake with url (ws:// or http://) and
// returns its outcome; it does not fail the test when the handshake fails,
// so tests can assert on the status. Redirects are not followed. An open
// connection is closed when the test ends.
func Dial(t testing.TB, url string, opt *DialOptions) *Conn {
	t.Helper()
	if opt == nil {
		opt = &DialOptions{}
	}
	client, tr := newHTTPClient()
	defer tr.CloseIdleConnections()
	do := &websocket.DialOptions{HTTPClient: client, HTTPHeader: http.Header{}, Subprotocols: opt.Subprotocols}
	for k, vs := range opt.Header {
		if http.CanonicalHeaderKey(k) == "Host" {
			do.Host = vs[0]
			continue
		}
		for _, v := range vs {
			do.HTTPHeader.Add(k, v)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	ws, resp, err := websocket.Dial(ctx, url, do)
	c := &Conn{URL: url, Err: err}
	if resp != nil {
		c.Status, c.Header = resp.StatusCode, resp.Header
		if resp.Body != nil {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
			c.Body = string(b)
			_ = resp.Body.Close()
		}
	}
	if err != nil {
		if ws != nil {
			_ = ws.CloseNow()
		}
		return c
	}
	c.ws = ws
	c.in = make(chan message, 16)
	c.done = make(chan struct{})
	go c.readLoop()
	t.Cleanup(c.Close)
	return c
}

// readLoop keeps reading so control frames are answered and a close is
// seen as soon as it happens.
func (c *Conn) readLoop() {
	for {
		typ, data, err := c.ws.Read(context.Background())
		select {
		case c.in <- message{typ: typ, data: data, err: err, at: time.Now()}:
		case <-c.done:
			return
		}
		if err != nil {
			return
		}
	}
}

// next waits up to d for the next message or the close of the connection.
func (c *Conn) next(d time.Duration) (message, bool) {
	if c.dead != nil {
		return message{err: c.dead}, true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case m := <-c.in:
		if m.err != nil {
			c.dead = m.err
		}
		return m, true
	case <-timer.C:
		return message{}, false
	}
}

// ClosedError says the connection was closed: by nginx (a timeout), by the
// backend, or by the network.
type ClosedError struct {
	After time.Duration // how long after the start of the wait it was seen; 0 if it was closed before
	Err   error         // what the read returned
}

func (e *ClosedError) Error() string {
	code := websocket.CloseStatus(e.Err)
	how := "without a close frame (a browser sees 1006)"
	if code != -1 {
		how = fmt.Sprintf("with close code %d", code)
	}
	if e.After > 0 {
		return fmt.Sprintf("the connection was closed %s after %v: %v", how, e.After.Round(10*time.Millisecond), e.Err)
	}
	return fmt.Sprintf("the connection was closed %s: %v", how, e.Err)
}

// Echo sends msg as a text message and waits for the same text back. It
// returns a *ClosedError when the connection is closed, or another error.
func (c *Conn) Echo(msg string) error {
	if c.ws == nil {
		return fmt.Errorf("no WebSocket connection: the handshake failed (%s)", c)
	}
	if c.dead != nil {
		return &ClosedError{Err: c.dead}
	}
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		return fmt.Errorf("sending %q: %w", msg, err)
	}
	m, ok := c.next(ioTimeout)
	switch {
	case !ok:
		return fmt.Errorf("no echo of %q within %v", msg, ioTimeout)
	case m.err != nil:
		return &ClosedError{Err: m.err}
	case m.typ != websocket.MessageText || string(m.data) != msg:
		return fmt.Errorf("sent %q, got %v message %q", msg, m.typ, m.data)
	}
	return nil
}

// Idle sends nothing for d, then checks with an echo that the connection is
// still open. It returns nil when it is, a *ClosedError when the connection
// was closed during the wait (or is closed now), or another error.
func (c *Conn) Idle(d time.Duration) error {
	if c.ws == nil {
		return fmt.Errorf("no WebSocket connection: the handshake failed (%s)", c)
	}
	start := time.Now()
	if m, ok := c.next(d); ok {
		if m.err != nil {
			return &ClosedError{After: m.at.Sub(start), Err: m.err}
		}
		return fmt.Errorf("unexpected %v message %q while idle", m.typ, m.data)
	}
	return c.Echo("still open after idling")
}

// Close closes the connection at once (no close handshake). Dial registers it
// as a cleanup; calling it earlier is fine.
func (c *Conn) Close() {
	if c.ws == nil {
		return
	}
	c.closeMu.Do(func() {
		close(c.done)
		_ = c.ws.CloseNow()
	})
}

// IsClosed reports whether err says the connection was closed.
func IsClosed(err error) bool {
	var ce *ClosedError
	return errors.As(err, &ce)
}
