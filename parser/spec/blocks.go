package spec

// bodies maps a context and a block directive written in it to the context
// nginx parses the block's body in: the blocks whose handler sets
// cf->cmd_type and calls ngx_conf_parse (ngx_http_block, ngx_http_core_server,
// ngx_http_core_location, ngx_http_rewrite_if, ngx_http_core_limit_except,
// ngx_http_upstream, ngx_events_block, ngx_stream_*, ngx_mail_*).
var bodies = map[Ctx]map[string]Ctx{
	CtxMain:         {"http": CtxHTTPMain, "events": CtxEvents, "stream": CtxStreamMain, "mail": CtxMailMain},
	CtxHTTPMain:     {"server": CtxHTTPServer, "upstream": CtxHTTPUpstream},
	CtxHTTPServer:   {"location": CtxHTTPLocation, "if": CtxHTTPServerIf},
	CtxHTTPLocation: {"location": CtxHTTPLocation, "if": CtxHTTPLocationIf, "limit_except": CtxHTTPLimitExcept},
	CtxStreamMain:   {"server": CtxStreamServer, "upstream": CtxStreamUpstream},
	CtxMailMain:     {"server": CtxMailServer},
}

// BodyContext returns the context nginx reads the body of block directive
// name written in ctx in. It is 0 when the module reads the body itself
// (map, geo, types, split_clients, charset_map, match...: key-value lines,
// not directives) or when nginx does not take the block there.
func BodyContext(name string, ctx Ctx) Ctx { return bodies[ctx][name] }

// handlerBodies are the block directives whose body nginx hands, line by
// line, to the module's handler (cf->handler: ngx_http_core_types,
// ngx_http_map, ngx_http_geo, ngx_http_split_clients,
// ngx_http_charset_map, and their stream twins). A '{' in such a body
// fails with `unexpected "{"` (ngx_conf_parse).
var handlerBodies = map[string]bool{"types": true, "map": true, "geo": true, "split_clients": true, "charset_map": true}

// HandlerBody reports whether nginx reads the body of block directive name
// through its module's handler, where no block may open.
func HandlerBody(name string) bool { return handlerBodies[name] }
