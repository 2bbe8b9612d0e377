package websocket

import (
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/parser/nginxtest"
	"github.com/ngxlint/ngxlint/rules"
)

// Helpers for the end-to-end tests of WS015-WS020 and WS023: a real nginx
// on loopback, the echo backend, and the rules run on the very nginx.conf
// nginx runs.

// bConf is the skeleton of those configurations: the canonical map, and a
// server whose body the test gives. {{ECHO}} is the echo backend.
const bConf = `
map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}

server {
    listen 127.0.0.1:{{PORT}};
    server_name test.example;
BODY
}
`

// bStart runs nginx with body in the skeleton's server.
func bStart(t *testing.T, echo *nginxtest.Echo, body string) *nginxtest.Nginx {
	t.Helper()
	return nginxtest.Start(t, bText(echo, body))
}

func bText(echo *nginxtest.Echo, body string) string {
	return strings.ReplaceAll(strings.Replace(bConf, "BODY", body, 1), "{{ECHO}}", echo.Addr)
}

// bLint lints the nginx.conf nginx runs and returns the findings of rule id.
func bLint(t *testing.T, n *nginxtest.Nginx, opts *rules.Options, id string) []*rules.Finding {
	t.Helper()
	return findingsOf(lintRunning(t, n, opts), id)
}

// replaceExtra puts extra directives where a location template says EXTRA.
func replaceExtra(tmpl, extra string) string { return strings.ReplaceAll(tmpl, "EXTRA", extra) }

// nginxVersion is the version of the nginx the tests run.
func nginxVersion(t *testing.T) model.Version {
	t.Helper()
	v, err := model.ParseVersion(nginxtest.Version(t))
	if err != nil {
		t.Fatal(err)
	}
	return v
}
