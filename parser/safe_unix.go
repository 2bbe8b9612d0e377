//go:build unix

package parser

import (
	"io/fs"
	"os"
	"syscall"
)

// openNoBlock opens a file for reading without blocking on a FIFO with no
// writer and without making a terminal the controlling one.
func openNoBlock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
}

func nlink(st fs.FileInfo) uint64 {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return uint64(s.Nlink) //nolint:unconvert // Nlink is uint32 on some platforms
	}
	return 0
}

// openPlain opens a file for reading like openNoBlock, as an *os.File the
// runtime's poller does not watch (os.NewFile of a blocking descriptor):
// a regular file gains nothing from the poller, which os.OpenFile tries
// with three more system calls, and a run that opens only this way never
// starts it. The descriptor is opened without blocking (a FIFO with no
// writer) and made blocking again, as os.OpenFile leaves a regular file.
func openPlain(path string) (*os.File, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	if err := syscall.SetNonblock(fd, false); err != nil {
		_ = syscall.Close(fd)
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}
