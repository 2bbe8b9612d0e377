package model_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ngxlint/ngxlint/parser/model"
)

func TestWorkersOf(t *testing.T) {
	for _, c := range []struct {
		name, conf                          string
		conns, room, listening              int
		tooFew, rlimitBelow, softLimitBelow bool
	}{
		{name: "defaults", conf: "events {}\nhttp { server { listen 80; location / { proxy_pass http://b; } } }",
			conns: 512, room: 255, listening: 1},
		{name: "tiny proxy", conf: "events { worker_connections 64; }\nhttp { server { listen 80; listen 443; location / { fastcgi_pass b; } } }",
			conns: 64, room: 30, listening: 2, tooFew: true},
		{name: "tiny static", conf: "events { worker_connections 64; }\nhttp { server { listen 80; } }",
			conns: 64, room: 31, listening: 1},
		{name: "server without listen", conf: "events { worker_connections 8; }\nhttp { server { location / { proxy_pass http://b; } } }",
			conns: 8, room: 3, listening: 1, tooFew: true},
		{name: "rlimit below", conf: "worker_rlimit_nofile 1024;\nevents { worker_connections 4096; }\nhttp { server { listen 80; } }",
			conns: 4096, room: 2047, listening: 1, rlimitBelow: true},
		{name: "rlimit equal", conf: "worker_rlimit_nofile 4096;\nevents { worker_connections 4096; }\nhttp { server { listen 80; } }",
			conns: 4096, room: 2047, listening: 1},
		{name: "no rlimit above 1024", conf: "events { worker_connections 1025; }\nhttp { server { listen 80; } }",
			conns: 1025, room: 511, listening: 1, softLimitBelow: true},
		{name: "no rlimit at 1024", conf: "events { worker_connections 1024; }\nhttp { server { listen 80; } }",
			conns: 1024, room: 511, listening: 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "nginx.conf")
			if err := os.WriteFile(path, []byte(c.conf), 0o644); err != nil {
				t.Fatal(err)
			}
			w, ok := model.WorkersOf(loadConf(t, path, recorded))
			if !ok {
				t.Fatal("no worker sizing")
			}
			if w.Connections != c.conns || w.ProxiedRoom() != c.room || w.Listening != c.listening {
				t.Errorf("connections %d, room %d, listening %d; want %d, %d, %d", w.Connections, w.ProxiedRoom(), w.Listening, c.conns, c.room, c.listening)
			}
			if w.TooFewForProxy() != c.tooFew || w.RlimitBelow() != c.rlimitBelow || w.SoftLimitBelow() != c.softLimitBelow {
				t.Errorf("tooFew %v, rlimitBelow %v, softLimitBelow %v; want %v, %v, %v", w.TooFewForProxy(), w.RlimitBelow(), w.SoftLimitBelow(), c.tooFew, c.rlimitBelow, c.softLimitBelow)
			}
		})
	}
	t.Run("fragment", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "site.conf")
		if err := os.WriteFile(path, []byte("server { listen 80; location / { proxy_pass http://b; } }"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, ok := model.WorkersOf(loadConf(t, path, recorded)); ok {
			t.Error("a fragment has no worker sizing")
		}
	})
}
