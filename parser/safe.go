package parser

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Limits bound what one run reads. A configuration under review may be
// written by anyone (a pull request), so every read is bounded: a file the
// size of a disk, /dev/zero or an include bomb stops with a message, never
// with the memory of the machine.
type Limits struct {
	// MaxFileSize is the largest file read, in bytes.
	MaxFileSize int64
	// MaxTotalSize is the most bytes read in one run, over every file.
	MaxTotalSize int64
	// MaxFiles is the most files one configuration reads, counting a file
	// each time an include reads it (as nginx does), and the most distinct
	// files one run reads.
	MaxFiles int
}

// DefaultLimits are the limits when none are set: far above any real
// configuration (the largest we know of are geo and map tables of a few
// MiB), far below what would exhaust a CI runner.
var DefaultLimits = Limits{MaxFileSize: 16 << 20, MaxTotalSize: 128 << 20, MaxFiles: 100000}

func (l Limits) orDefault() Limits {
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = DefaultLimits.MaxFileSize
	}
	l.MaxFileSize = min(l.MaxFileSize, MaxParseSize) // see MaxParseSize
	if l.MaxTotalSize <= 0 {
		l.MaxTotalSize = DefaultLimits.MaxTotalSize
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = DefaultLimits.MaxFiles
	}
	return l
}

// Budget counts what a run has read against its Limits. It is safe for
// concurrent use; the zero value is not usable, use NewBudget.
type Budget struct {
	lim   Limits
	mu    sync.Mutex
	bytes int64
	files int
}

// NewBudget starts counting a run's reads; zero limits take DefaultLimits.
func NewBudget(l Limits) *Budget { return &Budget{lim: l.orDefault()} }

// Limits returns the limits in force.
func (b *Budget) Limits() Limits { return b.lim }

func (b *Budget) charge(n int64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.files+1 > b.lim.MaxFiles {
		return &ReadError{Kind: ReadTooMany, Msg: fmt.Sprintf("more than %d files read in one run (--max-files)", b.lim.MaxFiles)}
	}
	if b.bytes+n > b.lim.MaxTotalSize {
		return &ReadError{Kind: ReadOverBudget, Msg: fmt.Sprintf("reading it would pass the %s read in one run (--max-total-size)", FormatSize(b.lim.MaxTotalSize))}
	}
	b.files++
	b.bytes += n
	return nil
}

// ReadErrorKind says why a file was not read.
type ReadErrorKind int

// The reasons ReadConfigFile refuses a file.
const (
	ReadNotRegular   ReadErrorKind = iota // a device, FIFO, socket or directory
	ReadSystem                            // under /proc, /dev or /sys
	ReadTooLarge                          // over Limits.MaxFileSize
	ReadOverBudget                        // over Limits.MaxTotalSize for the run
	ReadTooMany                           // over Limits.MaxFiles for the run
	ReadOutsideRoots                      // outside the configuration's roots
)

// ReadError is a file ReadConfigFile refused, and why. Msg never holds any
// of the file's content.
type ReadError struct {
	Kind ReadErrorKind
	Msg  string
}

func (e *ReadError) Error() string { return e.Msg }

// FileStamp is what a file was when it was read: enough to notice that it
// changed before writing over it.
type FileStamp struct {
	Size    int64
	ModTime time.Time
	Nlink   uint64 // hard links; 0 where unknown
}

// systemDirs hold files that are not configuration and may never end: no
// file under them is read, whatever the roots.
var systemDirs = []string{"/proc", "/dev", "/sys"}

func underSystemDir(p string) bool {
	for _, d := range systemDirs {
		if p == d || strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}

// describeMode names a file type for messages.
func describeMode(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return "not a regular file"
}

// ReadConfigFile is the one way configuration files are read: every path
// the loader reads (named, found in a directory, included, read beside a
// fragment) goes through it. It reads only a regular file (after following
// symbolic links), never one under /proc, /dev or /sys, at most
// MaxFileSize bytes of it, charged to b. The file is opened without
// blocking, so a FIFO that appears between the check and the open cannot
// hang the run, and the opened file is checked again, so what is read is
// what was checked. Refusals are *ReadError; their messages never quote
// the file.
func ReadConfigFile(path string, b *Budget) ([]byte, FileStamp, error) {
	if b == nil {
		b = NewBudget(Limits{})
	}
	real := path
	if abs, err := filepath.Abs(path); err == nil {
		real = abs
	}
	if r, err := filepath.EvalSymlinks(real); err == nil {
		real = r
	}
	return readConfigFile(path, real, false, b)
}

// readConfigFile is ReadConfigFile for a path whose real path (absolute,
// links resolved where they resolve) the caller knows; regular says that
// a lookup just made found a regular file there, so no stat is needed
// before opening it (the opened file is checked anyway).
func readConfigFile(path, real string, regular bool, b *Budget) ([]byte, FileStamp, error) {
	if err := refuseSystem(real); err != nil {
		return nil, FileStamp{}, err
	}
	if !regular {
		st, err := os.Stat(path)
		if err != nil {
			return nil, FileStamp{}, err
		}
		if !st.Mode().IsRegular() {
			return nil, FileStamp{}, &ReadError{Kind: ReadNotRegular, Msg: describeMode(st.Mode()) + ", not a regular file; not read"}
		}
	}
	f, err := openNoBlock(path)
	if err != nil {
		return nil, FileStamp{}, err
	}
	defer func() { _ = f.Close() }()
	st, err := f.Stat()
	if err != nil {
		return nil, FileStamp{}, err
	}
	if !st.Mode().IsRegular() {
		return nil, FileStamp{}, &ReadError{Kind: ReadNotRegular, Msg: describeMode(st.Mode()) + ", not a regular file; not read"}
	}
	if err := b.admit(st.Size()); err != nil {
		return nil, FileStamp{}, err
	}
	src, err := readAtMost(f, b.lim.MaxFileSize, st.Size())
	if err != nil {
		return nil, FileStamp{}, err
	}
	return src, FileStamp{Size: st.Size(), ModTime: st.ModTime(), Nlink: nlink(st)}, nil
}

// refuseSystem refuses a file under /proc, /dev or /sys (real is its real
// path): never read as configuration.
func refuseSystem(real string) error {
	if underSystemDir(real) {
		return &ReadError{Kind: ReadSystem, Msg: fmt.Sprintf("%s is a system file (under /proc, /dev or /sys), never read as configuration", real)}
	}
	return nil
}

// admit refuses a file of size bytes above --max-file-size, else charges
// it to the total (--max-total-size).
func (b *Budget) admit(size int64) error {
	if size > b.lim.MaxFileSize {
		return tooLarge(b.lim.MaxFileSize)
	}
	return b.charge(size)
}

func tooLarge(max int64) error {
	return &ReadError{Kind: ReadTooLarge, Msg: fmt.Sprintf("larger than %s, the largest file read (--max-file-size)", FormatSize(max))}
}

// readAtMost reads r to its end, failing past max bytes (a file that grows
// while it is read).
func readAtMost(r io.Reader, max, hint int64) ([]byte, error) {
	if hint < 0 || hint > max {
		hint = 0
	}
	buf := make([]byte, 0, hint+1)
	lr := &io.LimitedReader{R: r, N: max + 1}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return nil, tooLarge(max)
		}
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// ReadConfigStream reads a configuration from a stream (standard input),
// at most MaxFileSize bytes of it, charged to b: /dev/zero on standard
// input stops at the limit.
func ReadConfigStream(r io.Reader, b *Budget) ([]byte, error) {
	if b == nil {
		b = NewBudget(Limits{})
	}
	src, err := readAtMost(r, b.lim.MaxFileSize, 0)
	if err != nil {
		return nil, err
	}
	if err := b.charge(int64(len(src))); err != nil {
		return nil, err
	}
	return src, nil
}

// FormatSize writes a byte count the way the size flags take it: 16MiB.
func FormatSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%dGiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// ParseSize reads a size such as 16MiB, 16M, 512k or 1048576 (bytes).
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToLower(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"gib", 1 << 30}, {"mib", 1 << 20}, {"kib", 1 << 10}, {"gb", 1 << 30}, {"mb", 1 << 20}, {"kb", 1 << 10}, {"g", 1 << 30}, {"m", 1 << 20}, {"k", 1 << 10}, {"b", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	var n int64
	if _, err := fmt.Sscanf(t, "%d", &n); err != nil || fmt.Sprint(n) != t || n <= 0 || n > (1<<50)/mult {
		return 0, fmt.Errorf("size %q must be a positive number of bytes with an optional unit, such as 16MiB, 512KiB or 1048576", s)
	}
	return n * mult, nil
}
