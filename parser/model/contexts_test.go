package model

import (
	"testing"

	"github.com/ngxlint/ngxlint/parser"
)

// No directive has two specs that share a context: which module nginx
// picks in a context is then never a question of module order.
func TestDirectiveSpecsDoNotOverlap(t *testing.T) {
	for _, name := range DirectiveNames() {
		var seen Ctx
		for _, s := range DirectiveSpecs(name) {
			if seen&s.Ctx != 0 {
				t.Errorf("%s: two specs allowed in %s", name, seen&s.Ctx)
			}
			seen |= s.Ctx
		}
	}
}

// Every reader named in timeSetters exists in the table, so a renamed C
// function cannot silently turn a time check off.
func TestTimeSettersExist(t *testing.T) {
	used := map[string]bool{}
	for _, s := range nginxDirectives {
		used[s.Setter] = true
	}
	for name := range timeSetters {
		if !used[name] {
			t.Errorf("timeSetters names %s, which no directive uses", name)
		}
	}
}

func TestDirectiveIn(t *testing.T) {
	cases := []struct {
		name           string
		ctx            Ctx
		known, allowed bool
		setter         string
	}{
		{"proxy_pass", CtxHTTPLocationIf, true, true, "ngx_http_proxy_pass"},
		{"proxy_pass", CtxHTTPServerIf, true, false, ""},
		{"proxy_set_header", CtxHTTPLocationIf, true, false, ""},
		{"proxy_set_header", CtxHTTPLocation, true, true, "ngx_conf_set_keyval_slot"},
		{"proxy_http_version", CtxHTTPLocationIf, true, false, ""},
		{"proxy_read_timeout", CtxHTTPLocationIf, true, false, ""},
		{"proxy_hide_header", CtxHTTPLocationIf, true, false, ""},
		{"return", CtxHTTPServerIf, true, true, "ngx_http_rewrite_return"},
		{"set", CtxHTTPLocationIf, true, true, "ngx_http_rewrite_set"},
		{"add_header", CtxHTTPLocationIf, true, true, "ngx_http_headers_add"},
		{"add_header", CtxHTTPServerIf, true, false, ""},
		{"if", CtxHTTPLocationIf, true, false, ""},
		{"location", CtxHTTPLocationIf, true, false, ""},
		{"map", CtxHTTPMain, true, true, "ngx_http_map_block"},
		{"map", CtxHTTPServer, true, false, ""},
		{"map", CtxStreamMain, true, true, "ngx_stream_map_block"},
		{"include", CtxHTTPLocationIf, true, true, "ngx_conf_include"},
		{"keepalive_timeout", CtxHTTPUpstream, true, true, "ngx_conf_set_msec_slot"},
		{"keepalive_timeout", CtxHTTPServer, true, true, "ngx_http_core_keepalive"},
		{"more_set_headers", CtxHTTPLocationIf, false, false, ""},
		{"Proxy_Pass", CtxHTTPLocation, false, false, ""}, // nginx compares names with case
	}
	for _, c := range cases {
		s, known, allowed := DirectiveIn(c.name, c.ctx)
		if known != c.known || allowed != c.allowed || s.Setter != c.setter {
			t.Errorf("DirectiveIn(%s, %s) = %q, %v, %v; want %q, %v, %v", c.name, c.ctx, s.Setter, known, allowed, c.setter, c.known, c.allowed)
		}
	}
	if got := AllowedIn("proxy_pass").String(); got != "location, if in location, limit_except, stream server" {
		t.Errorf("AllowedIn(proxy_pass) = %s", got)
	}
	if CtxAny.String() != "any" || KnownDirective("no_such_directive") {
		t.Error("CtxAny or KnownDirective")
	}
}

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
	got := map[string]Ctx{}
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
	want := map[string]Ctx{"main": CtxMain, "events": CtxEvents, "http": CtxHTTPMain, "upstream": CtxHTTPUpstream,
		"server": CtxHTTPServer, "if in server": CtxHTTPServerIf, "location": CtxHTTPLocation,
		"if in location": CtxHTTPLocationIf, "limit_except": CtxHTTPLimitExcept}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: context %s, want %s", k, got[k], v)
		}
	}
}
