//go:build unix

package main

import (
	"os"
	"syscall"
)

// keepOwner gives the new file the owner and group of the old one, when
// the process may (root editing a file owned by www-data).
func keepOwner(f *os.File, st os.FileInfo) {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		_ = f.Chown(int(s.Uid), int(s.Gid))
	}
}
