package parser

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// dumpOf writes what nginx -T prints for these files, in this order: the
// header, the bytes, one line feed (src/core/nginx.c).
func dumpOf(files ...[2]string) string {
	var sb strings.Builder
	for _, f := range files {
		sb.WriteString("# configuration file " + f[0] + ":\n" + f[1] + "\n")
	}
	return sb.String()
}

func loadDumpText(t *testing.T, text string, opt Options) *Unit {
	t.Helper()
	opt.Stdin = strings.NewReader(text)
	units, err := Load([]string{"-"}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 1 || units[0].Dump != "<stdin>" {
		t.Fatalf("want one dump unit, got %d (%+v)", len(units), units)
	}
	return units[0]
}

func filesByPath(u *Unit) map[string]*File {
	out := map[string]*File{}
	for _, f := range u.Files() {
		out[f.Path] = f
	}
	return out
}

func TestDumpSplitsFilesExactly(t *testing.T) {
	main := "events {}\nhttp {\n    include conf.d/*.conf;\n    include /etc/nginx/snippets/ws.conf;\n}\n"
	noEOL := "server {\n    listen 80;\n    location /ws/ { include snippets/ws.conf; }\n}" // no final line feed
	crlf := "map $http_upgrade $c {\r\n    default upgrade;\r\n}\r\n"
	snippet := "proxy_set_header Upgrade $http_upgrade;\n\n" // ends with an empty line
	text := "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n" +
		"nginx: configuration file /etc/nginx/nginx.conf test is successful\n" +
		dumpOf([2]string{"/etc/nginx/nginx.conf", main}, [2]string{"/etc/nginx/conf.d/a.conf", noEOL},
			[2]string{"/etc/nginx/snippets/ws.conf", snippet}, [2]string{"/etc/nginx/conf.d/b.conf", crlf})
	u := loadDumpText(t, text, Options{})
	got := filesByPath(u)
	want := map[string]string{"/etc/nginx/nginx.conf": main, "/etc/nginx/conf.d/a.conf": noEOL,
		"/etc/nginx/snippets/ws.conf": snippet, "/etc/nginx/conf.d/b.conf": crlf}
	for p, src := range want {
		f := got[p]
		if f == nil {
			t.Errorf("%s: not reached; files: %v", p, reported(u))
			continue
		}
		if string(f.Src) != src {
			t.Errorf("%s: bytes %q, want %q", p, f.Src, src)
		}
		if f.Abs != "" {
			t.Errorf("%s: Abs %q: a file of a dump is not on disk", p, f.Abs)
		}
		if !u.Report[f] {
			t.Errorf("%s: not reported", p)
		}
	}
	if len(u.Problems) != 0 {
		t.Errorf("problems: %v", problems(u))
	}
	// glob matches in name order, as glob(3) returns them
	var incs []string
	u.Root.Walk(func(d *Directive) {
		for _, f := range d.Included() {
			incs = append(incs, f.Path)
		}
	})
	if strings.Join(incs, " ") != "/etc/nginx/conf.d/a.conf /etc/nginx/conf.d/b.conf /etc/nginx/snippets/ws.conf" {
		t.Errorf("includes of nginx.conf: %v", incs)
	}
}

func TestDumpIncludesNeverReadTheDisk(t *testing.T) {
	// The dump names files of this directory; they exist on disk with other
	// contents, which must not be read.
	dir := tree(t, map[string]string{"conf.d/a.conf": "server { listen 81; }\n", "missing.conf": "server {}\n"})
	main := "events {}\nhttp { include conf.d/*.conf; include missing.conf; }\n"
	text := dumpOf([2]string{dir + "/nginx.conf", main}, [2]string{dir + "/conf.d/a.conf", "server { listen 82; }\n"})
	u := loadDumpText(t, text, Options{})
	f := filesByPath(u)[dir+"/conf.d/a.conf"]
	if f == nil || !strings.Contains(string(f.Src), "82") {
		t.Fatalf("conf.d/a.conf read from the disk, not the dump: %v", f)
	}
	if len(u.Problems) != 1 || u.Problems[0].Kind != ProblemIncludeMissing || !strings.Contains(u.Problems[0].Msg, "not in the nginx -T dump") {
		t.Fatalf("want one include-missing problem for missing.conf, got %+v", u.Problems)
	}
	if p := problems(u)[0]; p != dir+"/nginx.conf:2:39" {
		t.Errorf("problem at %s", p)
	}
}

func TestDumpHeaderInsideAFile(t *testing.T) {
	// A file whose own text holds a line that reads like a header: nothing
	// includes the piece after it, so it stays part of the file.
	main := "events {}\nhttp {\n# configuration file /etc/nginx/old.conf:\n    server { listen 80; }\n}\n"
	u := loadDumpText(t, dumpOf([2]string{"/etc/nginx/nginx.conf", main}), Options{})
	if string(u.Root.Src) != main {
		t.Fatalf("root bytes %q, want %q", u.Root.Src, main)
	}
	if len(u.Problems) != 0 || len(u.Files()) != 1 {
		t.Errorf("problems %v, files %d", problems(u), len(u.Files()))
	}
}

func TestDumpDetection(t *testing.T) {
	for text, want := range map[string]bool{
		"# configuration file /etc/nginx/nginx.conf:\nevents {}\n":                  true,
		"nginx: [warn] x\n# configuration file /etc/nginx/nginx.conf:\nevents {}\n": true,
		"# configuration file\nevents {}\n":                                         false,
		"events {}\n# configuration file /etc/nginx/nginx.conf:\n":                  false,
		"# configuration file /etc/nginx/nginx.conf\nevents {}\n":                   false,
	} {
		if got := looksLikeDump([]byte(text)); got != want {
			t.Errorf("looksLikeDump(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestDumpFileAndFlag(t *testing.T) {
	dir := tree(t, map[string]string{
		"dump.txt":  dumpOf([2]string{"/etc/nginx/nginx.conf", "events {}\n"}),
		"site.conf": "server { listen 80; }\n",
	})
	units, err := Load([]string{filepath.Join(dir, "dump.txt")}, Options{Cwd: dir})
	if err != nil || len(units) != 1 || units[0].Dump != "dump.txt" || units[0].Root.Path != "/etc/nginx/nginx.conf" {
		t.Fatalf("dump file: %v %+v", err, units)
	}
	if _, err := Load([]string{filepath.Join(dir, "dump.txt"), filepath.Join(dir, "site.conf")}, Options{Cwd: dir}); err == nil || !strings.Contains(err.Error(), "linted alone") {
		t.Errorf("a dump with another path: %v", err)
	}
	if _, err := Load([]string{filepath.Join(dir, "site.conf")}, Options{Cwd: dir, Dump: true}); err == nil || !strings.Contains(err.Error(), "not an nginx -T dump") {
		t.Errorf("--dump on a plain file: %v", err)
	}
	// not a dump: standard input is still read as a file
	units, err = Load([]string{"-"}, Options{Stdin: strings.NewReader("server { listen 80; }\n")})
	if err != nil || len(units) != 1 || units[0].Dump != "" || units[0].Root.Top == nil {
		t.Fatalf("plain standard input: %v %+v", err, units)
	}
}

// BenchmarkDump reads a dump of an nginx.conf that includes 2000 server
// files through one glob and 2000 snippets by name.
func BenchmarkDump(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n    include conf.d/*.conf;\n}\n\n")
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&sb, "# configuration file /etc/nginx/conf.d/site%04d.conf:\nserver {\n    listen 80;\n    server_name s%d.example;\n    location /ws/ {\n        include snippets/s%04d.conf;\n        proxy_pass http://127.0.0.1:9001;\n    }\n}\n\n", i, i, i)
	}
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&sb, "# configuration file /etc/nginx/snippets/s%04d.conf:\nproxy_set_header Upgrade $http_upgrade;\n\n", i)
	}
	text := sb.String()
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		units, err := Load([]string{"-"}, Options{Stdin: strings.NewReader(text)})
		if err != nil || len(units[0].Files()) != 4001 || len(units[0].Problems) != 0 {
			b.Fatalf("%v %d %v", err, len(units[0].Files()), units[0].Problems)
		}
	}
}

// TestDumpWindowsLineFeeds reads a dump nginx for Windows prints: its
// NGX_LINEFEED is "\r\n", after the headers and after each file.
func TestDumpWindowsLineFeeds(t *testing.T) {
	main := "events {}\r\nhttp { include site.conf; }" // no final line feed
	site := "server { listen 80; }\r\n"
	text := "# configuration file /nginx/conf/nginx.conf:\r\n" + main + "\r\n" +
		"# configuration file /nginx/conf/site.conf:\r\n" + site + "\r\n"
	u := loadDumpText(t, text, Options{})
	got := filesByPath(u)
	if f := got["/nginx/conf/nginx.conf"]; f == nil || string(f.Src) != main {
		t.Errorf("nginx.conf: %+v", f)
	}
	if f := got["/nginx/conf/site.conf"]; f == nil || string(f.Src) != site {
		t.Errorf("site.conf: %+v (problems %v)", f, problems(u))
	}
}

// FuzzDump checks that any text read as a dump loads without a panic, and
// that a dump of two files whose text holds no header line splits back
// into exactly their bytes.
func FuzzDump(f *testing.F) {
	f.Add("events {}\nhttp { include conf.d/*.conf; }\n", "server { listen 80; }")
	f.Add("events {}\r\n", "\n\n")
	f.Add("", "# configuration file /x:\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		a = "include conf.d/b.conf;\n" + a
		text := dumpOf([2]string{"/etc/nginx/nginx.conf", a}, [2]string{"/etc/nginx/conf.d/b.conf", b})
		units, err := Load([]string{"-"}, Options{Stdin: strings.NewReader(text), Dump: true})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = Load([]string{"-"}, Options{Stdin: strings.NewReader(a + b)})
		if strings.Contains("\n"+a, "\n"+dumpHeader) || strings.Contains("\n"+b, "\n"+dumpHeader) {
			return // a header line inside a file: joined back only when nothing includes it
		}
		secs := splitDump([]byte(text))
		if len(secs) != 2 || text[secs[0].start:secs[0].end] != a || text[secs[1].start:secs[1].end] != b {
			t.Fatalf("split %q into %+v", text, secs)
		}
		if _, serr := Parse("a", []byte(a)); serr == nil && string(units[0].Root.Src) != a {
			t.Fatalf("root %q, want %q", units[0].Root.Src, a)
		}
	})
}

// TestDumpCraftedHeadersStayLinear: a dump made of many pieces that nothing
// includes (header-like lines, not nginx's) is read in bounded time: at
// most maxDumpJoins pieces are joined back.
func TestDumpCraftedHeadersStayLinear(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(dumpOf([2]string{"/etc/nginx/nginx.conf", "events {}\n"}))
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&sb, "# configuration file /etc/nginx/x%d.conf:\n# nothing\n\n", i)
	}
	u := loadDumpText(t, sb.String(), Options{})
	if n := strings.Count(string(u.Root.Src), dumpHeader); n != maxDumpJoins {
		t.Errorf("%d pieces joined back into nginx.conf, want %d", n, maxDumpJoins)
	}
}
