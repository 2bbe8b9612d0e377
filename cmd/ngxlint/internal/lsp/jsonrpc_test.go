package lsp

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReader(t *testing.T) {
	long := strings.Repeat("x", 5000)
	in := "content-length: 2\r\n\r\n{}" + // header names are case-insensitive
		"Content-Length: 20\r\n\r\n" + strings.Repeat(" ", 20) + // over the bound: skipped unread
		"X-" + long + ": y\r\nContent-Length: 3\r\n\r\n[1]" + // a header name too long: malformed, its body skipped
		"Content-Length: nine\r\n\r\n" + // malformed length
		"\nContent-Length: 4\n\nnull" + // bare LF line ends
		"Content-Length: 10\r\n\r\n{}" // cut off: the end of the stream
	rd := &reader{r: bufio.NewReaderSize(strings.NewReader(in), 64), max: 10}
	want := []string{"{}", "!", "!", "!", "null"}
	for i, w := range want {
		body, err := rd.next()
		var fe *errFraming
		switch {
		case w == "!" && !errors.As(err, &fe):
			t.Fatalf("message %d: want a framing error, got %q, %v", i, body, err)
		case w != "!" && (err != nil || string(body) != w):
			t.Fatalf("message %d: want %q, got %q, %v", i, w, body, err)
		}
	}
	if _, err := rd.next(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("a message cut off: want unexpected EOF, got %v", err)
	}
}
