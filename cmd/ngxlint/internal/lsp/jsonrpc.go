package lsp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// The JSON-RPC 2.0 layer of the Language Server Protocol: messages framed
// by a Content-Length header on a byte stream. A malformed message is
// answered with an error and skipped; only the end of the stream (or a
// stream that cannot be read) stops the server.

// JSON-RPC and LSP error codes.
const (
	codeParseError           = -32700
	codeInvalidRequest       = -32600
	codeMethodNotFound       = -32601
	codeInvalidParams        = -32602
	codeInternalError        = -32603
	codeServerNotInitialized = -32002
	codeRequestFailed        = -32803
)

// maxHeaderLine bounds one header line; longer ones are malformed.
const maxHeaderLine = 1024

// maxHeaders bounds how many header lines one message has.
const maxHeaders = 32

// rpcError is a JSON-RPC error object.
type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *rpcError) Error() string { return e.Message }

// inMessage is a message from the client: a request (ID and Method), a
// notification (Method only) or a response to a request of ours (ID only).
type inMessage struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

// hasID reports whether the message carries an id (null is none).
func (m *inMessage) hasID() bool { return len(m.ID) > 0 && string(m.ID) != "null" }

// validID reports whether the id is a number or a string, as JSON-RPC
// requires.
func (m *inMessage) validID() bool {
	var v any
	if json.Unmarshal(m.ID, &v) != nil {
		return false
	}
	switch v.(type) {
	case float64, string:
		return true
	}
	return false
}

type response struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  any             `json:"result"`
	Error   *rpcError       `json:"error,omitempty"`
}

// errorResponse omits result, as JSON-RPC requires of an error.
type errorResponse struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Error   *rpcError       `json:"error"`
}

type notification struct {
	JSONRPC string `json:"jsonrpc"`
	Method  string `json:"method"`
	Params  any    `json:"params"`
}

// errFraming is a message whose header could not be read; the stream is
// positioned after it and reading goes on.
type errFraming struct{ msg string }

func (e *errFraming) Error() string { return e.msg }

// reader reads framed messages.
type reader struct {
	r   *bufio.Reader
	max int64 // the largest body read; larger ones are skipped
}

// next returns the body of the next message. An *errFraming is a malformed
// or oversized message, already skipped; any other error ends the stream.
func (rd *reader) next() ([]byte, error) {
	length := int64(-1)
	bad := ""
	for n := 0; ; n++ {
		line, err := rd.line()
		if err != nil {
			return nil, err
		}
		if line == "" {
			if n == 0 {
				continue // a stray line break between messages
			}
			break
		}
		if n >= maxHeaders {
			bad = "too many header lines"
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			bad = fmt.Sprintf("malformed header line %q", clip(line))
			continue
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			v, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
			if err != nil || v < 0 {
				bad = fmt.Sprintf("malformed Content-Length %q", clip(value))
				continue
			}
			length = v
		}
	}
	switch {
	case length < 0 && bad == "":
		bad = "no Content-Length header"
	case length > rd.max:
		if _, err := io.CopyN(io.Discard, rd.r, length); err != nil {
			return nil, err
		}
		return nil, &errFraming{fmt.Sprintf("message of %d bytes skipped: larger than %d bytes", length, rd.max)}
	}
	if bad != "" {
		if length >= 0 && length <= rd.max {
			// the length is known: skip the body, stay in step
			if _, err := io.CopyN(io.Discard, rd.r, length); err != nil {
				return nil, err
			}
		}
		return nil, &errFraming{bad}
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(rd.r, body); err != nil {
		return nil, err
	}
	return body, nil
}

// line reads one header line without its line break ("\r\n", or "\n"
// from lenient clients); a line longer than maxHeaderLine is cut there
// and the rest skipped.
func (rd *reader) line() (string, error) {
	var buf []byte
	for {
		frag, err := rd.r.ReadSlice('\n')
		if len(buf) < maxHeaderLine {
			room := maxHeaderLine - len(buf)
			if len(frag) < room {
				room = len(frag)
			}
			buf = append(buf, frag[:room]...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			return "", err
		}
		break
	}
	return string(bytes.TrimRight(buf, "\r\n")), nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// writer writes framed messages, one at a time.
type writer struct {
	mu sync.Mutex
	w  io.Writer
}

func (wr *writer) write(v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	wr.mu.Lock()
	defer wr.mu.Unlock()
	var hdr [64]byte
	h := strconv.AppendInt(append(hdr[:0], "Content-Length: "...), int64(len(body)), 10)
	h = append(h, "\r\n\r\n"...)
	if _, err := wr.w.Write(append(h, body...)); err != nil {
		return err
	}
	return nil
}

func (wr *writer) reply(id json.RawMessage, result any) error {
	return wr.write(response{JSONRPC: "2.0", ID: id, Result: result})
}

func (wr *writer) replyError(id json.RawMessage, e *rpcError) error {
	if len(id) == 0 {
		id = json.RawMessage("null")
	}
	return wr.write(errorResponse{JSONRPC: "2.0", ID: id, Error: e})
}

func (wr *writer) notify(method string, params any) error {
	return wr.write(notification{JSONRPC: "2.0", Method: method, Params: params})
}
