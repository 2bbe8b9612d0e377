package correctness

import (
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&upstreamWithoutServers{}) }

type upstreamWithoutServers struct{}

var upstreamWithoutServersMeta = &rules.Meta{
	ID: "NGX113", Name: "upstream-without-servers", Severity: rules.Error,
	Doc: rules.Doc{
		Summary: "An upstream block with no server line.",
		Why: "When nginx has read an upstream block it checks that the block has at least one server, and fails nginx -t with " +
			"`no servers are inside upstream` on the line of its closing }. A } written too early (after ip_hash or keepalive) " +
			"closes the block before its servers, which nginx then reads one level up.",
		Bad:   "upstream app {\n    keepalive 16;\n}",
		Good:  "upstream app {\n    server 127.0.0.1:8080;\n    keepalive 16;\n}",
		Fix:   "Add the servers, or move the } after them.",
		Since: "0.3.0",
		Refs:  []string{"https://nginx.org/en/docs/http/ngx_http_upstream_module.html#upstream", "https://github.com/nginx/nginx/blob/master/src/http/ngx_http_upstream.c"},
	},
}

func (*upstreamWithoutServers) Meta() *rules.Meta { return upstreamWithoutServersMeta }

func (*upstreamWithoutServers) Check(p *rules.Pass) {
	ix := indexOf(p)
	for _, lv := range ix.levels {
		if lv.ctx != spec.CtxHTTPUpstream && lv.ctx != spec.CtxStreamUpstream || lv.dir == nil || lv.dir.Block == nil {
			continue
		}
		d := lv.dir
		if int(d.Block.Close) >= len(d.File.Src) {
			continue // cut short by a syntax error: nginx never reaches its end
		}
		servers := false
		for _, it := range lv.items {
			if it.d.Name == "server" {
				servers = true
				break
			}
		}
		if servers {
			continue
		}
		line := d.File.Position(int(d.Block.Close)).Line
		p.Report(rules.Span{File: d.File, Start: int(d.Block.Close), End: int(d.Block.Close) + 1},
			"upstream %s has no server line: nginx -t: no servers are inside upstream in %s:%s; add one, or move this } after them",
			d.Arg(0), d.File.Path, itoa(line))
	}
}
