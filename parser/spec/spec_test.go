package spec

import "testing"

// No directive has two specs that share a context: which module nginx
// picks in a context is then never a question of module order.
func TestDirectiveSpecsDoNotOverlap(t *testing.T) {
	for _, name := range Names() {
		var seen Ctx
		for _, s := range Directives(name) {
			if s.Until != "" {
				continue
			}
			if seen&s.Ctx != 0 {
				t.Errorf("%s: two specs allowed in %s", name, seen&s.Ctx)
			}
			seen |= s.Ctx
		}
	}
}

// Every reader named in timeSetters exists in the table, so a renamed C
// function cannot silently turn a time check off.
func TestTimeSettersExist(t *testing.T) {
	used := map[string]bool{}
	for _, s := range nginxDirectives {
		used[s.Setter] = true
	}
	for name := range timeSetters {
		if !used[name] {
			t.Errorf("timeSetters names %s, which no directive uses", name)
		}
	}
}

func TestIn(t *testing.T) {
	cases := []struct {
		name           string
		ctx            Ctx
		known, allowed bool
		setter         string
	}{
		{"proxy_pass", CtxHTTPLocationIf, true, true, "ngx_http_proxy_pass"},
		{"proxy_pass", CtxHTTPServerIf, true, false, ""},
		{"proxy_set_header", CtxHTTPLocationIf, true, false, ""},
		{"proxy_set_header", CtxHTTPLocation, true, true, "ngx_conf_set_keyval_slot"},
		{"proxy_http_version", CtxHTTPLocationIf, true, false, ""},
		{"proxy_read_timeout", CtxHTTPLocationIf, true, false, ""},
		{"proxy_hide_header", CtxHTTPLocationIf, true, false, ""},
		{"return", CtxHTTPServerIf, true, true, "ngx_http_rewrite_return"},
		{"set", CtxHTTPLocationIf, true, true, "ngx_http_rewrite_set"},
		{"add_header", CtxHTTPLocationIf, true, true, "ngx_http_headers_add"},
		{"add_header", CtxHTTPServerIf, true, false, ""},
		{"if", CtxHTTPLocationIf, true, false, ""},
		{"location", CtxHTTPLocationIf, true, false, ""},
		{"map", CtxHTTPMain, true, true, "ngx_http_map_block"},
		{"map", CtxHTTPServer, true, false, ""},
		{"map", CtxStreamMain, true, true, "ngx_stream_map_block"},
		{"include", CtxHTTPLocationIf, true, true, "ngx_conf_include"},
		{"keepalive_timeout", CtxHTTPUpstream, true, true, "ngx_conf_set_msec_slot"},
		{"keepalive_timeout", CtxHTTPServer, true, true, "ngx_http_core_keepalive"},
		{"more_set_headers", CtxHTTPLocationIf, false, false, ""},
		{"Proxy_Pass", CtxHTTPLocation, false, false, ""}, // nginx compares names with case
	}
	for _, c := range cases {
		s, known, allowed := In(c.name, c.ctx)
		if known != c.known || allowed != c.allowed || s.Setter != c.setter {
			t.Errorf("In(%s, %s) = %q, %v, %v; want %q, %v, %v", c.name, c.ctx, s.Setter, known, allowed, c.setter, c.known, c.allowed)
		}
	}
	if got := AllowedIn("proxy_pass").String(); got != "location, if in location, limit_except, stream server" {
		t.Errorf("AllowedIn(proxy_pass) = %s", got)
	}
	if CtxAny.String() != "any" || Known("no_such_directive") {
		t.Error("CtxAny or KnownDirective")
	}
}

func one(t *testing.T, name string, ctx Ctx) Directive {
	t.Helper()
	d, _, ok := In(name, ctx)
	if !ok {
		t.Fatalf("%s not allowed in %s", name, ctx)
	}
	return d
}

func TestArgsOK(t *testing.T) {
	cases := []struct {
		name string
		ctx  Ctx
		ok   []int
		bad  []int
	}{
		{"proxy_pass", CtxHTTPLocation, []int{1}, []int{0, 2}},
		{"gzip", CtxHTTPServer, []int{1}, []int{0, 2}},           // FLAG
		{"add_header", CtxHTTPServer, []int{2, 3}, []int{1, 4}},  // TAKE23
		{"server_name", CtxHTTPServer, []int{1, 5}, []int{0}},    // 1MORE
		{"try_files", CtxHTTPLocation, []int{2, 9}, []int{0, 1}}, // 2MORE
		{"internal", CtxHTTPLocation, []int{0}, []int{1}},        // NOARGS
		{"http", CtxMain, []int{0}, []int{1}},                    // BLOCK|NOARGS
		{"location", CtxHTTPServer, []int{1, 2}, []int{0, 3}},    // BLOCK|TAKE12
	}
	for _, c := range cases {
		d := one(t, c.name, c.ctx)
		for _, n := range c.ok {
			if !d.ArgsOK(n) {
				t.Errorf("%s: %d arguments refused", c.name, n)
			}
		}
		for _, n := range c.bad {
			if d.ArgsOK(n) {
				t.Errorf("%s: %d arguments accepted", c.name, n)
			}
		}
	}
}

func TestValuesAndVersions(t *testing.T) {
	if d := one(t, "gzip", CtxHTTPMain); d.Value() != ValueFlag {
		t.Errorf("gzip reads %v", d.Value())
	}
	if d := one(t, "client_max_body_size", CtxHTTPMain); d.Value() != ValueOff {
		t.Errorf("client_max_body_size reads %v", d.Value())
	}
	d := one(t, "proxy_http_version", CtxHTTPLocation)
	if d.Value() != ValueEnum || len(d.Values) < 2 || d.Values[0] != "1.0" {
		t.Errorf("proxy_http_version values %v", d.Values)
	}
	if d := one(t, "gzip_comp_level", CtxHTTPMain); !d.Bounded || d.Min != 1 || d.Max != 9 {
		t.Errorf("gzip_comp_level bounds %v %d %d", d.Bounded, d.Min, d.Max)
	}
	v122, v126 := MustVersion("1.22.1"), MustVersion("1.26.0")
	if len(Lookup("http2", v122)) != 0 || len(Lookup("http2", v126)) != 1 {
		t.Error("http2 directive: 1.25.1 and later")
	}
	if len(Lookup("ssl", v122)) == 0 || len(Lookup("ssl", v126)) != 0 || Known("ssl") {
		t.Error("ssl on: removed in 1.25.1")
	}
	if len(ThirdParty("more_set_headers")) == 0 || len(Directives("more_set_headers")) != 0 {
		t.Error("more_set_headers is headers-more's")
	}
	if len(ThirdParty("proxy_pass")) != 0 {
		t.Error("a name nginx declares is never third-party")
	}
}

func TestVariables(t *testing.T) {
	v := MustVersion("1.22.1")
	in := func(name string) bool {
		for _, x := range Variables(name) {
			if x.In(v) {
				return true
			}
		}
		return false
	}
	for _, n := range []string{"remote_addr", "http_upgrade", "arg_x", "gzip_ratio", "uid_got", "ssl_alpn_protocol"} {
		if !in(n) {
			t.Errorf("$%s missing in 1.22.1", n)
		}
	}
	for _, n := range []string{"request_port", "http_", "no_such_var"} {
		if in(n) {
			t.Errorf("$%s should not exist in 1.22.1", n)
		}
	}
}

func TestLocationNesting(t *testing.T) {
	loc := func(args ...string) Location {
		l, bad := ParseLocation(args)
		if bad != "" {
			t.Fatalf("%q: %s", args, bad)
		}
		return l
	}
	cases := []struct {
		parent, child Location
		want          string
	}{
		{loc("/api/"), loc("/api/v1/"), ""},
		{loc("/api/"), loc("~", `\.php$`), ""},
		{loc("/api/"), loc("/static/"), `location "/static/" is outside location "/api/"`},
		{loc("=/x"), loc("/x"), `location "/x" cannot be inside the exact location "/x"`},
		{loc("@fallback"), loc("/x"), `location "/x" cannot be inside the named location "@fallback"`},
		{loc("/"), loc("@named"), `named location "@named" can be on the server level only`},
		{loc(`~`, `^/a`), loc("/a"), `location "/a" is outside location "^/a"`},
		{loc("^~", "/img/"), loc("=/img/x.png"), ""},
	}
	for _, c := range cases {
		if got := NestingError(c.parent, c.child); got != c.want {
			t.Errorf("%+v in %+v: got %q, want %q", c.child, c.parent, got, c.want)
		}
	}
	if _, bad := ParseLocation([]string{"/media/", "extra"}); bad != `invalid location modifier "/media/"` {
		t.Errorf("bad modifier: %q", bad)
	}
}

func TestCheckArgs(t *testing.T) {
	cases := []struct {
		name, setter string
		args         []string
		want         string // nginx's message, "" when nginx reads the arguments
	}{
		{"listen", "ngx_http_core_listen", []string{"80", "default_server", "reuseport", "backlog=511"}, ""},
		{"listen", "ngx_http_core_listen", []string{"80", "server_name", "x"}, `invalid parameter "server_name"`},
		{"listen", "ngx_http_core_listen", []string{"[::]:80", "ipv6only=of"}, `invalid ipv6only flags "of"`},
		{"listen", "ngx_http_core_listen", []string{"80", "backlog=0"}, `invalid backlog "backlog=0"`},
		{"server", "ngx_http_upstream_server", []string{"weight=2"}, `host not found in upstream "weight=2"`},
		{"server", "ngx_http_upstream_server", []string{"a.internal", "resolve"}, ""},
		{"server", "ngx_http_upstream_server", []string{"10.0.0.1", "weight=0"}, `invalid parameter "weight=0"`},
		{"server", "ngx_http_upstream_server", []string{"10.0.0.1", "fail_timeout=10x"}, ""}, // a time: WS029's
		{"if", "ngx_http_rewrite_if", []string{"($a)"}, ""},
		{"if", "ngx_http_rewrite_if", []string{"(", "$a", "=", "b", ")"}, ""},
		{"if", "ngx_http_rewrite_if", []string{"(", ")"}, `invalid condition ")"`},
		{"if", "ngx_http_rewrite_if", []string{"($a", "/tmp", "x)"}, `unexpected "/tmp" in condition`},
		{"if", "ngx_http_rewrite_if", []string{"(!-x", "/bin/sh)"}, ""},
		{"return", "ngx_http_rewrite_return", []string{"$scheme://x"}, ""},
		{"return", "ngx_http_rewrite_return", []string{"1000"}, `invalid return code "1000"`},
		{"return", "ngx_http_rewrite_return", []string{"/x"}, `invalid return code "/x"`},
		{"error_page", "ngx_http_core_error_page", []string{"=", "/x"}, `invalid value "="`},
		{"error_page", "ngx_http_core_error_page", []string{"499", "/x"}, `invalid value "499"`},
		{"error_page", "ngx_http_core_error_page", []string{"404", "=", "@x"}, ""},
		{"proxy_cache_valid", "ngx_http_file_cache_valid_set_slot", []string{"5m"}, ""},
		{"proxy_cache_valid", "ngx_http_file_cache_valid_set_slot", []string{"99", "5m"}, `invalid status "99"`},
		{"proxy_cache_path", "ngx_http_file_cache_set_slot", []string{"/c", "levels=1:2:2:2", "keys_zone=c:1m"}, `invalid "levels" "levels=1:2:2:2"`},
		{"worker_cpu_affinity", "ngx_set_cpu_affinity", []string{"auto"}, ""},
		{"limit_rate_after", "ngx_http_set_complex_value_size_slot", []string{"1x"}, `"limit_rate_after" directive invalid value`},
		{"unmodelled", "ngx_conf_set_str_slot", []string{"anything"}, ""},
	}
	for _, c := range cases {
		got := ""
		if e := CheckArgs(c.name, c.setter, c.args); e != nil {
			got = e.Nginx
		}
		if got != c.want {
			t.Errorf("%s %q: got %q, want %q", c.name, c.args, got, c.want)
		}
	}
}
