package parser

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// describeLoad writes what a load gives, for comparing two loads: every
// unit's root, context, files, reported files, siblings and problems, or
// the error.
func describeLoad(units []*Unit, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	var sb strings.Builder
	for _, u := range units {
		fmt.Fprintf(&sb, "unit %s %s\n", u.Root.Path, u.Context)
		for _, f := range u.Files() {
			fmt.Fprintf(&sb, "  file %s abs=%s size=%d top=%d\n", f.Path, f.Abs, f.Stamp.Size, len(f.Top))
		}
		for _, r := range reported(u) {
			fmt.Fprintf(&sb, "  report %s\n", r)
		}
		for _, f := range u.Env {
			fmt.Fprintf(&sb, "  env %s\n", f.Path)
		}
		for _, p := range u.Problems {
			fmt.Fprintf(&sb, "  problem %d %s %d-%d %s\n", p.Kind, p.File.Path, p.Start, p.End, p.Msg)
		}
	}
	return sb.String()
}

// loadWithProcs loads paths with reading ahead on (procs > 1) or off.
func loadWithProcs(t *testing.T, procs int, paths []string, opt Options) string {
	t.Helper()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	units, err := Load(paths, opt)
	return describeLoad(units, err)
}

// Files read ahead on several CPUs give the load reading them one by one
// gives: the same units, files, problems, and the same file refused first
// when the run's limits are reached.
func TestReadAheadSameAsOneByOne(t *testing.T) {
	files := map[string]string{}
	for i := 0; i < 40; i++ {
		body := fmt.Sprintf("server {\n    listen %d;\n    server_name s%d.example.com;\n}\n", 8000+i, i)
		switch i {
		case 7:
			body = "server {\n    listen 80;\n" // does not parse
		case 11:
			body = "map $a $b { default 1; }\ninclude missing.conf;\n"
		case 23:
			body = "\xef\xbb\xbfserver { listen 81; }\n"
		}
		files[fmt.Sprintf("conf.d/site%02d.conf", i)] = body
	}
	files["nginx.conf"] = "events {}\nhttp {\n    include conf.d/*.conf;\n}\n"
	dir := tree(t, files)
	if err := os.Mkdir(filepath.Join(dir, "conf.d", "sub.conf"), 0o755); err != nil {
		t.Fatal(err) // a directory the glob matches: not read
	}
	if err := os.Symlink("site01.conf", filepath.Join(dir, "conf.d", "zlink.conf")); err != nil {
		t.Fatal(err)
	}
	noMain := tree(t, map[string]string{})
	for p, c := range files {
		if p == "nginx.conf" {
			continue
		}
		if err := os.MkdirAll(filepath.Join(noMain, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(noMain, p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name  string
		paths []string
		lim   Limits
	}{
		{"main", []string{filepath.Join(dir, "nginx.conf")}, Limits{}},
		{"dir", []string{filepath.Join(dir, "conf.d")}, Limits{}},
		{"no main", []string{filepath.Join(noMain, "conf.d")}, Limits{}},
		{"main over total size", []string{filepath.Join(dir, "nginx.conf")}, Limits{MaxTotalSize: 1000}},
		{"dir over total size", []string{filepath.Join(dir, "conf.d")}, Limits{MaxTotalSize: 1000}},
		{"no main over total size", []string{filepath.Join(noMain, "conf.d")}, Limits{MaxTotalSize: 1000}},
		{"dir over file count", []string{filepath.Join(dir, "conf.d")}, Limits{MaxFiles: 20}},
	} {
		t.Run(c.name, func(t *testing.T) {
			opt := Options{Cwd: dir, Limits: c.lim}
			one := loadWithProcs(t, 1, c.paths, opt)
			many := loadWithProcs(t, 4, c.paths, opt)
			if one != many {
				t.Errorf("read one by one:\n%s\nread ahead:\n%s", one, many)
			}
			if !strings.Contains(one, "site39") && !strings.Contains(one, "error") && !strings.Contains(one, "more than") {
				t.Errorf("the load read too little:\n%s", one)
			}
		})
	}
}
