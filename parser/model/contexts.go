package model

import "github.com/ngxlint/ngxlint/parser/spec"

// Context returns the context nginx parses the directives of this level
// in: an if block directly in a server is NGX_HTTP_SIF_CONF, one in a
// location NGX_HTTP_LIF_CONF (ngx_http_rewrite_if). It is 0 for levels
// whose body a module reads itself (map, types, geo...) or that the model
// does not know.
func (b *Block) Context() spec.Ctx {
	switch b.Kind {
	case Main:
		return spec.CtxMain
	case HTTP:
		return spec.CtxHTTPMain
	case Server:
		return spec.CtxHTTPServer
	case Location:
		return spec.CtxHTTPLocation
	case If:
		if b.Parent != nil && b.Parent.Kind == Server {
			return spec.CtxHTTPServerIf
		}
		return spec.CtxHTTPLocationIf
	case LimitExcept:
		return spec.CtxHTTPLimitExcept
	case Upstream:
		return spec.CtxHTTPUpstream
	}
	if b.Dir != nil && b.Dir.Name == "events" && b.Parent != nil && b.Parent.Kind == Main {
		return spec.CtxEvents
	}
	return 0
}
