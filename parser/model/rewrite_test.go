package model_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/parser/nginxtest"
	"github.com/ngxlint/ngxlint/parser/spec"
)

// rwModel builds the model of a configuration file.
func rwModel(t *testing.T, path string) *model.Config {
	t.Helper()
	units, err := parser.Load([]string{path}, parser.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 1 {
		t.Fatalf("%s: %d units", path, len(units))
	}
	for _, p := range units[0].Problems {
		t.Fatalf("%s: %s", path, p.Msg)
	}
	return model.Build(units[0], model.Options{})
}

// rwModelOf builds the model of http{} contents written to a temporary file.
func rwModelOf(t *testing.T, httpBody string) *model.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "nginx.conf")
	if err := os.WriteFile(path, []byte("events {}\nhttp {\n"+httpBody+"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return rwModel(t, path)
}

// rwServer returns the server with the given server_name.
func rwServer(t *testing.T, c *model.Config, name string) *model.Block {
	t.Helper()
	for _, s := range c.Servers {
		for _, e := range s.Own("server_name") {
			if e.D.Arg(0) == name {
				return s
			}
		}
	}
	t.Fatalf("no server %s", name)
	return nil
}

// predictStatus follows a request for uri through the server rewrite
// phase, the location search and the location's rewrite phase (again after
// "rewrite ... last" or a changed URI, as nginx does up to 10 times), and
// returns the redirect status the model predicts, 0 when no redirect
// answers, and whether the model can tell.
func predictStatus(s *model.Block, uri string) (int, bool) {
	w := s.RewritePhase(uri)
	switch {
	case w.Unknown != nil:
		return 0, false
	case w.Redirect != nil:
		return w.Redirect.Status, true
	case w.Returned != nil:
		return 0, true
	}
	uri = w.URI
	for range 10 {
		m := s.FindLocation(uri)
		if m.Unknown != nil {
			return 0, false
		}
		if m.Redirect {
			return 301, true
		}
		if m.Loc == nil {
			return 0, true
		}
		w = m.Loc.RewritePhase(uri)
		switch {
		case w.Unknown != nil:
			return 0, false
		case w.Redirect != nil:
			return w.Redirect.Status, true
		case w.Returned != nil, w.Ended != nil && !w.Last, w.URI == uri:
			return 0, true
		}
		uri = w.URI
	}
	return 0, false
}

// The rewrite configuration both tests use: every location that is not
// redirected answers 200.
const rewriteConf = `
server {
    listen 127.0.0.1:{{PORT}};
    server_name strip;
    rewrite ^/(.*)/$ /$1 permanent;
    location / { return 200 "ok"; }
}
server {
    listen 127.0.0.1:{{PORT}};
    server_name flags;
    rewrite ^/old/(.*)$ /new/$1;
    rewrite ^/new/y$ /tmp;
    rewrite ^/a$ /b last;
    rewrite ^/brk$ /b break;
    rewrite ^/abs$ https://example.com/abs;
    rewrite ^/sch$ $scheme://example.com/sch;
    rewrite ^/tmp$ /x redirect;
    if ($arg_go) {
        return 307 /went;
    }
    return 301 /fallback;
}
server {
    listen 127.0.0.1:{{PORT}};
    server_name brk;
    break;
    return 301 /never;
    location / { return 200 "ok"; }
}
server {
    listen 127.0.0.1:{{PORT}};
    server_name loc;
    location /r/ {
        rewrite ^/r/(.*)$ /other/$1 redirect;
        return 200 "r";
    }
    location /u/ {
        return https://example.com/u/;
    }
    location /p/ {
        return 308 /q/;
    }
    location /n/ {
        rewrite ^/n/x$ /other;
        return 200 "n";
    }
    location /m/ {
        rewrite ^/m/(.*)$ /p/$1 last;
    }
    location /v/ {
        rewrite ^/v/(.*)$ /r/$1;
    }
    location /c/ {
        if ($arg_go) {
            return 302 /went;
        }
        return 200 "c";
    }
    location /slash/ {
        proxy_pass http://127.0.0.1:9;
    }
    location / { return 200 "ok"; }
}
`

var rewriteCases = []struct {
	server, uri string
	status      int // the redirect expected; 0 for none
}{
	{"strip", "/ws/", 301},
	{"strip", "/ws", 0},
	{"strip", "/", 0},
	{"flags", "/old/x", 301}, // the URI becomes /new/x and the walk goes on to return 301
	{"flags", "/old/y", 302}, // /new/y, then /tmp, then the redirect for /tmp
	{"flags", "/a", 0},       // last
	{"flags", "/brk", 0},     // break
	{"flags", "/abs", 302},
	{"flags", "/sch", 302},
	{"flags", "/tmp", 302},
	{"flags", "/zzz", 301}, // the if is false without ?go=1; return 301 runs
	{"brk", "/x", 0},
	{"loc", "/r/x", 302},
	{"loc", "/u/x", 302},
	{"loc", "/p/x", 308},
	{"loc", "/n/y", 0},
	{"loc", "/n/x", 0},   // URI changed to /other, but return 200 comes first
	{"loc", "/m/x", 308}, // last: location /p/ answers
	{"loc", "/v/x", 302}, // no flag: the changed URI is searched again, /r/ redirects
	{"loc", "/c/x", 0},
	{"loc", "/slash", 301}, // nginx's automatic 301 for a proxy_pass location ending in '/'
	{"loc", "/other", 0},
}

func TestRewritePhaseOffline(t *testing.T) {
	c := rwModelOf(t, strings.ReplaceAll(rewriteConf, "{{PORT}}", "8080"))
	for _, tc := range rewriteCases {
		got, ok := predictStatus(rwServer(t, c, tc.server), tc.uri)
		if !ok || got != tc.status {
			t.Errorf("server %s, %s: model predicts %d (known %v), want %d", tc.server, tc.uri, got, ok, tc.status)
		}
	}
	// conditional redirects are reported apart
	w := rwServer(t, c, "flags").RewritePhase("/zzz")
	if len(w.Conditional) != 1 || w.Conditional[0].Status != 307 || w.Conditional[0].If == nil {
		t.Errorf("flags /zzz: conditional %+v, want the 307 inside if", w.Conditional)
	}
	loc := rwServer(t, c, "loc").FindLocation("/c/x").Loc
	if w := loc.RewritePhase("/c/x"); w.Redirect != nil || len(w.Conditional) != 1 || w.Returned == nil {
		t.Errorf("location /c/: %+v, want a conditional 302 and the return 200 ending the phase", w)
	}
	// a regex Go cannot compile makes the walk unknown
	c2 := rwModelOf(t, "server { server_name la; rewrite ^/(?!static) /x permanent; }")
	if w := rwServer(t, c2, "la").RewritePhase("/a"); w.Unknown == nil || w.Redirect != nil {
		t.Errorf("look-ahead rewrite: %+v, want unknown", w)
	}
}

// TestRewritePhaseAgreesWithNginx runs the same configuration in nginx: every
// status the model predicts must be the one nginx answers.
func TestRewritePhaseAgreesWithNginx(t *testing.T) {
	nginxtest.Require(t)
	n := nginxtest.Start(t, rewriteConf)
	c := rwModel(t, n.ConfPath())
	for _, tc := range rewriteCases {
		want, ok := predictStatus(rwServer(t, c, tc.server), tc.uri)
		if !ok {
			t.Fatalf("%s %s: the model cannot tell", tc.server, tc.uri)
		}
		resp := nginxtest.Get(t, n.URL(tc.uri), http.Header{"Host": {tc.server}})
		redirect := resp.Status >= 300 && resp.Status < 400
		switch {
		case want == 0 && redirect:
			t.Errorf("server %s, %s: nginx answers %d, the model predicts no redirect", tc.server, tc.uri, resp.Status)
		case want != 0 && resp.Status != want:
			t.Errorf("server %s, %s: nginx answers %d, the model predicts %d", tc.server, tc.uri, resp.Status, want)
		}
	}
}

// The prefix-versus-regex configuration: each location answers its name.
const shadowConf = `
server {
    listen 127.0.0.1:{{PORT}};
    server_name shadow;
    location / { return 200 "root"; }
    location /ws/ { return 200 "ws"; }
    location ^~ /hub/ { return 200 "hub"; }
    location = /cable { return 200 "cable"; }
    location /live/ {
        return 200 "live";
        NESTED
    }
    REGEX
}
`

const shadowRegexes = `location ~ ^/(ws|hub|cable|live)/ { return 200 "regex"; }
    location ~* /CHAT$ { return 200 "chat"; }`

// locationName returns the text a location answers with.
func locationName(b *model.Block) string {
	if b == nil {
		return ""
	}
	for _, e := range b.Own("return") {
		return e.D.Arg(1)
	}
	return ""
}

// TestPrefixLocationAgreesWithNginx checks FindLocation against nginx with
// the regex locations, and PrefixLocation against nginx without them.
func TestPrefixLocationAgreesWithNginx(t *testing.T) {
	nginxtest.Require(t)
	uris := []string{"/", "/ws/", "/ws/chat", "/hub/x", "/hub/chat", "/cable", "/cable/", "/live/a.m3u8", "/live/x", "/other/chat"}
	nested := `location ~ \.m3u8$ { return 200 "m3u8"; }`
	with := nginxtest.Start(t, strings.NewReplacer("REGEX", shadowRegexes, "NESTED", nested).Replace(shadowConf))
	without := nginxtest.Start(t, strings.NewReplacer("REGEX", "", "NESTED", "").Replace(shadowConf))
	s := rwServer(t, rwModel(t, with.ConfPath()), "shadow")
	for _, uri := range uris {
		h := http.Header{"Host": {"shadow"}}
		if got, want := locationName(s.FindLocation(uri).Loc), nginxtest.Get(t, with.URL(uri), h).Body; got != want {
			t.Errorf("FindLocation(%s) = %q, nginx with regexes answers %q", uri, got, want)
		}
		if got, want := locationName(s.PrefixLocation(uri)), nginxtest.Get(t, without.URL(uri), h).Body; got != want {
			t.Errorf("PrefixLocation(%s) = %q, nginx without regexes answers %q", uri, got, want)
		}
	}
}

func TestServesPlainHTTP(t *testing.T) {
	c := rwModelOf(t, `
server { server_name none; }
server { server_name plain; listen 8080; }
server { server_name tls; listen 443 ssl; listen [::]:443 ssl; }
server { server_name quic; listen 443 quic; listen 443 ssl; }
server { server_name mixed; listen 80; listen 443 ssl; }
server { server_name sslon; listen 443; ssl on; }
`)
	for name, want := range map[string]bool{"none": true, "plain": true, "tls": false, "quic": false, "mixed": true, "sslon": false} {
		plain, known := rwServer(t, c, name).ServesPlainHTTP()
		if !known || plain != want {
			t.Errorf("server %s: ServesPlainHTTP = %v (known %v), want %v", name, plain, known, want)
		}
	}
}

func TestUpstreamKeepalive(t *testing.T) {
	c := rwModelOf(t, `
upstream on { server 127.0.0.1:1; keepalive 16; }
upstream off { server 127.0.0.1:1; keepalive 0; }
upstream dflt { server 127.0.0.1:1; }
`)
	cases := []struct {
		up, version string
		want        bool
	}{
		{"on", "1.22.1", true}, {"on", "unknown", true}, {"off", "1.30.0", false},
		{"dflt", "1.22.1", false}, {"dflt", "unknown", false}, {"dflt", "1.29.6", false},
		{"dflt", "1.29.7", true}, {"dflt", "1.31.5", true},
	}
	for _, tc := range cases {
		v, err := spec.ParseVersion(tc.version)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := c.Upstreams[tc.up].UpstreamKeepalive(v); got != tc.want {
			t.Errorf("upstream %s on %s: keepalive %v, want %v", tc.up, tc.version, got, tc.want)
		}
	}
}
