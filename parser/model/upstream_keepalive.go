package model

import (
	"strconv"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/spec"
)

// UpstreamKeepalive reports whether nginx caches idle connections to the
// upstream{} block u for target version v, and the keepalive directive that
// decides it (nil when the default does):
//   - "keepalive N" with N > 0 turns the cache on in every version;
//   - "keepalive 0" turns it off (1.29.7 and later; older versions refuse 0);
//   - without the directive, nginx 1.29.7 and later cache 32 connections per
//     location ("keepalive 32 local", ngx_http_upstream_keepalive_init_main_conf);
//     older versions cache none. An unknown version counts as older.
func (u *Block) UpstreamKeepalive(v spec.Version) (bool, *parser.Directive) {
	if e, ok := u.First("keepalive"); ok {
		n, err := strconv.Atoi(e.D.Arg(0))
		return err == nil && n > 0, e.D
	}
	return v.AtLeast(spec.GateUpstreamHTTP11), nil
}
