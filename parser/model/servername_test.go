package model_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
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
server {
    listen 127.0.0.1:{{PORT}};
    server_name ~^UP\d+\.example$;
    return 200 "re-upper";
}
server {
    listen 127.0.0.1:{{PORT}};
    server_name .conf.example;
    return 200 "dot-first";
}
server {
    listen 127.0.0.1:{{PORT}};
    server_name conf.example;
    return 200 "exact-second";
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
	// nginx matches regex names against the lower-cased Host, caselessly
	// when the pattern has an upper-case letter
	{"up7.example", "re-upper"},
	// ".conf.example" is also the exact name conf.example, which the first
	// server to list it keeps
	{"conf.example", "dot-first"},
	{"a.conf.example", "dot-first"},
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
		// listen 80 and listen 0.0.0.0:80 are one socket (INADDR_ANY)
		{"default on 0.0.0.0", "server { listen 0.0.0.0:80 default_server; return 444; }\nserver { listen 80; server_name app.example; }", true},
		// a regex that lets a foreign name through takes any client-chosen one
		{"dotted regex", "server { listen 80 default_server; return 444; }\nserver { listen 80; server_name ~^.+\\..+$; }", false},
		{"unix shield", "server { listen unix:/run/a.sock default_server; return 444; }\nserver { listen unix:/run/a.sock; server_name app.example; }", true},
		{"first server rejects", "server { listen 80; return 444; }\nserver { listen 80; server_name app.example; }", true},
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

// Sockets as nginx groups servers: every address of a port is one socket
// however it is written, a unix socket has a default server like a port,
// and a regex name that takes a foreign name reaches the server with any
// Host.
func TestHostReachSockets(t *testing.T) {
	c := offlineModel(t, `
server { listen unix:/run/app.sock; server_name unix.test; }
server { listen 0.0.0.0:8124 default_server; return 444; }
server { listen 8124; server_name behind.test; }
server { listen *:8124; server_name dotted.test ~^.+\..+$; }`, nil)
	want := map[string]string{ // first name -> Why, "" when not reachable with any Host
		"unix.test":   "it is the first server that listens on unix:/run/app.sock and none is marked default_server, so nginx makes it the default",
		"":            "it is the default_server for port 8124 (line 5)",
		"behind.test": "",
		"dotted.test": `its server_name ~^.+\..+$ matches any host`,
	}
	for _, s := range c.Servers {
		name := s.ServerNames()[0]
		r := s.Reach()
		if !r.Known || r.AnyHost != (want[name] != "") || r.Why != want[name] {
			t.Errorf("%s: %+v, want Why %q", name, r, want[name])
		}
	}
	if d := c.DefaultServer("0.0.0.0:8124"); d == nil || d.ServerNames()[0] != "" {
		t.Errorf("the default of *:8124 is the server with default_server, got %v", d)
	}
	if s := c.ServerFor("0.0.0.0:8124", "attacker.invalid"); s == nil || s.ServerNames()[0] != "dotted.test" {
		t.Errorf("a foreign name reaches the dotted regex, got %v", s)
	}
}

// BenchmarkHostModel: building the server-selection model and asking every
// server's Reach, OnlyNamedHosts and a ServerFor costs the same per server
// however many servers share the port (compare ns/server across sizes).
func BenchmarkHostModel(b *testing.B) {
	for _, n := range []int{100, 1000, 4000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			var conf strings.Builder
			conf.WriteString("events {}\nhttp {\nserver { listen 8080 default_server; return 444; }\n")
			for i := range n {
				fmt.Fprintf(&conf, "server { listen 8080; listen 8443 ssl; server_name s%d.example *.w%d.example ~^r%d-\\d+$; }\n", i, i, i)
			}
			conf.WriteString("}\n")
			path := filepath.Join(b.TempDir(), "nginx.conf")
			if err := os.WriteFile(path, []byte(conf.String()), 0o644); err != nil {
				b.Fatal(err)
			}
			units, err := parser.Load([]string{path}, parser.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				c := model.Build(units[0], model.Options{})
				b.StartTimer()
				for i, s := range c.Servers {
					_ = s.Reach()
					_ = s.OnlyNamedHosts()
					_ = c.ServerFor("0.0.0.0:8080", "s"+strconv.Itoa(i)+".example")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*(n+1)), "ns/server")
		})
	}
}
