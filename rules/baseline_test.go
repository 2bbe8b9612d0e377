package rules

import (
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
)

// TestBaselineFingerprint checks what identifies a finding in a baseline:
// the directive and its blocks' identity, never its line.
func TestBaselineFingerprint(t *testing.T) {
	src := `http {
    server {
        listen 443 ssl;
        server_name a.example b.example;
        location ~* ^/ws/(.*)$ {
            proxy_set_header Connection "ugrade";
            # a comment
        }
    }
    server {
        listen 8443;
        server_name c.example;
    }
}
`
	f, serr := parser.Parse("site.conf", []byte(src))
	if serr != nil {
		t.Fatal(serr)
	}
	f.Abs = "/deploy/nginx/site.conf"
	meta := &Meta{ID: "WS009"}
	at := func(text string, nth int) *Finding {
		off := -1
		for i := 0; i <= nth; i++ {
			off += 1 + strings.Index(src[off+1:], text)
		}
		return &Finding{Rule: meta, Span: Span{File: f, Start: off, End: off + len(text)}}
	}
	fp := newFingerprinter("/deploy")
	for _, c := range []struct {
		f                        *Finding
		file, context, directive string
	}{
		{at(`"ugrade"`, 0), "nginx/site.conf", `http > server{server_name a.example b.example; listen 443} > location ~* ^/ws/(.*)$`, "proxy_set_header Connection ugrade"},
		{at("server {", 0), "nginx/site.conf", "http", "server{server_name a.example b.example; listen 443}"},
		{at("server {", 1), "nginx/site.conf", "http", "server{server_name c.example; listen 8443}"},
		{at("# a comment", 0), "nginx/site.conf", `http > server{server_name a.example b.example; listen 443} > location ~* ^/ws/(.*)$`, "# a comment"},
	} {
		e := fp.entry(c.f)
		if e.File != c.file || e.Context != c.context || e.Directive != c.directive {
			t.Errorf("entry %+v\nwant file %q context %q directive %q", e, c.file, c.context, c.directive)
		}
	}
}
