// Package websocket is the WebSocket family: what breaks WebSocket
// proxying through nginx (WS rules). Its shared knowledge is the evidence
// that a location carries WebSocket (intent.go, per unit through
// rules.Memo), the applications with known endpoints (apps.go), the
// canonical configuration its fixes write (canonical.go) and the header
// helpers (headers.go). Its errors claim that the handshake fails.
package websocket

import "github.com/ngxlint/ngxlint/rules"

func init() {
	rules.RegisterFamily(rules.Family{Name: "websocket", Claim: rules.HandshakeFails, Package: "github.com/ngxlint/ngxlint/rules/websocket"})
}
