package spec

// TimeParam says where a directive's reader finds a time and how it reads it.
type TimeParam struct {
	Index   int    // the argument (0 = first); -1 = the last one; ignored when Key is set
	Key     string // any argument starting with this key ("inactive=") holds a time after it
	Seconds bool   // ngx_parse_time(..., 1): whole seconds, M and y allowed, ms not
	NonZero bool   // the reader also refuses 0
}

// timeSetters maps the C functions that read a directive (Directive.Setter)
// to the time arguments they parse with ngx_parse_time. The two generic
// slots come with the directive table; the others are every custom reader
// in src/http and src/core that calls ngx_parse_time (HEAD, 1.31.5-dev):
//
//	ngx_conf_set_msec_slot           src/core/ngx_conf_file.c   value[1], milliseconds
//	ngx_conf_set_sec_slot            src/core/ngx_conf_file.c   value[1], seconds
//	ngx_http_core_keepalive          src/http/ngx_http_core_module.c  value[1] ms, value[2] s
//	ngx_http_file_cache_valid_set_slot  src/http/ngx_http_file_cache.c  the last argument, s
//	ngx_http_file_cache_set_slot     inactive= s; loader_sleep=, loader_threshold=,
//	                                 manager_sleep=, manager_threshold= ms
//	ngx_http_upstream_server         fail_timeout= s (src/http/ngx_http_upstream.c)
//	ngx_http_{core,upstream}_resolver  valid= s (src/core/ngx_resolver.c)
//	ngx_http_core_open_file_cache    inactive= s
//	ngx_http_log_open_file_cache     inactive=, valid= s
//	ngx_http_log_set_log             flush= ms, and not 0
//	ngx_http_*ssl_certificate_cache  inactive=, valid= s
//
// Left out: expires and userid_expires (they also take max, off, epoch and
// modifiers), listen so_keepalive= (a triple), and the stream and mail
// modules, whose blocks the model does not read.
var timeSetters = map[string][]TimeParam{
	"ngx_conf_set_msec_slot":             {{Index: 0}},
	"ngx_conf_set_sec_slot":              {{Index: 0, Seconds: true}},
	"ngx_http_core_keepalive":            {{Index: 0}, {Index: 1, Seconds: true}},
	"ngx_http_file_cache_valid_set_slot": {{Index: -1, Seconds: true}},
	"ngx_http_file_cache_set_slot": {{Key: "inactive=", Seconds: true}, {Key: "loader_sleep="},
		{Key: "loader_threshold="}, {Key: "manager_sleep="}, {Key: "manager_threshold="}},
	"ngx_http_upstream_server":             {{Key: "fail_timeout=", Seconds: true}},
	"ngx_http_core_resolver":               {{Key: "valid=", Seconds: true}},
	"ngx_http_upstream_resolver":           {{Key: "valid=", Seconds: true}},
	"ngx_http_core_open_file_cache":        {{Key: "inactive=", Seconds: true}},
	"ngx_http_log_open_file_cache":         {{Key: "inactive=", Seconds: true}, {Key: "valid=", Seconds: true}},
	"ngx_http_log_set_log":                 {{Key: "flush=", NonZero: true}},
	"ngx_http_ssl_certificate_cache":       {{Key: "inactive=", Seconds: true}, {Key: "valid=", Seconds: true}},
	"ngx_http_proxy_ssl_certificate_cache": {{Key: "inactive=", Seconds: true}, {Key: "valid=", Seconds: true}},
	"ngx_http_grpc_ssl_certificate_cache":  {{Key: "inactive=", Seconds: true}, {Key: "valid=", Seconds: true}},
	"ngx_http_uwsgi_ssl_certificate_cache": {{Key: "inactive=", Seconds: true}, {Key: "valid=", Seconds: true}},
}

// TimeParams returns where the reader named setter finds times.
func TimeParams(setter string) []TimeParam { return timeSetters[setter] }

// IsTimeSetter reports whether the reader parses a time.
func IsTimeSetter(setter string) bool { return len(timeSetters[setter]) > 0 }
