package websocket

import (
	"fmt"
	"strings"

	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&cacheWithoutUpgradeBypass{}) }

type cacheWithoutUpgradeBypass struct{}

var cacheWithoutUpgradeBypassMeta = &rules.Meta{
	ID: "WS022", Name: "cache-without-upgrade-bypass", Severity: rules.Warning, Fixable: true,
	Doc: rules.Doc{
		Summary: "A WebSocket location uses proxy_cache without bypassing the cache for handshakes.",
		Why: "nginx looks a request up in the cache before it proxies it, and the default key ($scheme$proxy_host$request_uri) " +
			"ignores the Upgrade header. Once a plain GET of the WebSocket URL has been cached (a health check, a crawler, a " +
			"long-polling fallback), the next handshake gets that cached 200 instead of 101, and the browser reports " +
			"\"Unexpected response code: 200\" (run on nginx 1.31.5; the same location with proxy_cache_bypass $http_upgrade " +
			"answered 101). proxy_cache and proxy_cache_bypass are inherited from server{} and http{}: a cache zone set there " +
			"applies to the WebSocket location too.",
		Bad: "location /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_cache app_cache;\n    proxy_http_version 1.1;\n" +
			"    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n}",
		Good: "location /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_cache app_cache;\n    proxy_cache_bypass $http_upgrade;\n" +
			"    proxy_no_cache $http_upgrade;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n" +
			"    proxy_set_header Connection \"upgrade\";\n}",
		Fix: "Add proxy_cache_bypass $http_upgrade; and proxy_no_cache $http_upgrade; (ASP.NET Core's SignalR guide does both), " +
			"or proxy_cache off; in the WebSocket location. A bypass that tests $http_connection, $http_sec_websocket_key or a " +
			"map of $http_upgrade counts. ngxlint fix appends the missing lines to the proxy_cache_bypass and proxy_no_cache " +
			"lists in effect (a list written further out gets the line there, so nothing it holds is dropped), or adds them to " +
			"the location.",
		SeverityNote: "Warning where the location is declared WebSocket, a known endpoint, its path names WebSocket, or its " +
			"proxy_no_cache already tests $http_upgrade; info where it only writes upgrade headers itself (often pasted into every " +
			"proxied location); nothing where they come from a shared include or an outer level several locations inherit.",
		Since: "0.1.0",
		Refs:  []string{"https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_cache_bypass"},
	},
}

func (*cacheWithoutUpgradeBypass) Meta() *rules.Meta { return cacheWithoutUpgradeBypassMeta }

// cacheTable: a cached location that only carries upgrade headers (often
// pasted into every proxied location, or included from a shared file) is
// not shown to be a WebSocket endpoint: an info note where it writes them
// itself, nothing where they are shared boilerplate.
var cacheTable = severityTable{ownHeaders: rules.Info, pathHint: rules.Warning, knownPath: rules.Warning, declared: rules.Warning}

func (*cacheWithoutUpgradeBypass) Check(p *rules.Pass) {
	for _, pl := range proxyLocationsOf(p) {
		in := pl.intent(p)
		sev := in.SeverityBy(cacheTable)
		if sev == rules.Off {
			continue
		}
		cache, ok := pl.Block.Scalar("proxy_cache")
		if !ok || len(cache.D.Args) == 0 || strings.EqualFold(cache.D.Arg(0), "off") {
			continue
		}
		if listReferencesUpgrade(p, pl.Block, "proxy_cache_bypass") {
			continue
		}
		where := rules.DirectiveSpan(cache.At())
		zone := fmt.Sprintf("proxy_cache %s", cache.D.File.Raw(cache.D.Args[0]))
		if _, lvl := pl.Block.Lookup("proxy_cache"); lvl != pl.Block {
			where = anchor(pl.Block)
			zone += fmt.Sprintf(" (set in %s, %s)", levelName(lvl), rules.Line(cache.D, where.File))
		}
		add := "proxy_cache_bypass $http_upgrade; and proxy_no_cache $http_upgrade;"
		why := becauseBy(in, cacheTable)
		if listReferencesUpgrade(p, pl.Block, "proxy_no_cache") {
			add = "proxy_cache_bypass $http_upgrade;"
			// proxy_no_cache $http_upgrade: the location expects handshakes.
			sev = rules.Warning
		}
		f := p.ReportSev(sev, where,
			"%s applies to %s, which proxies WebSocket%s, and no proxy_cache_bypass tests $http_upgrade: nginx looks the handshake up in the cache first (the key ignores Upgrade), so once a plain GET of the URL is cached the browser gets that 200 instead of 101; add %s (or proxy_cache off;)",
			zone, pl.Block.Name(), why, add)
		var edits []rules.Edit
		var here []string
		for _, name := range []string{"proxy_cache_bypass", "proxy_no_cache"} {
			if name == "proxy_no_cache" && listReferencesUpgrade(p, pl.Block, name) {
				continue
			}
			line := name + " $http_upgrade;"
			if es, lvl := pl.Block.Lookup(name); lvl != nil {
				edits = append(edits, rules.InsertAfter(es[len(es)-1].At(), []string{line}))
				continue
			}
			here = append(here, line)
		}
		if len(here) > 0 {
			e, ok := rules.InsertInLevel(pl.Block, []string{"proxy_cache"}, here)
			if !ok {
				f.NoFix = "the location has no place in the source to write to"
				continue
			}
			edits = append(edits, e)
		}
		f.WithFix(&rules.Fix{Message: "bypass the cache for WebSocket handshakes", Edits: joinInsertions(edits)})
	}
}

// listReferencesUpgrade reports whether the list directive name in effect
// at b (proxy_cache_bypass, proxy_no_cache) tests a WebSocket header.
func listReferencesUpgrade(p *rules.Pass, b *model.Block, name string) bool {
	es, _ := b.Lookup(name)
	for _, e := range es {
		for _, a := range e.D.Args {
			if referencesUpgrade(p, a.Value) {
				return true
			}
		}
	}
	return false
}

// joinInsertions joins insertions at the same offset of the same file into one
// edit, in order, so that a fix never holds two edits at one point.
func joinInsertions(edits []rules.Edit) []rules.Edit {
	var out []rules.Edit
	for _, e := range edits {
		merged := false
		for i := range out {
			if out[i].File == e.File && out[i].Start == e.Start && out[i].End == e.Start && e.End == e.Start {
				out[i].New += e.New
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, e)
		}
	}
	return out
}
