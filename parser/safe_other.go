//go:build !unix

package parser

import (
	"io/fs"
	"os"
)

// openNoBlock opens a file for reading; only regular files get here.
func openNoBlock(path string) (*os.File, error) { return os.Open(path) }

func nlink(fs.FileInfo) uint64 { return 0 }

// openPlain opens a file for reading.
func openPlain(path string) (*os.File, error) { return os.Open(path) }
