package websocket

// The Connection header a location sends: what a value (or the map behind
// it) yields for a browser's handshake.

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser/model"
)

// connStatus is what a Connection value yields for a browser's handshake.
type connStatus int

// connectionStatus evaluates a Connection value for the Chrome and Firefox
// handshakes and says what it yields.
func connectionStatus(cfg *model.Config, value string) (connStatus, string) {
	if mapHasTypo(cfg, value) {
		return connTypo, ""
	}
	var yields []string
	for _, req := range []model.Request{model.ChromeHandshake, model.FirefoxHandshake} {
		v, known := cfg.Expand(value, req)
		if !known {
			return connUnknown, ""
		}
		yields = append(yields, v)
		if !hasToken(v, "upgrade") {
			for _, tok := range tokens(v) {
				if isTypoOf(tok, "upgrade") {
					return connTypo, v
				}
			}
			if invertedMapOf(cfg, value) != nil {
				return connInverted, v
			}
			return connMissing, v
		}
	}
	return connUpgrade, yields[0]
}

// mapHasTypo reports whether value uses a map whose source variable or
// values misspell a WebSocket word (WS009 reports those).
func mapHasTypo(cfg *model.Config, value string) bool {
	for _, v := range model.Variables(value) {
		m, ok := cfg.Map(v)
		if !ok {
			continue
		}
		for _, src := range model.Variables(m.Source) {
			if h, ok := strings.CutPrefix(src, "http_"); ok && (isTypoOf(h, "upgrade") || isTypoOf(h, "connection")) {
				return true
			}
		}
		for _, e := range append(m.Entries, m.Default) {
			if e == nil {
				continue
			}
			for _, tok := range tokens(e.Value) {
				if isTypoOf(tok, "upgrade") {
					return true
				}
			}
		}
	}
	return false
}

// invertedMapOf returns the map on $http_upgrade that a Connection value
// uses and that yields upgrade for an ordinary request but not for a handshake.
func invertedMapOf(cfg *model.Config, value string) *model.Map {
	for _, v := range model.Variables(value) {
		m, ok := cfg.Map(v)
		if !ok || !strings.EqualFold(m.Source, "$http_upgrade") {
			continue
		}
		ws, _, _ := m.Eval("websocket")
		plain, _, _ := m.Eval("")
		if !hasToken(ws, "upgrade") && hasToken(plain, "upgrade") {
			return m
		}
	}
	return nil
}

// The results of ConnectionStatus.
const (
	connUnknown  connStatus = iota // uses variables the model cannot evaluate
	connUpgrade                    // carries the upgrade token
	connTypo                       // a token misspells upgrade (WS009)
	connInverted                   // a map on $http_upgrade with its branches swapped (WS013)
	connMissing                    // carries no upgrade token
)

// definedByMap reports whether a map defines the variable name.
func definedByMap(cfg *model.Config, name string) bool {
	_, ok := cfg.Map(name)
	return ok
}
