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
