package parser

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The one file named is read whole by the dump check and not again: what
// the loader holds must be what an ordinary read gives, bytes and stamp.
func TestPeekedFileIsTheFileRead(t *testing.T) {
	src := "events {}\nhttp { server { listen 80; } }\n"
	dir := tree(t, map[string]string{"nginx.conf": src})
	p := filepath.Join(dir, "nginx.conf")
	units, err := Load([]string{p}, Options{Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	f := units[0].Root
	want, stamp, err := ReadConfigFile(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(f.Src, want) || f.Stamp != stamp {
		t.Fatalf("loaded %q %+v, read %q %+v", f.Src, f.Stamp, want, stamp)
	}
}

// The file kept by the dump check goes through the ordinary read's
// refusals: over --max-file-size, over the run's total.
func TestPeekedFileKeepsTheLimits(t *testing.T) {
	dir := tree(t, map[string]string{"nginx.conf": "events {}\nhttp { server { listen 80; } }\n"})
	p := filepath.Join(dir, "nginx.conf")
	for _, c := range []struct {
		lim  Limits
		kind ReadErrorKind
		msg  string
	}{
		{Limits{MaxFileSize: 10}, ReadTooLarge, ": larger than 10 bytes, the largest file read (--max-file-size)"},
		{Limits{MaxTotalSize: 10}, ReadOverBudget, ": reading it would pass the 10 bytes read in one run (--max-total-size)"},
	} {
		_, err := Load([]string{p}, Options{Cwd: dir, Limits: c.lim})
		var re *ReadError
		if !errors.As(err, &re) || re.Kind != c.kind || !strings.HasSuffix(err.Error(), c.msg) {
			t.Errorf("%+v: want %q, got %v", c.lim, c.msg, err)
		}
	}
}

func TestReadHead(t *testing.T) {
	dir := tree(t, map[string]string{"small": "abc", "big": strings.Repeat("x", 100), "exact": strings.Repeat("y", 64)})
	for _, c := range []struct {
		name  string
		head  string
		whole bool
	}{
		{"small", "abc", true},
		{"big", strings.Repeat("x", 64), false},
		{"exact", strings.Repeat("y", 64), false}, // its end is not seen within 64 bytes
		{".", "", false},
		{"missing", "", false},
	} {
		p := filepath.Join(dir, c.name)
		head, stamp, whole := readHead(p, 64)
		if string(head) != c.head || whole != c.whole {
			t.Errorf("%s: got %q %v, want %q %v", c.name, head, whole, c.head, c.whole)
		}
		if whole {
			st, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if stamp.Size != st.Size() || !stamp.ModTime.Equal(st.ModTime()) || stamp.Nlink != nlink(st) {
				t.Errorf("%s: stamp %+v, stat %v %v", c.name, stamp, st.Size(), st.ModTime())
			}
		}
	}
}

// Only the path the dump check read, and only once.
func TestTakePeeked(t *testing.T) {
	l := &loader{peek: &peeked{path: "a.conf", src: []byte("x")}}
	if l.takePeeked("b.conf") != nil {
		t.Fatal("another path took the kept file")
	}
	if pk := l.takePeeked("a.conf"); pk == nil || string(pk.src) != "x" {
		t.Fatalf("got %v", pk)
	}
	if l.takePeeked("a.conf") != nil {
		t.Fatal("taken twice")
	}
}
