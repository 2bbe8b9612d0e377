package spec

import (
	"strconv"
	"strings"
)

// ArgError is nginx's refusal of one argument of a directive, as the
// module's own reader (its setter in nginx's source) words it.
type ArgError struct {
	Arg   int    // index of the argument refused (0 is the first after the name)
	Nginx string // what nginx -t prints, without " in FILE:LINE"
	Takes string // what the directive takes there, in words
}

// CheckArgs reads a directive's arguments the way the module's setter
// does, for the setters modeled here (listen, upstream server, if,
// return, error_page, proxy_cache_path and the other *_cache_path,
// *_cache_valid, *_param, open_file_cache, aio, directio, keepalive,
// worker_processes, worker_connections, use, thread_pool,
// worker_cpu_affinity, and the size slots that take variables). It returns
// nil when nginx reads them, and for setters it does not model. Where
// nginx versions differ, what any version accepts is accepted, so an
// error is one every version makes. The argument count is checked apart,
// and so are times (TimeParams says where they are).
func CheckArgs(name, setter string, args []string) *ArgError {
	if len(args) == 0 {
		return nil
	}
	if f := argReader(setter); f != nil {
		return f(name, args)
	}
	return nil
}

// argReader returns the reader of a setter's arguments, nil for a setter
// it does not model. A switch, not a map: nothing is built when the program
// starts (TestArgReaderAsTable).
func argReader(setter string) func(name string, args []string) *ArgError {
	switch setter {
	case "ngx_http_core_listen":
		return readListen
	case "ngx_http_upstream_server":
		return readUpstreamServer
	case "ngx_http_rewrite_if":
		return readIf
	case "ngx_http_rewrite_return":
		return readReturn
	case "ngx_http_core_error_page":
		return readErrorPage
	case "ngx_http_file_cache_set_slot":
		return readCachePath
	case "ngx_http_file_cache_valid_set_slot":
		return readCacheValid
	case "ngx_http_upstream_param_set_slot":
		return readParam
	case "ngx_http_core_open_file_cache":
		return readOpenFileCache
	case "ngx_http_core_set_aio":
		return readAio
	case "ngx_http_core_directio":
		return readDirectio
	case "ngx_http_upstream_keepalive":
		return readKeepalive
	case "ngx_set_worker_processes":
		return readWorkerProcesses
	case "ngx_event_connections":
		return readWorkerConnections
	case "ngx_event_use":
		return readUse
	case "ngx_thread_pool":
		return readThreadPool
	case "ngx_set_cpu_affinity":
		return readCPUAffinity
	case "ngx_http_set_complex_value_size_slot", "ngx_stream_set_complex_value_size_slot":
		return readComplexSize
	case "ngx_http_limit_req_zone":
		return readLimitReqZone
	case "ngx_http_limit_conn_zone":
		return readLimitConnZone
	case "ngx_http_limit_req":
		return readLimitReq
	case "ngx_http_limit_conn":
		return readLimitConn
	case "ngx_http_headers_add":
		return readAddHeader
	case "ngx_http_upstream_hash", "ngx_stream_upstream_hash":
		return readHash
	case "ngx_http_core_limit_except":
		return readLimitExcept
	}
	return nil
}

// Atoi is ngx_atoi: decimal digits only, no sign, no overflow.
func Atoi(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// IsSize is ngx_parse_size (units "kKmM") and ngx_parse_offset
// ("kKmMgG"): digits and at most one unit.
func IsSize(s, units string) bool {
	if s == "" {
		return false
	}
	if strings.IndexByte(units, s[len(s)-1]) >= 0 {
		s = s[:len(s)-1]
	}
	_, ok := Atoi(s)
	return ok
}

func quoted(s string) string { return `"` + s + `"` }

func invalidParam(i int, v, takes string) *ArgError {
	return &ArgError{Arg: i, Nginx: "invalid parameter " + quoted(v), Takes: takes}
}

// looksLikeParameter is an address that is a parameter (weight=2,
// backlog=511): a host name has no '=', so nginx cannot resolve it.
func looksLikeParameter(s string) bool {
	i := strings.IndexByte(s, '=')
	return i > 0 && !strings.HasPrefix(s, "unix:") && !strings.ContainsAny(s[:i], ":/[$")
}

const listenTakes = "default_server, bind, backlog=N, rcvbuf=SIZE, sndbuf=SIZE, fastopen=N, deferred, ipv6only=on|off, reuseport, ssl, http2, quic, so_keepalive=..., proxy_protocol, setfib=N, accept_filter=..."

// readListen is ngx_http_core_listen (src/http/ngx_http_core_module.c).
func readListen(_ string, args []string) *ArgError {
	if looksLikeParameter(args[0]) {
		return &ArgError{Arg: 0, Nginx: `host not found in "` + args[0] + `" of the "listen" directive`, Takes: "an address or port first"}
	}
	for i := 1; i < len(args); i++ {
		v := args[i]
		switch v {
		case "default_server", "default", "bind", "deferred", "reuseport", "multipath", "ssl", "http2", "http3", "quic", "spdy", "proxy_protocol":
			continue
		}
		key, val, eq := strings.Cut(v, "=")
		if !eq {
			return invalidParam(i, v, listenTakes)
		}
		bad := false
		switch key {
		case "setfib", "fastopen":
			_, ok := Atoi(val)
			bad = !ok
		case "backlog":
			n, ok := Atoi(val)
			bad = !ok || n == 0
		case "rcvbuf", "sndbuf":
			bad = !IsSize(val, "kKmM")
		case "ipv6only":
			if !strings.HasPrefix(val, "o") {
				return invalidParam(i, v, listenTakes)
			}
			if val != "on" && val != "off" {
				return &ArgError{Arg: i, Nginx: `invalid ipv6only flags "` + val + `"`, Takes: "ipv6only=on or ipv6only=off"}
			}
		case "accept_filter", "so_keepalive":
		default:
			return invalidParam(i, v, listenTakes)
		}
		if bad {
			return &ArgError{Arg: i, Nginx: "invalid " + key + " " + quoted(v), Takes: key + "= with a number" + map[bool]string{true: " or size", false: ""}[key == "rcvbuf" || key == "sndbuf"]}
		}
	}
	return nil
}

const serverTakes = "weight=N, max_fails=N, fail_timeout=TIME, max_conns=N, backup, down, resolve, service=NAME"

// readUpstreamServer is ngx_http_upstream_server (src/http/ngx_http_upstream.c):
// the parameters first, then the address (resolved unless "resolve").
func readUpstreamServer(_ string, args []string) *ArgError {
	resolve := false
	for i := 1; i < len(args); i++ {
		v := args[i]
		switch v {
		case "backup", "down", "drain":
			continue
		case "resolve":
			resolve = true
			continue
		}
		key, val, eq := strings.Cut(v, "=")
		if !eq {
			return invalidParam(i, v, serverTakes)
		}
		ok := true
		switch key {
		case "weight":
			n, good := Atoi(val)
			ok = good && n != 0
		case "max_conns", "max_fails":
			_, ok = Atoi(val)
		case "fail_timeout", "slow_start", "route", "service":
			// times are read as TimeParams says (WS029 checks them)
		default:
			ok = false
		}
		if !ok {
			return invalidParam(i, v, serverTakes)
		}
	}
	if !resolve && looksLikeParameter(args[0]) {
		return &ArgError{Arg: 0, Nginx: `host not found in upstream "` + args[0] + `"`, Takes: "an address first"}
	}
	return nil
}

// readIf is ngx_http_rewrite_if_condition
// (src/http/modules/ngx_http_rewrite_module.c).
func readIf(_ string, args []string) *ArgError {
	const takes = "($variable), ($variable = value), ($variable ~ regex) or (-f path)"
	v := append([]string(nil), args...)
	cur, last := 0, len(v)-1
	invalid := func(i int) *ArgError {
		return &ArgError{Arg: min(i, len(args)-1), Nginx: "invalid condition " + quoted(v[i]), Takes: takes}
	}
	if !strings.HasPrefix(v[0], "(") {
		return invalid(0)
	}
	if v[0] == "(" {
		cur = 1
	} else {
		v[0] = v[0][1:]
	}
	if !strings.HasSuffix(v[last], ")") {
		return invalid(last)
	}
	if len(v[last]) == 1 {
		last--
	} else {
		v[last] = v[last][:len(v[last])-1]
	}
	if cur >= len(v) {
		return invalid(len(v) - 1)
	}
	p := v[cur]
	switch {
	case len(p) > 1 && p[0] == '$':
		if cur != last && cur+2 != last {
			return invalid(cur)
		}
		if cur == last {
			return nil
		}
		switch v[cur+1] {
		case "=", "!=", "~", "~*", "!~", "!~*":
			return nil
		}
		return &ArgError{Arg: cur + 1, Nginx: "unexpected " + quoted(v[cur+1]) + " in condition", Takes: "=, !=, ~, ~*, !~ or !~*"}
	case len(p) == 2 && p[0] == '-', len(p) == 3 && p[0] == '!' && p[1] == '-':
		if cur+1 != last {
			return invalid(cur)
		}
		if strings.IndexByte("fdex", p[len(p)-1]) >= 0 {
			return nil
		}
		return invalid(cur)
	}
	return invalid(cur)
}

// readReturn is ngx_http_rewrite_return.
func readReturn(name string, args []string) *ArgError {
	if name != "return" {
		return nil
	}
	p := args[0]
	n, ok := Atoi(p)
	switch {
	case !ok && len(args) == 1 && (strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") || strings.HasPrefix(p, "$scheme")):
		return nil
	case !ok || n > 999:
		return &ArgError{Arg: 0, Nginx: "invalid return code " + quoted(p), Takes: "a status code (0-999), or a URL starting with http://, https:// or $scheme alone"}
	}
	return nil
}

// readErrorPage is ngx_http_core_error_page.
func readErrorPage(_ string, args []string) *ArgError {
	const takes = "status codes 300-599 (not 499), an optional =response, then the URI"
	n := 1
	if i := len(args) - 2; i >= 0 && strings.HasPrefix(args[i], "=") {
		if _, ok := Atoi(args[i][1:]); i == 0 || len(args[i]) > 1 && !ok {
			return &ArgError{Arg: i, Nginx: "invalid value " + quoted(args[i]), Takes: takes}
		}
		n = 2
	}
	for i := 0; i < len(args)-n; i++ {
		s, ok := Atoi(args[i])
		if !ok || s == 499 {
			return &ArgError{Arg: i, Nginx: "invalid value " + quoted(args[i]), Takes: takes}
		}
		if s < 300 || s > 599 {
			return &ArgError{Arg: i, Nginx: "value " + quoted(args[i]) + " must be between 300 and 599", Takes: takes}
		}
	}
	return nil
}

// readCachePath is ngx_http_file_cache_set_slot (src/http/ngx_http_file_cache.c).
func readCachePath(name string, args []string) *ArgError {
	const takes = "levels=, use_temp_path=, keys_zone=NAME:SIZE, inactive=, max_size=, min_free=, loader_files=, loader_sleep=, loader_threshold=, manager_files=, manager_sleep=, manager_threshold="
	for i := 1; i < len(args); i++ {
		v := args[i]
		key, val, eq := strings.Cut(v, "=")
		if !eq {
			return invalidParam(i, v, takes)
		}
		bad := ""
		switch key {
		case "levels":
			if !cacheLevels(val) {
				bad = `invalid "levels" ` + quoted(v)
			}
		case "use_temp_path":
			if val != "on" && val != "off" {
				bad = "invalid use_temp_path value " + quoted(v) + `, it must be "on" or "off"`
			}
		case "keys_zone":
			_, size, ok := strings.Cut(val, ":")
			if !ok || !IsSize(size, "kKmM") {
				bad = "invalid keys zone size " + quoted(v)
			}
		case "inactive", "loader_sleep", "loader_threshold", "manager_sleep", "manager_threshold":
			// times: TimeParams (WS029)
		case "max_size", "min_free":
			if !IsSize(val, "kKmMgG") {
				bad = "invalid " + key + " value " + quoted(v)
			}
		case "loader_files", "manager_files":
			if _, ok := Atoi(val); !ok {
				bad = "invalid " + key + " value " + quoted(v)
			}
		case "purger", "purger_files", "purger_sleep", "purger_threshold":
			// NGINX Plus
		default:
			return invalidParam(i, v, takes)
		}
		if bad != "" {
			return &ArgError{Arg: i, Nginx: bad, Takes: takes}
		}
	}
	for _, v := range args[1:] {
		if strings.HasPrefix(v, "keys_zone=") {
			return nil
		}
	}
	return &ArgError{Arg: 0, Nginx: quoted(name) + ` must have "keys_zone" parameter`, Takes: "a directory and keys_zone=NAME:SIZE"}
}

// cacheLevels is levels=1:2: one to three numbers 1 or 2, joined by ':'.
func cacheLevels(s string) bool {
	if s == "" {
		return true // no levels
	}
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return false
	}
	for _, p := range parts {
		if p != "1" && p != "2" {
			return false
		}
	}
	return true
}

// readCacheValid is ngx_http_file_cache_valid_set_slot: status codes (or
// any), then a time.
func readCacheValid(_ string, args []string) *ArgError {
	n := len(args) - 1 // the time: TimeParams (WS029)
	for i := 0; i < n; i++ {
		if args[i] == "any" {
			continue
		}
		if s, ok := Atoi(args[i]); !ok || s < 100 || s > 599 {
			return &ArgError{Arg: i, Nginx: "invalid status " + quoted(args[i]), Takes: "status codes 100-599 or any, then a time"}
		}
	}
	return nil
}

// readParam is ngx_http_upstream_param_set_slot (fastcgi_param...).
func readParam(_ string, args []string) *ArgError {
	if len(args) == 3 && args[2] != "if_not_empty" {
		return invalidParam(2, args[2], "if_not_empty as a third argument")
	}
	return nil
}

// readOpenFileCache is ngx_http_core_open_file_cache.
func readOpenFileCache(_ string, args []string) *ArgError {
	for i, v := range args {
		ok := false
		switch {
		case strings.HasPrefix(v, "max="):
			n, good := Atoi(v[4:])
			ok = good && n > 0
		case strings.HasPrefix(v, "inactive="), v == "off":
			ok = true // the time: TimeParams (WS029)
		}
		if !ok {
			return &ArgError{Arg: i, Nginx: `invalid "open_file_cache" parameter ` + quoted(v), Takes: "max=N [inactive=TIME], or off"}
		}
	}
	for _, v := range args {
		if v == "off" || strings.HasPrefix(v, "max=") {
			return nil
		}
	}
	return &ArgError{Arg: 0, Nginx: `"open_file_cache" must have the "max" parameter`, Takes: "max=N [inactive=TIME], or off"}
}

// readAio is ngx_http_core_set_aio.
func readAio(name string, args []string) *ArgError {
	v := args[0]
	if v == "on" || v == "off" || v == "sendfile" || v == "threads" || strings.HasPrefix(v, "threads=") {
		return nil
	}
	return &ArgError{Arg: 0, Nginx: quoted(name) + " directive invalid value", Takes: "on, off, threads or threads=POOL"}
}

// readDirectio is ngx_http_core_directio.
func readDirectio(name string, args []string) *ArgError {
	if args[0] == "off" || IsSize(args[0], "kKmMgG") {
		return nil
	}
	return &ArgError{Arg: 0, Nginx: quoted(name) + " directive invalid value", Takes: "off or a size"}
}

// readKeepalive is ngx_http_upstream_keepalive.
func readKeepalive(name string, args []string) *ArgError {
	if _, ok := Atoi(args[0]); !ok {
		return &ArgError{Arg: 0, Nginx: "invalid value " + quoted(args[0]) + " in " + quoted(name) + " directive", Takes: "a number of connections"}
	}
	if len(args) == 2 && args[1] != "local" {
		return invalidParam(1, args[1], "local as a second argument")
	}
	return nil
}

// readWorkerProcesses is ngx_set_worker_processes (src/core/nginx.c).
func readWorkerProcesses(name string, args []string) *ArgError {
	if _, ok := Atoi(args[0]); ok || args[0] == "auto" {
		return nil
	}
	return &ArgError{Arg: 0, Nginx: quoted(name) + " directive invalid value", Takes: "a number or auto"}
}

// readWorkerConnections is ngx_event_connections (src/event/ngx_event.c).
func readWorkerConnections(_ string, args []string) *ArgError {
	if _, ok := Atoi(args[0]); ok {
		return nil
	}
	return &ArgError{Arg: 0, Nginx: "invalid number " + quoted(args[0]), Takes: "a number"}
}

// eventModules are the names of nginx's event modules, on every platform.
var eventModules = []string{"epoll", "poll", "select", "kqueue", "eventport", "/dev/poll", "iocp", "event_core", "rtsig", "aio"}

// readUse is ngx_event_use: the name of an event module (case-sensitive).
func readUse(_ string, args []string) *ArgError {
	for _, m := range eventModules {
		if args[0] == m {
			return nil
		}
	}
	return &ArgError{Arg: 0, Nginx: "invalid event type " + quoted(args[0]), Takes: "epoll, poll or select on Linux (kqueue, eventport, /dev/poll elsewhere)"}
}

// readThreadPool is ngx_thread_pool (src/core/ngx_thread_pool.c); it
// ignores parameters it does not know.
func readThreadPool(_ string, args []string) *ArgError {
	for i := 1; i < len(args); i++ {
		v := args[i]
		switch {
		case strings.HasPrefix(v, "threads="):
			if n, ok := Atoi(v[8:]); !ok || n == 0 {
				return &ArgError{Arg: i, Nginx: "invalid threads value " + quoted(v), Takes: "threads=N, N at least 1"}
			}
		case strings.HasPrefix(v, "max_queue="):
			if _, ok := Atoi(v[10:]); !ok {
				return &ArgError{Arg: i, Nginx: "invalid max_queue value " + quoted(v), Takes: "max_queue=N"}
			}
		}
	}
	for _, v := range args[1:] {
		if strings.HasPrefix(v, "threads=") {
			return nil
		}
	}
	return &ArgError{Arg: 0, Nginx: `"thread_pool" must have "threads" parameter`, Takes: "a name and threads=N"}
}

// readCPUAffinity is ngx_set_cpu_affinity: auto, or masks of 0 and 1,
// read from their last character.
func readCPUAffinity(_ string, args []string) *ArgError {
	i := 0
	if args[0] == "auto" {
		i = 1
	}
	for ; i < len(args); i++ {
		v := args[i]
		for j := len(v) - 1; j >= 0; j-- {
			if c := v[j]; c != '0' && c != '1' && c != ' ' {
				return &ArgError{Arg: i, Nginx: `invalid character "` + string(c) + `" in "worker_cpu_affinity"`, Takes: "auto, or CPU masks of 0 and 1"}
			}
		}
	}
	return nil
}

// readComplexSize is ngx_http_set_complex_value_size_slot: a size, read
// when the configuration loads unless it holds a variable.
func readComplexSize(name string, args []string) *ArgError {
	if strings.Contains(args[0], "$") || IsSize(args[0], "kKmM") {
		return nil
	}
	return &ArgError{Arg: 0, Nginx: quoted(name) + " directive invalid value", Takes: "a size (a number, optionally with k or m) or a variable"}
}

// CachePath returns the directory a *_cache_path declares, as nginx
// compares it with the others (ngx_add_path compares the names as
// written: /a and /a/ are two paths to it).
func CachePath(name string, args []string) (string, bool) {
	if !strings.HasSuffix(name, "_cache_path") || len(args) == 0 {
		return "", false
	}
	return args[0], true
}

// zoneSize reads zone=NAME:SIZE of limit_req_zone and limit_conn_zone.
func zoneSize(i int, v string) *ArgError {
	_, size, ok := strings.Cut(v[len("zone="):], ":")
	if !ok || !IsSize(size, "kKmM") {
		return &ArgError{Arg: i, Nginx: "invalid zone size " + quoted(v), Takes: "zone=NAME:SIZE"}
	}
	return nil
}

// readLimitReqZone is ngx_http_limit_req_zone: a key, then zone= and rate=.
func readLimitReqZone(_ string, args []string) *ArgError {
	const takes = "a key, zone=NAME:SIZE and rate=Nr/s or rate=Nr/m"
	for i := 1; i < len(args); i++ {
		v := args[i]
		switch {
		case strings.HasPrefix(v, "zone="):
			if e := zoneSize(i, v); e != nil {
				return e
			}
		case strings.HasPrefix(v, "rate="):
			r := v[len("rate="):]
			if strings.HasSuffix(r, "r/s") || strings.HasSuffix(r, "r/m") {
				r = r[:len(r)-3]
			}
			if n, ok := Atoi(r); !ok || n <= 0 {
				return &ArgError{Arg: i, Nginx: "invalid rate " + quoted(v), Takes: takes}
			}
		default:
			return invalidParam(i, v, takes)
		}
	}
	return nil
}

// readLimitConnZone is ngx_http_limit_conn_zone: a key, then zone=.
func readLimitConnZone(_ string, args []string) *ArgError {
	for i := 1; i < len(args); i++ {
		v := args[i]
		if !strings.HasPrefix(v, "zone=") {
			return invalidParam(i, v, "a key and zone=NAME:SIZE")
		}
		if e := zoneSize(i, v); e != nil {
			return e
		}
	}
	return nil
}

// readLimitReq is ngx_http_limit_req: zone=, burst=, delay=, nodelay.
func readLimitReq(_ string, args []string) *ArgError {
	const takes = "zone=NAME, burst=N, delay=N or nodelay"
	for i, v := range args {
		switch {
		case strings.HasPrefix(v, "zone="), v == "nodelay":
		case strings.HasPrefix(v, "burst="), strings.HasPrefix(v, "delay="):
			key, val, _ := strings.Cut(v, "=")
			if n, ok := Atoi(val); !ok || n <= 0 {
				return &ArgError{Arg: i, Nginx: "invalid " + key + " value " + quoted(v), Takes: takes}
			}
		default:
			return invalidParam(i, v, takes)
		}
	}
	return nil
}

// readLimitConn is ngx_http_limit_conn: a zone and a number, 1 to 65535.
func readLimitConn(_ string, args []string) *ArgError {
	if len(args) != 2 {
		return nil
	}
	n, ok := Atoi(args[1])
	switch {
	case !ok || n <= 0:
		return &ArgError{Arg: 1, Nginx: "invalid number of connections " + quoted(args[1]), Takes: "a zone and a number of connections"}
	case n > 65535:
		return &ArgError{Arg: 1, Nginx: "connection limit must be less 65536", Takes: "a zone and a number of connections below 65536"}
	}
	return nil
}

// readAddHeader is ngx_http_headers_add (add_header, add_trailer).
func readAddHeader(_ string, args []string) *ArgError {
	if len(args) == 3 && args[2] != "always" {
		return invalidParam(2, args[2], "a name, a value and always")
	}
	return nil
}

// readHash is ngx_http_upstream_hash: a key and consistent.
func readHash(_ string, args []string) *ArgError {
	if len(args) == 2 && args[1] != "consistent" {
		return invalidParam(1, args[1], "a key and consistent")
	}
	return nil
}

// httpMethods are the methods limit_except takes (ngx_methods_names,
// compared without case).
var httpMethods = []string{"GET", "HEAD", "POST", "PUT", "DELETE", "MKCOL", "COPY", "MOVE", "OPTIONS", "PROPFIND", "PROPPATCH", "LOCK", "UNLOCK", "PATCH"}

// readLimitExcept is ngx_http_core_limit_except.
func readLimitExcept(_ string, args []string) *ArgError {
	for i, v := range args {
		ok := false
		for _, m := range httpMethods {
			if strings.EqualFold(v, m) {
				ok = true
			}
		}
		if !ok {
			return &ArgError{Arg: i, Nginx: "invalid method " + quoted(v), Takes: strings.Join(httpMethods, ", ")}
		}
	}
	return nil
}

// SplitPercent reads the first word of a split_clients line
// (ngx_http_split_clients): "*", or a percentage above 0 with at most two
// decimals ("0.5%", "33.33%"). It returns nginx's error, or "".
func SplitPercent(s string) string {
	bad := `invalid percent value "` + s + `"`
	if s == "*" {
		return ""
	}
	num, ok := strings.CutSuffix(s, "%")
	if !ok || num == "" {
		return bad
	}
	whole, frac, dot := strings.Cut(num, ".")
	if dot && len(frac) > 2 || whole == "" && frac == "" {
		return bad
	}
	nonzero := false
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return bad
		}
		nonzero = nonzero || c != '0'
	}
	if !nonzero {
		return bad
	}
	return ""
}

// LimitZone returns the zone a limit_req (zone=NAME) or limit_conn (its
// first argument) applies. ngx_http_limit_req and ngx_http_limit_conn
// refuse a second one with the same zone at one level ("is duplicate").
func LimitZone(name string, args []string) (string, bool) {
	switch name {
	case "limit_conn":
		if len(args) == 2 {
			return args[0], true
		}
	case "limit_req":
		for _, a := range args {
			if z, ok := strings.CutPrefix(a, "zone="); ok {
				return z, true
			}
		}
	}
	return "", false
}
