package model_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser/model"
)

// Each server names itself in its answer; the first is the default by
// default_server although it is not written first.
const serverNamesConf = `
server {
    listen 127.0.0.1:{{PORT}};
    server_name first.example;
    return 200 "first";
}
server {
    listen 127.0.0.1:{{PORT}} default_server;
    server_name _;
    return 421;
}
server {
    listen 127.0.0.1:{{PORT}};
    server_name *.wild.example .dot.example;
    return 200 "lead";
}
server {
    listen 127.0.0.1:{{PORT}};
    server_name *.deep.wild.example;
    return 200 "lead-long";
}
server {
    listen 127.0.0.1:{{PORT}};
    server_name www.tail.*;
    return 200 "trail";
}
server {
    listen 127.0.0.1:{{PORT}};
    server_name ~^re\d+\.example$ exact.example;
    return 200 "re";
}
`

// serverNameCases: Host -> the answer nginx 1.22.1 gave (recorded by hand).
var serverNameCases = []struct{ host, want string }{
	{"first.example", "first"},
	{"FIRST.example", "first"},
	{"unknown.example", "421"},
	{"a.wild.example", "lead"},
	{"wild.example", "421"},
	{"x.deep.wild.example", "lead-long"},
	{"dot.example", "lead"},
	{"a.b.dot.example", "lead"},
	{"www.tail.org", "trail"},
	{"re12.example", "re"},
	{"exact.example", "re"},
	{"rex.example", "421"},
}

func answerOf(s *model.Block) string {
	e, ok := s.First("return")
	switch {
	case !ok:
		return "?"
	case e.D.Arg(0) == "200":
		return e.D.Arg(1)
	}
	return e.D.Arg(0)
}

func TestServerForOffline(t *testing.T) {
	c := offlineModel(t, strings.ReplaceAll(serverNamesConf, "{{PORT}}", "8123"), nil)
	key := "127.0.0.1:8123"
	for _, tc := range serverNameCases {
		s := c.ServerFor(key, tc.host)
		if s == nil || answerOf(s) != tc.want {
			t.Errorf("Host %s: model picks %v, nginx answered %s", tc.host, s, tc.want)
		}
	}
	def := c.DefaultServer(key)
	if def == nil || answerOf(def) != "421" || !def.RejectsUnknownHosts() {
		t.Errorf("the default server is the one with default_server, and it rejects unknown hosts")
	}
	for _, s := range c.Servers {
		if answerOf(s) == "first" && !s.OnlyNamedHosts() {
			t.Errorf("first.example is reached only with its own name")
		}
	}
}

func TestServerForAgreesWithNginx(t *testing.T) {
	n, c := liveModel(t, serverNamesConf, nil, nil)
	key := "127.0.0.1:" + strings.TrimPrefix(n.Addr(), "127.0.0.1:")
	for _, tc := range serverNameCases {
		req, err := http.NewRequest("GET", n.URL("/"), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = tc.host
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var buf [64]byte
		k, _ := res.Body.Read(buf[:])
		_ = res.Body.Close()
		got := string(buf[:k])
		if res.StatusCode != 200 {
			got = res.Status[:3]
		}
		if got != tc.want {
			t.Errorf("Host %s: nginx answered %s, the table says %s", tc.host, got, tc.want)
		}
		if s := c.ServerFor(key, tc.host); s == nil || answerOf(s) != got {
			t.Errorf("Host %s: model picks %v, nginx answered %s", tc.host, s, got)
		}
	}
}

func TestOnlyNamedHosts(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       bool
	}{
		{"default rejects", "server { listen 80 default_server; return 444; }\nserver { listen 80; server_name app.example; }", true},
		{"no default", "server { listen 80; server_name app.example; }", false},
		{"default serves", "server { listen 80 default_server; root /srv; }\nserver { listen 80; server_name app.example; }", false},
		{"catch-all regex", "server { listen 80 default_server; return 444; }\nserver { listen 80; server_name ~.*; }", false},
		{"tls reject", "server { listen 443 ssl default_server; ssl_reject_handshake on; }\nserver { listen 443 ssl; server_name app.example; }", true},
		{"second port open", "server { listen 80 default_server; return 444; }\nserver { listen 80; listen 8080; server_name app.example; }", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := offlineModel(t, tc.body, nil)
			s := c.Servers[len(c.Servers)-1]
			if got := s.OnlyNamedHosts(); got != tc.want {
				t.Errorf("OnlyNamedHosts = %v, want %v", got, tc.want)
			}
		})
	}
}
