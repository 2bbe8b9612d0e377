package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/rules"
)

func TestMemoryLimit(t *testing.T) {
	for _, c := range []struct{ size, limit int64 }{
		{0, 128 << 20},
		{2 << 20, 160 << 20},
		{50 << 20, 928 << 20},
	} {
		if limit := memoryLimit(c.size); limit != c.limit {
			t.Errorf("memoryLimit(%d) = %d; want %d", c.size, limit, c.limit)
		}
	}
}

func TestGCPercent(t *testing.T) {
	for _, c := range []struct {
		size int64
		want int
	}{
		{0, 0},
		{2 << 20, 0},
		{bigInput - 1, 0},
		{bigInput, gcPercentBig},
		{50 << 20, gcPercentBig},
	} {
		if got := gcPercent(c.size); got != c.want {
			t.Errorf("gcPercent(%d) = %d; want %d", c.size, got, c.want)
		}
	}
}

// inputBytes counts each file once: an included file, and the siblings a
// directory's fragments share.
func TestInputBytes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	inc := "add_header X-A a;\n"
	write("a.conf", "server { listen 8080; include inc.inc; }\n")
	write("b.conf", "server { listen 8081; include inc.inc; }\n")
	write("inc.inc", inc)
	units, err := parser.Load([]string{dir}, parser.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := int64(2*len("server { listen 8080; include inc.inc; }\n") + len(inc))
	if got := inputBytes(units); got != want {
		t.Errorf("inputBytes = %d, want %d (%d units)", got, want, len(units))
	}
}

// Without --jobs a small input's rules run on one worker; --jobs is kept
// whatever the size, and a larger input keeps the default (every CPU).
func TestRunOptions(t *testing.T) {
	for _, c := range []struct {
		jobs int
		size int64
		want int
	}{
		{0, 0, 1},
		{0, 2351, 1},
		{0, smallInput - 1, 1},
		{0, smallInput, 0},
		{0, 50 << 20, 0},
		{1, 50 << 20, 1},
		{4, 100, 4},
	} {
		got := runOptions(rules.RunOptions{Jobs: c.jobs, NoInlineIgnores: true}, c.size)
		if got.Jobs != c.want || !got.NoInlineIgnores {
			t.Errorf("runOptions(jobs %d, %d bytes) = %+v, want jobs %d", c.jobs, c.size, got, c.want)
		}
	}
}
