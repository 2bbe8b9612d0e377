package main

import "testing"

// TestDifferentialParse: the suite reads nginx's [emerg] line, with and
// without a place, and sorts it into the classes of its report; run-time
// WebSocket errors are told from nginx -t claims.
func TestDifferentialParse(t *testing.T) {
	for _, c := range []struct {
		out, msg, file, line, class string
	}{
		{"nginx: [emerg] unknown directive \"proxy_pas\" in /tmp/x/conf.d/a.conf:12\nnginx: configuration file /tmp/x/nginx.conf test failed\n",
			`unknown directive "proxy_pas"`, "/tmp/x/conf.d/a.conf", "12", "unknown directive"},
		{"nginx: [emerg] pcre2_compile() failed: missing closing parenthesis in \"^(a\" in /tmp/x/nginx.conf:3\n",
			`pcre2_compile() failed: missing closing parenthesis in "^(a"`, "/tmp/x/nginx.conf", "3", "invalid regex"},
		{"nginx: [warn] something\nnginx: [emerg] no \"events\" section in configuration\n",
			`no "events" section in configuration`, "", "", "other"},
		{"nginx: [emerg] unknown \"lang\" variable in :0\n", `unknown "lang" variable`, "", "0", "unknown variable"},
		{"nginx: [emerg] invalid number of the map parameters in /d/m.conf:4\n", "invalid number of the map parameters", "/d/m.conf", "4", "invalid number of arguments"},
		{"nginx: [emerg] a duplicate default server for 127.0.0.1:4000 in /d/s:2\n", "a duplicate default server for 127.0.0.1:4000", "/d/s", "2", "duplicate"},
	} {
		m := emergRE.FindStringSubmatch(c.out)
		if m == nil || m[1] != c.msg || m[2] != c.file || m[3] != c.line {
			t.Errorf("%q: got %q", c.out, m)
			continue
		}
		if got := nginxClass(m[1]); got != c.class {
			t.Errorf("%q: class %q, want %q", m[1], got, c.class)
		}
	}
	for rule, want := range map[string]bool{"WS001": true, "WS023": true, "WS029": false, "WS011": false, "NGX001": false, "C001": false} {
		if runtimeError(rule) != want {
			t.Errorf("runtimeError(%s) = %v", rule, !want)
		}
	}
}
