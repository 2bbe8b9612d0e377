package websocket

// What tells a handshake from other requests: conditions and values that
// test Upgrade or Connection.

import (
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

// testsUpgrade reports whether an if block's condition is true for a
// WebSocket handshake: it tests $http_upgrade or $http_connection for
// presence, for equality with a non-empty value, or against a regex ("!=",
// "!~" and comparisons with "" select the other requests).
func testsUpgrade(b *model.Block) bool {
	c, ok := b.Condition()
	if !ok || c.Var != "http_upgrade" && c.Var != "http_connection" {
		return false
	}
	switch c.Op {
	case "":
		return true
	case "=":
		return c.Operand != ""
	case "!=":
		return c.Operand == ""
	case "~", "~*":
		return true
	}
	return false
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
		if m, ok := p.Cfg.Map(v); ok {
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

// forwardsUpgrade reports whether requests served at b reach the backend
// with what a WebSocket handshake needs: proxy_set_header forwards Upgrade
// or a Connection with the upgrade token, or the handler is uwsgi_pass or
// scgi_pass, which pass the client's Upgrade and Connection as parameters.
func forwardsUpgrade(cfg *model.Config, b *model.Block) bool {
	if h, ok := b.Handler(); ok && (h.D.Name == "uwsgi_pass" || h.D.Name == "scgi_pass") {
		return true
	}
	return len(upgradeHeaders(cfg, b)) > 0
}
