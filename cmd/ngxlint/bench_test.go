package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// genConfig writes a realistic main configuration of about n lines: many
// servers, each with a WebSocket location, a static location and a regex
// location, plus upstreams and the canonical map.
func genConfig(n int) []byte {
	var sb strings.Builder
	sb.WriteString("worker_processes 1;\nevents { worker_connections 4096; }\n\nhttp {\n")
	sb.WriteString("    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        ''      close;\n    }\n")
	lines := 10
	for i := 0; lines < n-2; i++ {
		fmt.Fprintf(&sb, `
    upstream app%[1]d {
        server 127.0.0.1:%[2]d;
        keepalive 8;
    }

    server {
        listen 127.0.0.1:%[2]d;
        server_name s%[1]d.example.com;
        proxy_set_header Host $host;

        location /ws%[1]d/ {
            proxy_pass http://app%[1]d;
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 1h;
        }

        location ~* \.(css|js|png)$ {
            root /srv/www%[1]d;
            expires 7d;
        }

        location / {
            proxy_pass http://app%[1]d;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }
    }
`, i, 10000+i%16)
		lines += 30
	}
	sb.WriteString("}\n")
	return []byte(sb.String())
}

// BenchmarkLint50k lints a generated configuration of about 50,000 lines,
// from reading the file to the sorted findings. .ci/bench-vs-nginx runs it
// beside nginx -t on the same file.
func BenchmarkLint50k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "nginx.conf")
	src := genConfig(50000)
	if err := os.WriteFile(path, src, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, cwd: filepath.Dir(path), getenv: os.Getenv}
		if code := e.run([]string{"ngxlint", "lint", "--fail-level", "error", path}); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}

// TestWriteBenchConfig writes the benchmark's configuration to the path in
// NGXLINT_BENCH_CONFIG, for timing nginx -t on the same file.
func TestWriteBenchConfig(t *testing.T) {
	out := os.Getenv("NGXLINT_BENCH_CONFIG")
	if out == "" {
		t.Skip("set NGXLINT_BENCH_CONFIG=FILE to write the 50,000-line benchmark configuration")
	}
	if err := os.WriteFile(out, genConfig(50000), 0o644); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkLSPChange50k measures the language server's latency from a
// didChange of the 50,000-line configuration (its whole text, as a client
// that syncs in full sends it) to the publishDiagnostics of that version,
// with no debounce: the server in-process, the protocol over pipes.
func BenchmarkLSPChange50k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "nginx.conf")
	src := genConfig(50000)
	if err := os.WriteFile(path, src, 0o644); err != nil {
		b.Fatal(err)
	}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		e := &env{stdin: inR, stdout: outW, stderr: io.Discard, cwd: filepath.Dir(path), getenv: os.Getenv}
		done <- e.run([]string{"ngxlint", "lsp", "--debounce", "0s"})
		_ = outW.Close()
	}()
	r := bufio.NewReader(outR)
	send := func(v any) {
		body, _ := json.Marshal(v)
		if _, err := fmt.Fprintf(inW, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
			b.Fatal(err)
		}
	}
	waitFor := func(version int) {
		for {
			m, err := readLSP(r)
			if err != nil {
				b.Fatal(err)
			}
			var p lspPublish
			if m.Method == "textDocument/publishDiagnostics" && json.Unmarshal(m.Params, &p) == nil && p.Version == version {
				return
			}
		}
	}
	uri := fileURIOf(path)
	send(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": map[string]any{"capabilities": map[string]any{}}})
	if _, err := readLSP(r); err != nil {
		b.Fatal(err)
	}
	send(map[string]any{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "nginx", "version": 1, "text": string(src)}}})
	waitFor(1)
	edited := strings.Replace(string(src), "keepalive 8;", "keepalive 9;", 1)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	version := 1
	for b.Loop() {
		version++
		text := string(src)
		if version%2 == 0 {
			text = edited
		}
		send(map[string]any{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": map[string]any{
			"textDocument": map[string]any{"uri": uri, "version": version}, "contentChanges": []any{map[string]any{"text": text}}}})
		waitFor(version)
	}
	b.StopTimer()
	go func() { _, _ = io.Copy(io.Discard, outR) }() // the answer to shutdown
	send(map[string]any{"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
	send(map[string]any{"jsonrpc": "2.0", "method": "exit"})
	if code := <-done; code != 0 {
		b.Fatalf("exit %d", code)
	}
}
