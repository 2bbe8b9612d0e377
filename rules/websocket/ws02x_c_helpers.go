package websocket

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

// testsUpgrade reports whether an if condition is true for a WebSocket
// handshake: it tests $http_upgrade or $http_connection for presence, for
// equality with a non-empty value, or against a regex ("!=", "!~" and
// comparisons with "" select the other requests).
func testsUpgrade(d *parser.Directive) bool {
	var words []string
	for _, a := range d.Args {
		if w := strings.Trim(a.Value, "()"); w != "" || a.Quote != 0 {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return false
	}
	v := strings.ToLower(words[0])
	if v != "$http_upgrade" && v != "$http_connection" {
		return false
	}
	switch {
	case len(words) == 1:
		return true
	case len(words) == 3 && words[1] == "=":
		return words[2] != ""
	case len(words) == 3 && words[1] == "!=":
		return words[2] == ""
	case len(words) == 3 && (words[1] == "~" || words[1] == "~*"):
		return true
	}
	return false
}

// proxyHostOf is the Host nginx sends by default for a proxied location:
// $proxy_host, the address written in proxy_pass.
func proxyHostOf(p *rules.Pass, pl ProxyLocation) string {
	t, ok := p.Cfg.ProxyTarget(pl.Handler.D)
	switch {
	case !ok || t.Variables:
		return "the address of its proxy_pass"
	case t.Unix:
		return "localhost"
	}
	return t.Authority()
}

// referencesUpgrade reports whether a value uses a variable that is set
// only (or differently) for a WebSocket handshake: $http_upgrade,
// $http_connection, $http_sec_websocket_key, or a map computed from one.
func referencesUpgrade(p *rules.Pass, value string) bool {
	for _, v := range model.Variables(value) {
		switch v {
		case "http_upgrade", "http_connection", "http_sec_websocket_key", "http_sec_websocket_version":
			return true
		}
		if m, ok := p.Cfg.Maps[v]; ok {
			for _, src := range model.Variables(m.Source) {
				switch src {
				case "http_upgrade", "http_connection", "http_sec_websocket_key":
					return true
				}
			}
		}
	}
	return false
}
