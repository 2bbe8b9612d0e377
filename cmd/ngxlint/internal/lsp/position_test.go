package lsp

import (
	"testing"
)

func TestPositions(t *testing.T) {
	// "é" is 2 bytes and 1 UTF-16 unit, "😀" 4 bytes and 2 units; lines
	// end with LF, CRLF and a lone CR.
	src := []byte("ab\r\né😀x\ny\rz")
	li := newLineIndex(src)
	for _, c := range []struct {
		off int
		pos Position
	}{
		{0, Position{0, 0}},
		{2, Position{0, 2}},  // before CRLF
		{3, Position{0, 2}},  // inside CRLF: end of its line
		{4, Position{1, 0}},  // é
		{6, Position{1, 1}},  // 😀
		{7, Position{1, 1}},  // inside 😀: its start
		{10, Position{1, 3}}, // x
		{11, Position{1, 4}}, // LF
		{12, Position{2, 0}}, // y
		{14, Position{3, 0}}, // z after a lone CR
		{15, Position{3, 1}}, // end
		{99, Position{3, 1}}, // past the end
	} {
		if got := li.position(c.off); got != c.pos {
			t.Errorf("position(%d) = %+v, want %+v", c.off, got, c.pos)
		}
	}
	for _, c := range []struct {
		pos Position
		off int
	}{
		{Position{0, 0}, 0},
		{Position{0, 9}, 2}, // past the line's end: the end, before CRLF
		{Position{1, 1}, 6},
		{Position{1, 2}, 6}, // inside the surrogate pair: the character's start
		{Position{1, 3}, 10},
		{Position{2, 1}, 13},
		{Position{3, 0}, 14},
		{Position{7, 0}, 15}, // past the last line
		{Position{-1, 0}, 0},
	} {
		if got := li.offset(c.pos); got != c.off {
			t.Errorf("offset(%+v) = %d, want %d", c.pos, got, c.off)
		}
	}
	// every character boundary survives the round trip
	for off := 0; off <= len(src); off++ {
		if off == 3 || off == 7 || off == 8 || off == 9 || off == 5 {
			continue // inside CRLF or a character
		}
		if got := li.offset(li.position(off)); got != off {
			t.Errorf("offset(position(%d)) = %d", off, got)
		}
	}
}
