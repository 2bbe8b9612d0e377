package spec

// BodyContext returns the context nginx reads the body of block directive
// name written in ctx in: the blocks whose handler sets cf->cmd_type and
// calls ngx_conf_parse (ngx_http_block, ngx_http_core_server,
// ngx_http_core_location, ngx_http_rewrite_if, ngx_http_core_limit_except,
// ngx_http_upstream, ngx_events_block, ngx_stream_*, ngx_mail_*). It is 0
// when the module reads the body itself (map, geo, types, split_clients,
// charset_map, match...: key-value lines, not directives) or when nginx
// does not take the block there. A switch, not a table of maps: nothing is
// built when the program starts (TestBodyContextAsTable).
func BodyContext(name string, ctx Ctx) Ctx {
	switch ctx {
	case CtxMain:
		switch name {
		case "http":
			return CtxHTTPMain
		case "events":
			return CtxEvents
		case "stream":
			return CtxStreamMain
		case "mail":
			return CtxMailMain
		}
	case CtxHTTPMain:
		switch name {
		case "server":
			return CtxHTTPServer
		case "upstream":
			return CtxHTTPUpstream
		}
	case CtxHTTPServer:
		switch name {
		case "location":
			return CtxHTTPLocation
		case "if":
			return CtxHTTPServerIf
		}
	case CtxHTTPLocation:
		switch name {
		case "location":
			return CtxHTTPLocation
		case "if":
			return CtxHTTPLocationIf
		case "limit_except":
			return CtxHTTPLimitExcept
		}
	case CtxStreamMain:
		switch name {
		case "server":
			return CtxStreamServer
		case "upstream":
			return CtxStreamUpstream
		}
	case CtxMailMain:
		if name == "server" {
			return CtxMailServer
		}
	}
	return 0
}

// HandlerBody reports whether nginx reads the body of block directive name
// through its module's handler, where no block may open: the block
// directives whose body nginx hands, line by line, to the module's handler
// (cf->handler: ngx_http_core_types, ngx_http_map, ngx_http_geo,
// ngx_http_split_clients, ngx_http_charset_map, and their stream twins). A
// '{' in such a body fails with `unexpected "{"` (ngx_conf_parse).
func HandlerBody(name string) bool {
	switch name {
	case "types", "map", "geo", "split_clients", "charset_map":
		return true
	}
	return false
}
