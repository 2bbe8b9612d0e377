package main

import (
	"strings"
	"testing"
)

// TestIncludedSyntaxErrorFailsTheGate: a file that an include reads and
// that does not parse makes nginx -t fail ("unexpected "}" in bad.conf:3"),
// so ngxlint must report it at that line and exit 1 in every format,
// whether the include is a plain path, a glob, or reached from a fragment
// linted in its natural context.
func TestIncludedSyntaxErrorFailsTheGate(t *testing.T) {
	bad := "server {\n listen 8080\n}\n"
	cases := []struct {
		name  string
		files map[string]string
		arg   string
		want  string // file:line:col of the finding
	}{
		{
			name:  "plain include",
			files: map[string]string{"nginx.conf": "events {}\nhttp {\n    include bad.conf;\n}\n", "bad.conf": bad},
			arg:   "nginx.conf",
			want:  "bad.conf:3:1",
		},
		{
			name:  "glob include",
			files: map[string]string{"nginx.conf": "events {}\nhttp {\n    include conf.d/*.conf;\n}\n", "conf.d/a.conf": "server {\n    listen 8081;\n}\n", "conf.d/bad.conf": bad},
			arg:   "nginx.conf",
			want:  "conf.d/bad.conf:3:1",
		},
		{
			name: "nested include",
			files: map[string]string{
				"nginx.conf":      "events {}\nhttp {\n    include conf.d/*.conf;\n}\n",
				"conf.d/a.conf":   "server {\n    listen 8081;\n    include snippets/x.conf;\n}\n",
				"snippets/x.conf": "location / {\n    return 200\n}\n",
			},
			arg:  "nginx.conf",
			want: "snippets/x.conf:3:1",
		},
		{
			name: "fragment linted inside its nginx.conf",
			files: map[string]string{
				"nginx.conf":        "events {}\nhttp {\n    include sites-enabled/*;\n}\n",
				"sites-enabled/app": "server {\n    listen 8081;\n    include snippets/app.conf;\n}\n",
				"snippets/app.conf": bad,
			},
			arg:  "sites-enabled/app",
			want: "snippets/app.conf:3:1",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeTree(t, c.files)
			for _, format := range []string{"text", "json", "sarif", "github", "checkstyle"} {
				code, out, errOut := runIn(dir, "", "lint", "--format", format, c.arg)
				if code != 1 {
					t.Errorf("%s: exit %d, want 1 (nginx -t fails on the included file)\nstdout:\n%s\nstderr:\n%s", format, code, out, errOut)
				}
				if !strings.Contains(out, "NGX001") {
					t.Errorf("%s: no NGX001 in the output:\n%s", format, out)
				}
			}
			_, out, _ := runIn(dir, "", "lint", c.arg)
			if !strings.Contains(out, c.want+": error: unexpected \"}\"") {
				t.Errorf("text output does not report the error at %s:\n%s", c.want, out)
			}
		})
	}
}
