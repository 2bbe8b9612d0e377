package model

import (
	"regexp"
	"strings"
)

// Variables nginx defines itself, with the first version that has each when
// it is later than 1.9 (from nginx's src/http/*.c and CHANGES).
var builtinVars = map[string]string{}

// Prefix families: any suffix is a valid variable, so nginx -t never catches
// a typo in them.
var varPrefixes = map[string]string{
	"http_": "", "sent_http_": "", "sent_trailer_": "", "cookie_": "", "arg_": "",
	"proxy_protocol_tlv_": "1.23.2", "upstream_http_": "", "upstream_trailer_": "", "upstream_cookie_": "",
}

func init() {
	add := func(since string, names string) {
		for _, n := range strings.Fields(names) {
			builtinVars[n] = since
		}
	}
	add("", `args binary_remote_addr body_bytes_sent bytes_sent connection connection_requests
		content_length content_type document_root document_uri host hostname http_cookie http_host
		http_referer http_user_agent http_via http_x_forwarded_for https is_args limit_rate msec
		nginx_version pid pipe proxy_protocol_addr query_string realpath_root remote_addr
		remote_port remote_user request request_body request_body_file request_completion
		request_filename request_length request_method request_time request_uri scheme
		sent_http_cache_control sent_http_connection sent_http_content_length
		sent_http_content_type sent_http_keep_alive sent_http_last_modified sent_http_link
		sent_http_location sent_http_transfer_encoding server_addr server_name server_port
		server_protocol status tcpinfo_rcv_space tcpinfo_rtt tcpinfo_rttvar tcpinfo_snd_cwnd
		time_iso8601 time_local uri`)
	add("1.11.0", "proxy_protocol_port request_id")
	add("1.17.6", "proxy_protocol_server_addr proxy_protocol_server_port limit_conn_status limit_req_status")
	add("1.19.10", "connection_time")
	add("", `upstream_addr upstream_bytes_received upstream_cache_status upstream_cache_last_modified
		upstream_cache_etag upstream_header_time upstream_response_length upstream_response_time
		upstream_status`)
	add("1.11.4", "upstream_bytes_sent")
	add("1.9.1", "upstream_connect_time")
	add("", "proxy_host proxy_port proxy_add_x_forwarded_for proxy_add_via proxy_internal_body_length proxy_internal_chunked")
	add("", `ssl_cipher ssl_ciphers ssl_client_cert ssl_client_escaped_cert ssl_client_fingerprint
		ssl_client_i_dn ssl_client_i_dn_legacy ssl_client_raw_cert ssl_client_s_dn
		ssl_client_s_dn_legacy ssl_client_serial ssl_client_v_end ssl_client_v_remain
		ssl_client_v_start ssl_client_verify ssl_curve ssl_curves ssl_early_data ssl_protocol
		ssl_server_name ssl_session_id ssl_session_reused`)
	add("1.21.4", "ssl_alpn_protocol")
	add("1.29.3", "request_port is_request_port ssl_sigalg ssl_client_sigalg")
	add("1.29.4", "ssl_ech_status ssl_ech_outer_server_name")
	add("1.31.2", "ssl_sigalgs")
	add("1.25.0", "http3")
	add("", `realip_remote_addr realip_remote_port fastcgi_path_info fastcgi_script_name
		grpc_internal_trailers connections_active connections_reading connections_waiting
		connections_writing date_gmt date_local ancient_browser modern_browser msie http2
		gzip_ratio uid_got uid_set uid_reset secure_link secure_link_expires invalid_referer
		slice_range geoip_country_code geoip_country_code3 geoip_country_name geoip_area_code
		geoip_city_continent_code geoip_city_country_code geoip_city_country_code3
		geoip_city_country_name geoip_dma_code geoip_latitude geoip_longitude geoip_region
		geoip_region_name geoip_city geoip_postal_code geoip_org`)
	// Internal variables that existed only in some versions; never suggested.
	add("1.29.4", "proxy_internal_connection proxy_internal_host")
}

// VarStatus says whether a variable exists for the target nginx version.
type VarStatus int

// The answers of Var.
const (
	VarUndefined VarStatus = iota
	VarBuiltin
	VarPrefix  // a prefix family such as $http_*
	VarDefined // created by the configuration
	VarCapture // $1..$9
	VarTooNew  // built in, but only from a later version than the target
)

var digits = regexp.MustCompile(`^[0-9]+$`)

// Var looks a variable up (name lower case, without '$'). since is the first
// nginx version that has a built-in variable.
func (c *Config) Var(name string) (VarStatus, string) {
	name = strings.ToLower(name)
	if _, ok := c.Defined[name]; ok {
		return VarDefined, ""
	}
	if digits.MatchString(name) {
		return VarCapture, ""
	}
	if since, ok := builtinVars[name]; ok {
		if since != "" && c.Version.Known && c.Version.Less(MustVersion(since)) {
			return VarTooNew, since
		}
		if name == "proxy_internal_connection" && c.Version.Known && !c.Version.Less(MustVersion("1.29.7")) ||
			name == "proxy_internal_host" && c.Version.Known && !c.Version.Less(MustVersion("1.31.4")) {
			return VarUndefined, ""
		}
		return VarBuiltin, since
	}
	for p, since := range varPrefixes {
		if strings.HasPrefix(name, p) && len(name) > len(p) {
			if since != "" && c.Version.Known && c.Version.Less(MustVersion(since)) {
				return VarTooNew, since
			}
			return VarPrefix, since
		}
	}
	return VarUndefined, ""
}

// BuiltinNames lists every built-in variable name (for spelling suggestions).
func BuiltinNames() []string {
	out := make([]string, 0, len(builtinVars))
	for n := range builtinVars {
		if !strings.HasPrefix(n, "proxy_internal_") {
			out = append(out, n)
		}
	}
	return out
}

var namedCapture = regexp.MustCompile(`\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>|\(\?'([A-Za-z_][A-Za-z0-9_]*)'`)

// collectDefinitions records maps and every variable the configuration creates.
func (c *Config) collectDefinitions(b *Block) {
	for _, e := range b.Directives {
		d := e.D
		define := func(arg string) {
			if strings.HasPrefix(arg, "$") {
				c.Defined[strings.ToLower(strings.TrimPrefix(arg, "$"))] = d
			}
		}
		captures := func(re string) {
			for _, m := range namedCapture.FindAllStringSubmatch(re, -1) {
				c.Defined[strings.ToLower(m[1]+m[2])] = d
			}
		}
		switch d.Name {
		case "map":
			if len(d.Args) == 2 {
				m := parseMap(d)
				c.Maps[m.Target] = m
				define(d.Arg(1))
				for _, me := range m.Entries {
					if me.Regex != nil || me.RegexErr != nil {
						captures(me.Key)
					}
				}
			}
		case "geo":
			define(d.Arg(len(d.Args) - 1))
		case "split_clients", "set", "perl_set", "js_set", "auth_request_set", "js_var",
			"set_by_lua", "set_by_lua_file", "set_by_lua_block", "set_real_ip_from_var":
			if d.Name == "split_clients" {
				define(d.Arg(1))
			} else {
				define(d.Arg(0))
			}
		case "location":
			if len(d.Args) >= 1 {
				captures(d.Args[len(d.Args)-1].Value)
			}
		case "if", "rewrite", "server_name":
			for _, a := range d.Args {
				captures(a.Value)
			}
		}
	}
	for _, ch := range b.Children {
		c.collectDefinitions(ch)
	}
}

// Walk calls fn for every directive of every level, in document order, with
// the level it is in.
func (c *Config) Walk(fn func(b *Block, e Entry)) {
	var rec func(b *Block)
	rec = func(b *Block) {
		var real []*Block
		for _, ch := range b.Children {
			if ch.Synthetic {
				rec(ch) // the level around a fragment holds all of it
			} else {
				real = append(real, ch)
			}
		}
		ci := 0
		for _, e := range b.Directives {
			fn(b, e)
			if e.D.Block != nil && ci < len(real) && real[ci].Dir == e.D {
				rec(real[ci])
				ci++
			}
		}
	}
	rec(c.Main)
}
