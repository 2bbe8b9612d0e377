package all

import (
	"sort"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/rules/ruletest"
)

// The one story for Host: a configuration that follows WS021's advice
// (the value its fix writes, or, where it cannot fix, what its message
// says to do) gets nothing from SEC005, the host-spoofing rule. Both ask
// the same server-name model (parser/model/servername.go), so they cannot
// disagree on whether a server is reachable with any Host.

// hostApp is a declared WebSocket location on an odd port, where $host
// drops the port WS021 wants kept. {{LISTEN}} and {{NAME}} vary.
const hostApp = `
server {
    {{LISTEN}}
    server_name {{NAME}};

    # ngxlint: websocket
    location /ws/ {
        proxy_pass http://127.0.0.1:9001;
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        proxy_read_timeout 1h;
    }
}
`

var hostStoryCases = []struct {
	name, before, listen, hostName, after string
}{
	{name: "shield first", before: "server { listen 8080 default_server; return 444; }", listen: "listen 8080;"},
	{name: "shield after", after: "server { listen 8080 default_server; return 444; }", listen: "listen 8080;"},
	{name: "shield on 0.0.0.0", before: "server { listen 0.0.0.0:8080 default_server; return 444; }", listen: "listen 8080;"},
	{name: "shield in location /", before: "server { listen 8080 default_server; location / { return 403; } }", listen: "listen 8080;"},
	{name: "first server shields", before: "server { listen 8080; server_name _; return 444; }", listen: "listen 8080;"},
	{name: "tls shield", before: "server { listen 80 default_server; listen 8443 ssl default_server; ssl_reject_handshake on; return 444; }",
		listen: "listen 80; listen 8443 ssl; ssl_certificate /etc/ssl/a.pem; ssl_certificate_key /etc/ssl/a.key;"},
	{name: "two ports, one shielded", before: "server { listen 8080 default_server; return 444; }", listen: "listen 8080; listen 8081;"},
	{name: "unix and port", before: "server { listen unix:/run/ws.sock default_server; listen 8080 default_server; return 444; }",
		listen: "listen unix:/run/ws.sock; listen 8080;"},
	{name: "alone", listen: "listen 8080;"},
	{name: "alone, named by wildcard", listen: "listen 8080;", hostName: "*.chat.example.com"},
	{name: "catch-all regex", before: "server { listen 8080 default_server; return 444; }", listen: "listen 8080;", hostName: "~^(?<tenant>.+)$"},
	{name: "dotted regex", before: "server { listen 8080 default_server; return 444; }", listen: "listen 8080;", hostName: `~^.+\..+$`},
	{name: "default serves", before: "server { listen 8080 default_server; root /srv/www; }", listen: "listen 8080;"},
}

func TestWS021AdviceKeepsSEC005Silent(t *testing.T) {
	fixed, advised := 0, 0
	for _, whole := range []bool{true, false} {
		for _, tc := range hostStoryCases {
			name := tc.name
			if !whole {
				name += " (fragment)"
			}
			t.Run(name, func(t *testing.T) {
				hostName := tc.hostName
				if hostName == "" {
					hostName = "chat.example.com"
				}
				app := strings.NewReplacer("{{LISTEN}}", tc.listen, "{{NAME}}", hostName).Replace(hostApp)
				wrap := func(servers ...string) string {
					body := strings.Join(servers, "\n")
					if whole {
						return "events {}\nhttp {\n" + body + "\n}\n"
					}
					return body + "\n"
				}
				text := wrap(tc.before, app, tc.after)
				fs := ruletest.LintText(t, text, "WS021")
				if len(fs) != 1 {
					t.Fatalf("WS021 should report the Host line once, got %d findings", len(fs))
				}
				f := fs[0]
				var follow string
				switch {
				case f.Fix != nil:
					// the value its fix writes
					edits := f.Fix.Edits
					sort.Slice(edits, func(i, j int) bool { return edits[i].Start > edits[j].Start })
					follow = text
					for _, e := range edits {
						follow = follow[:e.Start] + e.New + follow[e.End:]
					}
					if strings.Contains(follow, "$http_host") {
						fixed++
					}
				case strings.Contains(f.NoFix, "default_server; return 444;"):
					// what its message says: a server_name that lists
					// names (where a regex took any), a default server
					// that rejects unknown names on each port, and
					// $http_host
					if !strings.Contains(f.NoFix, "server_name") && strings.HasPrefix(hostName, "~") {
						t.Fatalf("WS021 does not say that server_name %s takes any Host: %s", hostName, f.NoFix)
					}
					advised++
					app = strings.Replace(app, "Host $host;", "Host $http_host;", 1)
					if strings.HasPrefix(hostName, "~") {
						app = strings.Replace(app, "server_name "+hostName, "server_name chat.example.com", 1)
					}
					// a default server that serves gives way to one that
					// rejects
					kept := ""
					if !strings.Contains(tc.before, "root") {
						kept = tc.before
					}
					shields := []string{kept, app}
					for _, port := range []string{"8080", "8081"} {
						if strings.Contains(tc.listen, port) && !strings.Contains(kept, "listen "+port+" default_server") {
							shields = append(shields, "server { listen "+port+" default_server; return 444; }")
						}
					}
					follow = wrap(append(shields, tc.after)...)
				default:
					t.Fatalf("WS021 neither fixes nor says what to do: %s / %s", f.Message, f.NoFix)
				}
				for _, g := range ruletest.LintText(t, follow, "SEC005") {
					t.Errorf("after WS021's advice, SEC005 says (line %d): %s\n%s", g.Pos().Line, g.Message, follow)
				}
			})
		}
	}
	if fixed == 0 || advised == 0 {
		t.Errorf("the cases should include fixes to $http_host (%d) and advice without a fix (%d)", fixed, advised)
	}
}
