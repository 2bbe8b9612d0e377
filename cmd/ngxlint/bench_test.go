package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The benchmark shapes: configurations real deployments have, each of
// which once cost ngxlint more than linear time or more than nginx -t
// (issue 10). Each shape writes a tree under a directory and says what
// ngxlint lints and which main file nginx -t reads for the same
// configuration. .ci/bench-vs-nginx times both side by side.
type benchShape struct {
	name string
	// write creates the tree under dir; every listen uses port on
	// 127.0.0.1. It returns the paths ngxlint lints (relative to dir) and
	// the main file nginx -t reads (relative to dir).
	write func(t testing.TB, dir string, port int) (lint []string, nginxConf string)
	// flags go before the paths on ngxlint's command line
	flags []string
}

var benchShapes = []benchShape{
	{"servers-800", func(t testing.TB, dir string, port int) ([]string, string) {
		writeFile(t, dir, "nginx.conf", genServers(800, port, true))
		return []string{"nginx.conf"}, "nginx.conf"
	}, nil},
	{"servers-800-sparse-comments", func(t testing.TB, dir string, port int) ([]string, string) {
		writeFile(t, dir, "nginx.conf", genServers(800, port, false))
		return []string{"nginx.conf"}, "nginx.conf"
	}, nil},
	{"locations-4000", func(t testing.TB, dir string, port int) ([]string, string) {
		writeFile(t, dir, "nginx.conf", genLocations(4000, port))
		return []string{"nginx.conf"}, "nginx.conf"
	}, nil},
	{"fragments-1000-dir", func(t testing.TB, dir string, port int) ([]string, string) {
		genFragments(t, dir, 1000, port, true)
		return []string{"conf.d"}, "nginx.conf"
	}, nil},
	{"fragments-1000-main", func(t testing.TB, dir string, port int) ([]string, string) {
		genFragments(t, dir, 1000, port, true)
		return []string{"nginx.conf"}, "nginx.conf"
	}, nil},
	{"upgrade-only-16000", func(t testing.TB, dir string, port int) ([]string, string) {
		writeFile(t, dir, "nginx.conf", genUpgradeOnly(16000, port))
		return []string{"nginx.conf"}, "nginx.conf"
	}, nil},
	{"fragments-20000-no-main", func(t testing.TB, dir string, port int) ([]string, string) {
		// The tree has no nginx.conf; nginx -t reads a stock-like main
		// file kept outside it, which includes conf.d/*.conf.
		genFragments(t, filepath.Join(dir, "tree"), 20000, port, false)
		writeFile(t, dir, "main/nginx-t.conf", mainAround(filepath.Join(dir, "tree", "conf.d", "*.conf")))
		return []string{"tree/conf.d"}, "main/nginx-t.conf"
	}, nil},
	{"small", func(t testing.TB, dir string, port int) ([]string, string) {
		writeFile(t, dir, "nginx.conf", genServers(1, port, true))
		return []string{"nginx.conf"}, "nginx.conf"
	}, nil},
	{"size-50mb", func(t testing.TB, dir string, port int) ([]string, string) {
		writeFile(t, dir, "nginx.conf", genServers(24500, port, true))
		return []string{"nginx.conf"}, "nginx.conf"
	}, []string{"--max-file-size", "64MiB"}}, // past the default bound of 16MiB
}

func writeFile(t testing.TB, dir, name string, src []byte) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, src, 0o644); err != nil {
		t.Fatal(err)
	}
}

const mainHead = "worker_processes 1;\nerror_log stderr;\n\nevents {\n    worker_connections 1024;\n}\n\nhttp {\n" +
	"    server_names_hash_max_size 131072;\n    server_names_hash_bucket_size 128;\n" +
	"    access_log off;\n" +
	"    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        ''      close;\n    }\n"

// mainAround is a stock-like nginx.conf that includes the given pattern in http{}.
func mainAround(pattern string) []byte {
	return []byte(mainHead + "\n    include " + pattern + ";\n}\n")
}

// siteServer writes one site: its upstream and a server of about 70 lines
// with a WebSocket location, an API, static files, a regex location, a
// named location and an exact one. comments puts a comment above the
// blocks and after some directives, as hand-written configurations have.
func siteServer(sb *strings.Builder, i, port int, comments bool, indent string) {
	c := func(s string) string {
		if comments {
			return s
		}
		return ""
	}
	w := func(format string, args ...any) {
		line := fmt.Sprintf(format, args...)
		if strings.TrimSpace(line) == "" {
			if line == "" {
				return
			}
			sb.WriteString("\n")
			return
		}
		sb.WriteString(indent + line + "\n")
	}
	w("%s", c(fmt.Sprintf("# site %d: application servers", i)))
	w("upstream app%d {", i)
	w("    server 127.0.0.1:%d;", port)
	w("    keepalive 16;")
	w("}")
	w(" ")
	w("%s", c(fmt.Sprintf("# site %d", i)))
	w("server {")
	w("    listen 127.0.0.1:%d;", port)
	w("    server_name s%d.example.com www.s%d.example.com;", i, i)
	w("    root /srv/s%d/public;%s", i, c("  # document root"))
	w("    client_max_body_size 10m;")
	w(" ")
	w("    proxy_set_header Host $host;")
	w("    proxy_set_header X-Real-IP $remote_addr;")
	w("    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;")
	w("    proxy_set_header X-Forwarded-Proto $scheme;")
	w(" ")
	w("    %s", c("# WebSocket endpoint of the chat"))
	w("    location /ws/ {")
	w("        proxy_pass http://app%d;", i)
	w("        proxy_http_version 1.1;")
	w("        proxy_set_header Host $host;")
	w("        proxy_set_header X-Real-IP $remote_addr;")
	w("        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;")
	w("        proxy_set_header X-Forwarded-Proto $scheme;")
	w("        proxy_set_header Upgrade $http_upgrade;")
	w("        proxy_set_header Connection $connection_upgrade;")
	w("        proxy_read_timeout 1h;%s", c("  # idle sockets stay open"))
	w("        proxy_send_timeout 1h;")
	w("    }")
	w(" ")
	w("    %s", c("# the API keeps upstream connections alive"))
	w("    location /api/ {")
	w("        proxy_pass http://app%d;", i)
	w("        proxy_http_version 1.1;")
	w("        proxy_set_header Connection \"\";")
	w("        proxy_read_timeout 30s;")
	w("    }")
	w(" ")
	w("    %s", c("# static assets"))
	w("    location ~* \\.(css|js|png|jpg|svg|woff2?)$ {")
	w("        expires 7d;")
	w("        add_header Cache-Control \"public\";")
	w("        try_files $uri =404;")
	w("    }")
	w(" ")
	w("    location ^~ /static/ {")
	w("        alias /srv/s%d/static/;", i)
	w("    }")
	w(" ")
	w("    location /admin/ {")
	w("        allow 10.0.0.0/8;")
	w("        deny all;")
	w("        proxy_pass http://app%d;", i)
	w("    }")
	w(" ")
	w("    location / {")
	w("        try_files $uri $uri/ @app;")
	w("    }")
	w(" ")
	w("    location @app {")
	w("        proxy_pass http://app%d;", i)
	w("    }")
	w(" ")
	w("    error_page 500 502 503 504 /50x.html;")
	w("    location = /50x.html {")
	w("        root /usr/share/nginx/html;")
	w("    }")
	w("}")
	w(" ")
}

// genServers is a main configuration with n sites (about 71 lines each:
// 800 sites make the 56,700-line shape). Without comments, only the top
// and the bottom of the file carry one.
func genServers(n, port int, comments bool) []byte {
	var sb strings.Builder
	sb.WriteString("# generated: " + fmt.Sprint(n) + " sites\n")
	sb.WriteString(mainHead + "\n")
	for i := 0; i < n; i++ {
		siteServer(&sb, i, port, comments, "    ")
	}
	sb.WriteString("}\n# end of the generated configuration\n")
	return []byte(sb.String())
}

// genLocations is one server with n locations of every kind.
func genLocations(n, port int) []byte {
	var sb strings.Builder
	sb.WriteString(mainHead)
	fmt.Fprintf(&sb, "    upstream app {\n        server 127.0.0.1:%d;\n    }\n\n    server {\n        listen 127.0.0.1:%d;\n        server_name big.example.com;\n\n", port, port)
	for i := 0; i < n; i++ {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&sb, "        # chat %d\n        location /ws%d/ {\n            proxy_pass http://app;\n            proxy_http_version 1.1;\n            proxy_set_header Upgrade $http_upgrade;\n            proxy_set_header Connection $connection_upgrade;\n            proxy_read_timeout 1h;\n        }\n\n", i, i)
		case 1:
			fmt.Fprintf(&sb, "        location /api%d/ {\n            proxy_pass http://app;\n        }\n\n", i)
		case 2:
			fmt.Fprintf(&sb, "        location ~ ^/files%d/(.+)\\.txt$ {\n            root /srv/files;\n        }\n\n", i)
		case 3:
			fmt.Fprintf(&sb, "        location = /exact%d {\n            return 204;\n        }\n\n", i)
		}
	}
	sb.WriteString("        location / {\n            root /srv/www;\n        }\n    }\n}\n")
	return []byte(sb.String())
}

// genUpgradeOnly is one server with n locations that each forward only the
// Upgrade header (about 2 MB for 16,000): every one of them is a finding
// with a fix.
func genUpgradeOnly(n, port int) []byte {
	var sb strings.Builder
	sb.WriteString(mainHead)
	fmt.Fprintf(&sb, "    server {\n        listen 127.0.0.1:%d;\n        server_name up.example.com;\n\n", port)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "        location /app%05d/ {\n            proxy_pass http://127.0.0.1:%d;\n            proxy_set_header Upgrade $http_upgrade;\n        }\n", i, port)
	}
	sb.WriteString("    }\n}\n")
	return []byte(sb.String())
}

// genFragments writes n conf.d fragments of one site each, and with main
// an nginx.conf that includes them.
func genFragments(t testing.TB, dir string, n, port int, main bool) {
	if main {
		writeFile(t, dir, "nginx.conf", mainAround("conf.d/*.conf"))
	}
	for i := 0; i < n; i++ {
		var sb strings.Builder
		siteServer(&sb, i, port, true, "")
		writeFile(t, dir, fmt.Sprintf("conf.d/site%05d.conf", i), []byte(sb.String()))
	}
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return port
}

func lintShape(b *testing.B, dir string, args []string) {
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, cwd: dir, getenv: os.Getenv}
	if code := e.run(append([]string{"ngxlint", "lint", "--fail-level", "error"}, args...)); code > 1 {
		b.Fatalf("exit %d", code)
	}
}

// BenchmarkShapes lints each shape from reading the files to the sorted
// findings. .ci/bench-vs-nginx runs the same shapes beside nginx -t.
func BenchmarkShapes(b *testing.B) {
	if p := os.Getenv("NGXLINT_BENCH_PATH"); p != "" {
		// profile ngxlint on a configuration of your own
		b.Run("path", func(b *testing.B) {
			for b.Loop() {
				lintShape(b, filepath.Dir(p), []string{p})
			}
		})
		return
	}
	for _, s := range benchShapes {
		b.Run(s.name, func(b *testing.B) {
			dir := b.TempDir()
			args, _ := s.write(b, dir, freePort(b))
			for i := range args {
				args[i] = filepath.Join(dir, args[i])
			}
			args = append(append([]string(nil), s.flags...), args...)
			b.ReportAllocs()
			for b.Loop() {
				lintShape(b, dir, args)
			}
		})
	}
}

// TestWriteBenchShapes writes every shape under the directory in
// NGXLINT_BENCH_DIR, one subdirectory per shape, and a manifest
// (shape, nginx -t main file, paths to lint; tab-separated) for
// .ci/bench-vs-nginx. NGXLINT_BENCH_PORT is the loopback port listens use.
func TestWriteBenchShapes(t *testing.T) {
	out := os.Getenv("NGXLINT_BENCH_DIR")
	if out == "" {
		t.Skip("set NGXLINT_BENCH_DIR=DIR to write the benchmark shapes")
	}
	port := freePort(t)
	if p := os.Getenv("NGXLINT_BENCH_PORT"); p != "" {
		if _, err := fmt.Sscan(p, &port); err != nil {
			t.Fatal(err)
		}
	}
	only := os.Getenv("NGXLINT_BENCH_SHAPES")
	var manifest strings.Builder
	for _, s := range benchShapes {
		if only != "" && !strings.Contains(","+only+",", ","+s.name+",") {
			continue
		}
		dir := filepath.Join(out, s.name)
		args, conf := s.write(t, dir, port)
		for i := range args {
			args[i] = filepath.Join(dir, args[i])
		}
		args = append(append([]string(nil), s.flags...), args...)
		fmt.Fprintf(&manifest, "%s\t%s\t%s\n", s.name, filepath.Join(dir, conf), strings.Join(args, " "))
	}
	writeFile(t, out, "manifest.tsv", []byte(manifest.String()))
}
