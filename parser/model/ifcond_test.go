package model

import (
	"testing"

	"github.com/ngxlint/ngxlint/parser"
)

func TestParseIf(t *testing.T) {
	cases := []struct {
		src                 string
		ok                  bool
		v, op, operand      string
		varW, opW, operandW int
		paren               bool
	}{
		{`if ($http_upgrade = "websocket") {}`, true, "http_upgrade", "=", "websocket", 0, 1, 2, false},
		{`if ($http_upgrade = websocket) {}`, true, "http_upgrade", "=", "websocket", 0, 1, 2, true},
		{`if ( $http_upgrade ~* "^websocket$" ) {}`, true, "http_upgrade", "~*", "^websocket$", 1, 2, 3, false},
		{`if ($HTTP_Upgrade !~ ^WebSocket) {}`, true, "http_upgrade", "!~", "^WebSocket", 0, 1, 2, true},
		{`if ($http_upgrade) {}`, true, "http_upgrade", "", "", 0, -1, -1, false},
		{`if ( $http_upgrade ) {}`, true, "http_upgrade", "", "", 1, -1, -1, false},
		{`if (-f $request_filename) {}`, true, "", "-f", "$request_filename", 0, 0, 1, true},
		{`if ($a == b) {}`, false, "", "", "", 0, -1, -1, false},
		{`if $a {}`, false, "", "", "", 0, -1, -1, false},
		{`if ($a = b {}`, false, "", "", "", 0, -1, -1, false},
		{`if ($a = ) {}`, false, "", "", "", 0, -1, -1, false},
	}
	for _, c := range cases {
		f, err := parser.Parse("t", []byte(c.src))
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		got, ok := ParseIf(f.Top[0])
		if ok != c.ok {
			t.Errorf("%s: ok %v", c.src, ok)
			continue
		}
		if !ok {
			continue
		}
		if got.Var != c.v || got.Op != c.op || got.Operand != c.operand || got.VarWord != c.varW ||
			got.OpWord != c.opW || got.OperandWord != c.operandW || got.OperandParen != c.paren {
			t.Errorf("%s: %+v", c.src, got)
		}
	}
}
