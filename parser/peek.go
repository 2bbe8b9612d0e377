package parser

import (
	"errors"
	"io"
)

// peeked is a file peekDump read whole: its bytes and the stamp of the
// opened file.
type peeked struct {
	path  string
	src   []byte
	stamp FileStamp
}

// takePeeked returns the file peekDump read whole by path, once.
func (l *loader) takePeeked(path string) *peeked {
	pk := l.peek
	if pk == nil || pk.path != path {
		return nil
	}
	l.peek = nil
	return pk
}

// read is readConfigFile for a file already read: the same refusals, in
// the same order, for the same file (real is its real path).
func (pk *peeked) read(real string, b *Budget) ([]byte, FileStamp, error) {
	if err := refuseSystem(real); err != nil {
		return nil, FileStamp{}, err
	}
	if err := b.admit(max(pk.stamp.Size, int64(len(pk.src)))); err != nil {
		return nil, FileStamp{}, err
	}
	return pk.src, pk.stamp, nil
}

// readHead reads at most limit bytes of the file at path; whole says the
// file is a regular one and head is all of it (it ended within limit
// bytes). Errors leave head short or empty: the caller only looks.
func readHead(path string, limit int) (head []byte, stamp FileStamp, whole bool) {
	f, err := openPlain(path)
	if err != nil {
		return nil, FileStamp{}, false
	}
	defer func() { _ = f.Close() }()
	st, err := f.Stat()
	if err != nil {
		return nil, FileStamp{}, false
	}
	size := int(min(max(st.Size(), 0), int64(limit)))
	buf := make([]byte, 0, size+1) // +1: the end is seen without growing
	for len(buf) < limit {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):min(cap(buf), limit)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, FileStamp{Size: st.Size(), ModTime: st.ModTime(), Nlink: nlink(st)}, st.Mode().IsRegular() && int64(len(buf)) == st.Size()
		}
		if err != nil {
			return buf, FileStamp{}, false
		}
	}
	return buf, FileStamp{}, false
}
