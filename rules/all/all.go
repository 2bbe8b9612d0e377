// Package all registers every rule family. The CLI and the tests that need
// every rule import it for its side effect:
//
//	import _ "github.com/ngxlint/ngxlint/rules/all"
//
// A new family is one more import here.
package all

import (
	_ "github.com/ngxlint/ngxlint/rules/correctness" // NGX1xx: what nginx -t refuses
	_ "github.com/ngxlint/ngxlint/rules/security"    // SEC: security traps and attacks
	_ "github.com/ngxlint/ngxlint/rules/syntax"      // NGX: loading, syntax and suppressions
	_ "github.com/ngxlint/ngxlint/rules/websocket"   // WS: WebSocket proxying
)
