package main

import (
	"path/filepath"
	"testing"
)

// TestFragmentsSeeTheirNginxConf: linting a whole checkout laid out like
// h5bp/server-configs-nginx (templates under conf.d/templates that
// nginx.conf does not include, snippets using maps defined in nginx.conf)
// finds nothing: includes resolve against nginx.conf's directory and its
// maps count as defined. Before, every snippet variable was "undefined".
func TestFragmentsSeeTheirNginxConf(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"nginx.conf":                      "events { worker_connections 1024; }\nhttp {\n    map $sent_http_content_type $cors { default \"\"; ~font/ \"*\"; }\n    include conf.d/*.conf;\n}\n",
		"conf.d/templates/example.conf":   "server {\n    listen 80;\n    server_name example.com;\n    include h5bp/basic.conf;\n}\n",
		"h5bp/basic.conf":                 "include h5bp/cross-origin/requests.conf;\n",
		"h5bp/cross-origin/requests.conf": "add_header Access-Control-Allow-Origin $cors;\n",
	})
	code, out, errOut := runIn(dir, "", "lint", "--fail-level", "info", dir)
	if code != 0 || out != "" || errOut != "" {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	// The snippet alone, named on the command line (as pre-commit does).
	code, out, _ = runIn(dir, "", "lint", "--fail-level", "info", filepath.Join(dir, "h5bp/cross-origin/requests.conf"))
	if code != 0 || out != "" {
		t.Errorf("snippet alone: exit %d\n%s", code, out)
	}
}
