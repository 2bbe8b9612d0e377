package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/nginxtest"
	"github.com/ngxlint/ngxlint/parser/spec"
)

// blockArgs reads fixtures/block/NAME.args, making a --from path absolute.
func blockArgs(t *testing.T, argsFile string) []string {
	t.Helper()
	args := caseArgs(strings.TrimSuffix(argsFile, ".args") + ".conf")
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "--from" && !filepath.IsAbs(args[i+1]) {
			args[i+1], _ = filepath.Abs(filepath.Join(filepath.Dir(argsFile), args[i+1]))
		}
	}
	return args
}

func argValue(args []string, name string) string {
	for i := 0; i+1 < len(args); i++ {
		if args[i] == name {
			return args[i+1]
		}
	}
	return ""
}

// wrapBlock puts the output of ngxlint block into an http{} with a server,
// the way its comments say.
func wrapBlock(out string) (httpPart, location string) {
	httpPart, location, _ = strings.Cut(out, "# In the server {} that clients connect to:\n")
	return httpPart, location
}

// TestBlockGoldens runs ngxlint block with every fixtures/block/NAME.args
// and compares with NAME.out (-update rewrites them; review each). A
// generated block, put in a configuration the way its comments say,
// parses and has no finding at all, not even info; the corrected location
// of --from has no WebSocket finding left.
func TestBlockGoldens(t *testing.T) {
	cases, _ := filepath.Glob("../../fixtures/block/*.args")
	if len(cases) == 0 {
		t.Fatal("no fixtures/block/*.args")
	}
	for _, c := range cases {
		name := strings.TrimSuffix(filepath.Base(c), ".args")
		t.Run(name, func(t *testing.T) {
			dir, _ := filepath.Abs(filepath.Dir(c))
			args := blockArgs(t, c)
			cwd := dir // for --from, the file's folder: paths in the output stay short and the same everywhere
			if from := argValue(args, "--from"); from != "" {
				cwd = filepath.Dir(from)
			}
			code, out, errOut := runIn(cwd, "", append([]string{"block"}, args...)...)
			if code != exitOK {
				t.Fatalf("exit %d\n%s", code, errOut)
			}
			want := strings.TrimSuffix(c, ".args") + ".out"
			if *update {
				if err := os.WriteFile(want, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			exp, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("missing %s (go test ./cmd/ngxlint -run TestBlockGoldens -update, then review it)", want)
			}
			if out != string(exp) {
				t.Errorf("output differs from %s\n--- got\n%s--- want\n%s", want, out, exp)
			}
			var conf string
			if argValue(args, "--from") != "" {
				mapPart, loc, found := strings.Cut(out, "corrected:\n")
				if !found {
					t.Fatalf("no corrected location in the output")
				}
				conf = "events {}\nhttp {\n" + mapPart + "\nserver {\nlisten 80;\n" + loc + "}\n}\n"
			} else {
				h, loc := wrapBlock(out)
				// pasted into a named server that a rejecting default server
				// shields, where $http_host is safe (HOSTSTORY, SEC005)
				conf = "worker_rlimit_nofile 8192;\nevents { worker_connections 4096; }\nhttp {\n" + h +
					"\nserver {\nlisten 8080 default_server;\nreturn 444;\n}\nserver {\nlisten 8080;\nserver_name app.example;\n" + loc + "}\n}\n"
			}
			tmp := t.TempDir()
			p := filepath.Join(tmp, "nginx.conf")
			if err := os.WriteFile(p, []byte(conf), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, serr := parser.Parse(p, []byte(conf)); serr != nil {
				t.Fatalf("the block does not parse: %v\n%s", serr, conf)
			}
			lintArgs := []string{"lint", "--fail-level", "info"}
			if v := argValue(args, "--nginx-version"); v != "" {
				lintArgs = append(lintArgs, "--nginx-version", v)
			}
			code, lout, lerr := runIn(tmp, "", append(lintArgs, p)...)
			if argValue(args, "--from") == "" && (code != exitOK || lout != "") {
				t.Errorf("the generated block is not clean:\n%s%s\n%s", lout, lerr, conf)
			}
			if argValue(args, "--from") != "" && !strings.Contains(out, "# it inherits") {
				// alone, the corrected location has no error or warning
				for _, l := range strings.Split(lout, "\n") {
					if strings.Contains(l, ": error: ") || strings.Contains(l, ": warning: ") {
						t.Errorf("the corrected location still has a finding: %s", l)
					}
				}
			}
		})
	}
}

// TestBlockEcho puts generated blocks in front of a real WebSocket echo
// server through the nginx on this machine: the handshake answers 101 and
// a message comes back.
func TestBlockEcho(t *testing.T) {
	nginxtest.Require(t)
	have, err := spec.ParseVersion(nginxtest.Version(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, extra := range [][]string{nil, {"--keepalive"}, {"--path", "= /socket", "--read-timeout", "1h 30m"}} {
		t.Run(strings.Join(extra, " "), func(t *testing.T) {
			echo := nginxtest.StartEcho(t)
			args := append([]string{"block", "--upstream", "http://" + echo.Addr, "--nginx-version", have.String()}, extra...)
			code, out, errOut := runIn(t.TempDir(), "", args...)
			if code != exitOK {
				t.Fatalf("exit %d\n%s", code, errOut)
			}
			h, loc := wrapBlock(out)
			n := nginxtest.Start(t, h+"\nserver {\n    listen 127.0.0.1:{{PORT}};\n"+loc+"}\n")
			path := "/ws/"
			if v := argValue(extra, "--path"); v != "" {
				path = strings.TrimSpace(strings.TrimPrefix(v, "="))
			}
			c := nginxtest.Dial(t, n.WSURL(path), nil)
			defer c.Close()
			if !c.OK() {
				t.Fatalf("handshake through the generated block: %s\n%s", c, out)
			}
			if err := c.Echo("hello through ngxlint block"); err != nil {
				t.Fatalf("echo: %v", err)
			}
		})
	}
}

func TestBlockUsage(t *testing.T) {
	for _, args := range [][]string{
		{"block"}, // no --upstream
		{"block", "--upstream", "ws://127.0.0.1:9001"},
		{"block", "--upstream", "ftp://x"},
		{"block", "--upstream", "http://127.0.0.1:9001", "--path", "ws"},
		{"block", "--upstream", "http://127.0.0.1:9001", "--read-timeout", "1M"},
		{"block", "--upstream", "http://127.0.0.1:9001", "--read-timeout", "0"},
		{"block", "--upstream", "http://127.0.0.1:9001", "--server", "x"},
		{"block", "--from", "x.conf", "--upstream", "http://127.0.0.1:9001"},
		{"block", "--upstream", "http://127.0.0.1:9001", "extra"},
	} {
		code, out, errOut := runIn(t.TempDir(), "", args...)
		if code != exitError || out != "" || errOut == "" {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	// a path no location serves, and one served by two servers
	dir := t.TempDir()
	conf := "server {\n    listen 80;\n    server_name a;\n    location /ws/ { proxy_pass http://127.0.0.1:1; }\n}\n" +
		"server {\n    listen 81;\n    server_name b;\n    location /ws/ { proxy_pass http://127.0.0.1:2; }\n}\n"
	p := filepath.Join(dir, "site.conf")
	if err := os.WriteFile(p, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runIn(dir, "", "block", "--from", p, "--path", "/other/")
	if code != exitError || !strings.Contains(errOut, "no location") {
		t.Errorf("unserved path: exit %d %s", code, errOut)
	}
	code, _, errOut = runIn(dir, "", "block", "--from", p, "--path", "/ws/")
	if code != exitError || !strings.Contains(errOut, "--server") {
		t.Errorf("two servers: exit %d %s", code, errOut)
	}
	code, out, errOut := runIn(dir, "", "block", "--from", p, "--path", "/ws/", "--server", "b")
	if code != exitOK || !strings.Contains(out, "proxy_pass http://127.0.0.1:2; proxy_set_header Upgrade $http_upgrade;") {
		t.Errorf("--server b: exit %d\n%s%s", code, out, errOut)
	}
}
