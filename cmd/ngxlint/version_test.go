package main

import (
	"runtime"
	"strings"
	"testing"
)

// TestVersion: --version prints the version from build info and what a
// bug report needs, also for a build without VCS information (a test
// binary has none).
func TestVersion(t *testing.T) {
	code, out, errOut := runIn(".", "", "--version")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != 0 || errOut != "" || len(lines) < 3 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if lines[0] != "ngxlint version "+version() || version() == "" {
		t.Errorf("first line %q", lines[0])
	}
	if lines[1] != "go: "+runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH {
		t.Errorf("second line %q", lines[1])
	}
	if !strings.HasPrefix(lines[2], "commit: ") {
		t.Errorf("third line %q", lines[2])
	}
}
