package spec

import (
	"reflect"
	"testing"
)

// The tables BodyContext, HandlerBody, Value, cacheModule and argReader
// answer with switches (nothing built when the program starts), as they
// were written: each switch must give what its table gave, for every key
// and for every name, setter and context that is not one.

var bodiesTable = map[Ctx]map[string]Ctx{
	CtxMain:         {"http": CtxHTTPMain, "events": CtxEvents, "stream": CtxStreamMain, "mail": CtxMailMain},
	CtxHTTPMain:     {"server": CtxHTTPServer, "upstream": CtxHTTPUpstream},
	CtxHTTPServer:   {"location": CtxHTTPLocation, "if": CtxHTTPServerIf},
	CtxHTTPLocation: {"location": CtxHTTPLocation, "if": CtxHTTPLocationIf, "limit_except": CtxHTTPLimitExcept},
	CtxStreamMain:   {"server": CtxStreamServer, "upstream": CtxStreamUpstream},
	CtxMailMain:     {"server": CtxMailServer},
}

var handlerBodiesTable = map[string]bool{"types": true, "map": true, "geo": true, "split_clients": true, "charset_map": true}

var setterValuesTable = map[string]Value{
	"ngx_conf_set_flag_slot":          ValueFlag,
	"ngx_conf_set_str_slot":           ValueStr,
	"ngx_conf_set_str_array_slot":     ValueStr,
	"ngx_conf_set_keyval_slot":        ValueStr,
	"ngx_conf_set_num_slot":           ValueNum,
	"ngx_conf_set_size_slot":          ValueSize,
	"ngx_conf_set_off_slot":           ValueOff,
	"ngx_conf_set_msec_slot":          ValueMsec,
	"ngx_conf_set_sec_slot":           ValueSec,
	"ngx_conf_set_enum_slot":          ValueEnum,
	"ngx_conf_set_bitmask_slot":       ValueBitmask,
	"ngx_conf_set_bufs_slot":          ValueBufs,
	"ngx_conf_set_path_slot":          ValuePath,
	"ngx_conf_set_access_slot":        ValueAccess,
	"ngx_http_set_complex_value_slot": ValueStr,
}

var cacheModulesTable = map[string]bool{"proxy": true, "fastcgi": true, "uwsgi": true, "scgi": true}

var argReadersTable = map[string]func(string, []string) *ArgError{
	"ngx_http_core_listen":                   readListen,
	"ngx_http_upstream_server":               readUpstreamServer,
	"ngx_http_rewrite_if":                    readIf,
	"ngx_http_rewrite_return":                readReturn,
	"ngx_http_core_error_page":               readErrorPage,
	"ngx_http_file_cache_set_slot":           readCachePath,
	"ngx_http_file_cache_valid_set_slot":     readCacheValid,
	"ngx_http_upstream_param_set_slot":       readParam,
	"ngx_http_core_open_file_cache":          readOpenFileCache,
	"ngx_http_core_set_aio":                  readAio,
	"ngx_http_core_directio":                 readDirectio,
	"ngx_http_upstream_keepalive":            readKeepalive,
	"ngx_set_worker_processes":               readWorkerProcesses,
	"ngx_event_connections":                  readWorkerConnections,
	"ngx_event_use":                          readUse,
	"ngx_thread_pool":                        readThreadPool,
	"ngx_set_cpu_affinity":                   readCPUAffinity,
	"ngx_http_set_complex_value_size_slot":   readComplexSize,
	"ngx_http_limit_req_zone":                readLimitReqZone,
	"ngx_http_limit_conn_zone":               readLimitConnZone,
	"ngx_http_limit_req":                     readLimitReq,
	"ngx_http_limit_conn":                    readLimitConn,
	"ngx_http_headers_add":                   readAddHeader,
	"ngx_http_upstream_hash":                 readHash,
	"ngx_stream_upstream_hash":               readHash,
	"ngx_http_core_limit_except":             readLimitExcept,
	"ngx_stream_set_complex_value_size_slot": readComplexSize,
}

// names are every directive name and setter of the generated tables, the
// tables' own keys, and a few that are none of them.
func tableNames() []string {
	names := []string{"", "x", "server_name", "HTTP", "Server", "proxy_cache", "ngx_conf_set_flag", "ngx_conf_set_flag_slot_"}
	for _, ds := range [][]Directive{nginxDirectives, thirdPartyDirectives} {
		for _, d := range ds {
			names = append(names, d.Name, d.Setter)
		}
	}
	for _, m := range bodiesTable {
		for k := range m {
			names = append(names, k)
		}
	}
	for _, m := range []map[string]bool{handlerBodiesTable, cacheModulesTable} {
		for k := range m {
			names = append(names, k)
		}
	}
	for k := range setterValuesTable {
		names = append(names, k)
	}
	for k := range argReadersTable {
		names = append(names, k)
	}
	return names
}

func TestBodyContextAsTable(t *testing.T) {
	ctxs := []Ctx{0, CtxAny, CtxHTTPMain | CtxHTTPServer}
	for c := Ctx(1); c <= CtxMailServer; c <<= 1 {
		ctxs = append(ctxs, c)
	}
	for _, c := range ctxs {
		for _, n := range tableNames() {
			if got, want := BodyContext(n, c), bodiesTable[c][n]; got != want {
				t.Errorf("BodyContext(%q, %v) = %v, the table says %v", n, c, got, want)
			}
		}
	}
}

func TestHandlerBodyAndCacheModuleAsTables(t *testing.T) {
	for _, n := range tableNames() {
		if got, want := HandlerBody(n), handlerBodiesTable[n]; got != want {
			t.Errorf("HandlerBody(%q) = %v, the table says %v", n, got, want)
		}
		if got, want := cacheModule(n), cacheModulesTable[n]; got != want {
			t.Errorf("cacheModule(%q) = %v, the table says %v", n, got, want)
		}
	}
}

func TestValueAsTable(t *testing.T) {
	for _, n := range tableNames() {
		if got, want := (Directive{Setter: n}).Value(), setterValuesTable[n]; got != want {
			t.Errorf("Value of setter %q = %v, the table says %v", n, got, want)
		}
	}
}

func TestArgReaderAsTable(t *testing.T) {
	for _, n := range tableNames() {
		got, want := argReader(n), argReadersTable[n]
		if (got == nil) != (want == nil) || got != nil && reflect.ValueOf(got).Pointer() != reflect.ValueOf(want).Pointer() {
			t.Errorf("argReader(%q) is not the table's reader", n)
		}
	}
}
