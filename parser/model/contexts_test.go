package model

import (
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/spec"
)

func buildConf(t *testing.T, src string) *Config {
	t.Helper()
	f, err := parser.Parse("t.conf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	u := &parser.Unit{Root: f, Context: parser.DetectContext(f), Report: map[*parser.File]bool{f: true}}
	return Build(u, Options{})
}

func TestBlockContext(t *testing.T) {
	c := buildConf(t, `events {}
http {
    upstream u { server 127.0.0.1:1; }
    server {
        if ($a) { return 404; }
        location / {
            if ($b) { set $x 1; }
            limit_except GET { deny all; }
        }
    }
}`)
	got := map[string]spec.Ctx{}
	var rec func(b *Block)
	rec = func(b *Block) {
		name := b.Kind.String()
		if b.Kind == If {
			name += " in " + b.Parent.Kind.String()
		}
		if b.Kind == Other && b.Dir != nil {
			name = b.Dir.Name
		}
		got[name] = b.Context()
		for _, ch := range b.Children {
			rec(ch)
		}
	}
	rec(c.Main)
	want := map[string]spec.Ctx{"main": spec.CtxMain, "events": spec.CtxEvents, "http": spec.CtxHTTPMain, "upstream": spec.CtxHTTPUpstream,
		"server": spec.CtxHTTPServer, "if in server": spec.CtxHTTPServerIf, "location": spec.CtxHTTPLocation,
		"if in location": spec.CtxHTTPLocationIf, "limit_except": spec.CtxHTTPLimitExcept}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: context %s, want %s", k, got[k], v)
		}
	}
}
