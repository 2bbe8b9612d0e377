package model_test

import (
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/parser/nginxtest"
	"github.com/ngxlint/ngxlint/parser/spec"
)

// The directive table says which directives nginx refuses inside if; the
// nginx binary must agree, in a location's if and in a server's if.
func TestIfContextsAgreeWithNginx(t *testing.T) {
	nginxtest.Require(t)
	lines := []string{
		"proxy_set_header X-A b;", "proxy_http_version 1.1;", "proxy_read_timeout 60s;", "proxy_send_timeout 60s;",
		"proxy_connect_timeout 5s;", "proxy_hide_header X-A;", "proxy_buffering off;", "proxy_pass http://127.0.0.1:9;",
		"add_header X-A b;", "return 204;", "set $ctx_x 1;", "rewrite ^ /x;", "break;", "root /tmp;", "gzip on;",
		"limit_rate 1k;", "access_log off;", "expires 1h;", "client_max_body_size 1m;", "fastcgi_pass 127.0.0.1:9;",
		"uwsgi_pass 127.0.0.1:9;", "scgi_pass 127.0.0.1:9;", "grpc_pass 127.0.0.1:9;", "error_page 404 /x;",
		"sendfile on;", "charset utf-8;", "keepalive_timeout 10s;", "proxy_cache_bypass $http_upgrade;",
		"if ($arg_y) { return 204; }", "location /x { return 204; }",
	}
	for _, line := range lines {
		name := strings.TrimSuffix(strings.Fields(line)[0], ";")
		for _, where := range []struct {
			ctx  spec.Ctx
			conf string
		}{
			{spec.CtxHTTPLocationIf, "server {\n listen 127.0.0.1:{{PORT}};\n location / {\n  if ($arg_x) {\n   " + line + "\n  }\n  return 204;\n }\n}"},
			{spec.CtxHTTPServerIf, "server {\n listen 127.0.0.1:{{PORT}};\n if ($arg_x) {\n  " + line + "\n }\n location / { return 204; }\n}"},
		} {
			_, known, allowed := spec.In(name, where.ctx)
			if !known {
				t.Errorf("%s: not in the directive table", name)
				continue
			}
			ok, out := nginxtest.Test(t, where.conf)
			notAllowed := strings.Contains(out, `"`+name+`" directive is not allowed here`)
			switch {
			case allowed && !ok:
				t.Errorf("%s in %s: the table allows it, nginx -t says:\n%s", name, where.ctx, out)
			case !allowed && !notAllowed:
				t.Errorf("%s in %s: the table refuses it, nginx -t (ok=%v) says:\n%s", name, where.ctx, ok, out)
			}
		}
	}
}

// CheckTime must accept exactly what nginx accepts in a millisecond slot
// (proxy_read_timeout) and a second slot (open_file_cache_valid), and every
// value CorrectTime proposes must pass nginx -t.
func TestTimeValuesAgreeWithNginx(t *testing.T) {
	nginxtest.Require(t)
	values := []string{"60", "60s", "1H", "90S", "60sec", "5min", "1M", "1y", "1Y", "1.5h", "0.5s", "30m 1h",
		"1h 1h", "500ms", "2000ms", "500MS", "-1", "", "1x", "1h30M", "1d12h", "0", "1w2d", "2hours",
		"9223372036854775807ms", "9223372036854775808ms"}
	slots := []struct {
		name    string
		seconds bool
		conf    func(v string) string
	}{
		{"proxy_read_timeout", false, func(v string) string {
			return "server {\n listen 127.0.0.1:{{PORT}};\n location / {\n  proxy_read_timeout \"" + v + "\";\n  return 204;\n }\n}"
		}},
		{"open_file_cache_valid", true, func(v string) string {
			return "open_file_cache_valid \"" + v + "\";\nserver {\n listen 127.0.0.1:{{PORT}};\n location / { return 204; }\n}"
		}},
	}
	for _, s := range slots {
		for _, v := range values {
			ok, out := nginxtest.Test(t, s.conf(v))
			err := model.CheckTime(v, s.seconds, false)
			if ok != (err == nil) {
				t.Errorf("%s %q: nginx -t ok=%v, CheckTime: %v\n%s", s.name, v, ok, err, out)
			}
			if ok {
				continue
			}
			if !strings.Contains(out, `"`+s.name+`" directive invalid value`) {
				t.Errorf("%s %q: unexpected nginx -t output:\n%s", s.name, v, out)
			}
			fixed, can := model.CorrectTime(v, s.seconds)
			if !can {
				continue
			}
			if ok, out := nginxtest.Test(t, s.conf(fixed)); !ok {
				t.Errorf("%s %q: CorrectTime proposes %q, which nginx -t refuses:\n%s", s.name, v, fixed, out)
			}
		}
	}
}
