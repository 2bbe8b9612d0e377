package websocket

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
)

func TestServingFollowsNamedLocations(t *testing.T) {
	cfg := buildConf(t, `
server {
    listen 80;
    root /srv/www;
    error_page 500 502 = @down;

    location / {
        try_files $uri @app;
    }
    location /static/ {
        error_page 404 = @app;
    }
    location /files/ {
        try_files $uri =404;
        error_page 403 404 @app;
    }
    location /gone/ {
        return 410;
        error_page 410 = @app;
    }
    location /mixed/ {
        error_page 418 = @ws;
        if ($http_upgrade ~* ^websocket$) {
            return 418;
        }
        proxy_pass http://127.0.0.1:8000;
    }
    location /plain-only/ {
        error_page 418 = @ws;
        if ($http_upgrade = "") {
            return 418;
        }
        proxy_pass http://127.0.0.1:8000;
    }
    location /other-test/ {
        error_page 418 = @ws;
        if ($request_method = POST) {
            return 418;
        }
        proxy_pass http://127.0.0.1:8000;
    }
    location /own/ {
        proxy_pass http://127.0.0.1:8000;
    }
    location /static-no-fallback/ {
    }
    location /missing/ {
        try_files $uri @nowhere;
    }

    location @app { proxy_pass http://127.0.0.1:9000; }
    location @ws { proxy_pass http://127.0.0.1:9001; }
    location @down { return 503; }
}
`, "")
	srv := cfg.Servers[0]
	for uri, want := range map[string]string{
		"/x":                     "location @app",
		"/static/ws":             "location @app",
		"/files/ws":              "location @app",
		"/gone/ws":               "location @app",
		"/mixed/ws":              "location @ws",
		"/plain-only/ws":         "location /plain-only/",
		"/other-test/ws":         "location /other-test/",
		"/own/ws":                "location /own/",
		"/static-no-fallback/ws": "location /static-no-fallback/",
		"/missing/ws":            "location /missing/",
	} {
		m := srv.FindLocation(uri)
		if m.Loc == nil {
			t.Errorf("%s: no location", uri)
			continue
		}
		if got := Serving(m.Loc).Name(); got != want {
			t.Errorf("%s: served by %s, want %s", uri, got, want)
		}
	}
}

func TestTestsUpgrade(t *testing.T) {
	cfg := buildConf(t, `
server {
    location / {
        if ($http_upgrade) { return 418; }
        if ($HTTP_UPGRADE = "websocket") { return 418; }
        if ( $http_upgrade ~* websocket ) { return 418; }
        if ($http_connection ~* upgrade) { return 418; }
        if ($http_upgrade != "") { return 418; }
        if ($http_upgrade = "") { return 418; }
        if ($http_upgrade != "websocket") { return 418; }
        if ($http_upgrade !~* websocket) { return 418; }
        if ($arg_ws) { return 418; }
        if (-f $request_filename) { return 418; }
    }
}
`, "")
	want := []bool{true, true, true, true, true, false, false, false, false, false}
	var got []bool
	for _, b := range cfg.Locations {
		if b.Kind.String() == "if" {
			got = append(got, testsUpgrade(b.Dir))
		}
	}
	if len(got) != len(want) {
		t.Fatalf("if blocks: %d", len(got))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("if #%d: testsUpgrade = %v, want %v", i+1, got[i], want[i])
		}
	}
}

// buildConf models a configuration text for unit tests of helpers.
func buildConf(t *testing.T, src, version string) *model.Config {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "site.conf")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	units, err := parser.Load([]string{p}, parser.Options{Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	v, err := model.ParseVersion(version)
	if err != nil {
		t.Fatal(err)
	}
	return model.Build(units[0], model.Options{Version: v})
}
