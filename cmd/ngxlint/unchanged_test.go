package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
)

// unchangedSinceRead compares the file's bytes with what was read when its
// size and modification time are the same: a change of one byte is found.
func TestUnchangedSinceReadComparesBytes(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "site.conf")
	src := []byte("server { listen 8080; }\n")
	if err := os.WriteFile(dst, src, 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(dst)
	if err != nil {
		t.Fatal(err)
	}
	f := &parser.File{Src: src, Stamp: parser.FileStamp{Size: st.Size(), ModTime: st.ModTime()}}
	if err := unchangedSinceRead(dst, f); err != nil {
		t.Fatalf("the file as read: %v", err)
	}
	// the same size and modification time, one byte different
	if err := os.WriteFile(dst, []byte("server { listen 8081; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(dst, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
	err = unchangedSinceRead(dst, f)
	if err == nil || !strings.Contains(err.Error(), "changed since ngxlint read it") {
		t.Fatalf("one byte changed, same size and time: got %v, want a change", err)
	}
}
