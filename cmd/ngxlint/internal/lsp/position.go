package lsp

import (
	"sort"
	"unicode/utf8"
)

// Position is a place in a document as LSP counts it: a zero-based line and
// a zero-based offset in UTF-16 code units within the line (the encoding
// every client supports, and the only one this server announces).
type Position struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

// Range is a span of a document, End exclusive.
type Range struct {
	Start Position `json:"start"`
	End   Position `json:"end"`
}

// lineIndex converts between byte offsets into a text and LSP positions.
// Lines end at "\n", "\r\n" or a lone "\r", as LSP says.
type lineIndex struct {
	src    []byte
	starts []int // byte offset where each line starts
}

func newLineIndex(src []byte) *lineIndex {
	li := &lineIndex{src: src, starts: []int{0}}
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\n':
			li.starts = append(li.starts, i+1)
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			li.starts = append(li.starts, i+1)
		}
	}
	return li
}

// lineEnd is the offset of the end of line n, before its line break.
func (li *lineIndex) lineEnd(n int) int {
	if n+1 >= len(li.starts) {
		return len(li.src)
	}
	end := li.starts[n+1] - 1
	if end > li.starts[n] && li.src[end] == '\n' && li.src[end-1] == '\r' {
		end--
	}
	return end
}

// position returns the position of byte offset off (clamped to the text).
// An offset inside a line break is placed at the end of its line; one
// inside a UTF-8 sequence at the start of its character.
func (li *lineIndex) position(off int) Position {
	if off < 0 {
		off = 0
	}
	if off > len(li.src) {
		off = len(li.src)
	}
	line := sort.Search(len(li.starts), func(i int) bool { return li.starts[i] > off }) - 1
	start := li.starts[line]
	if end := li.lineEnd(line); off > end {
		off = end
	}
	for off > start && off < len(li.src) && !utf8.RuneStart(li.src[off]) {
		off--
	}
	return Position{Line: line, Character: utf16Len(li.src[start:off])}
}

// offset returns the byte offset of a position. A line past the end is the
// end of the text; a character past the end of its line is the line's end
// (as the specification says); one inside a surrogate pair is the start of
// its character.
func (li *lineIndex) offset(p Position) int {
	if p.Line < 0 {
		return 0
	}
	if p.Line >= len(li.starts) {
		return len(li.src)
	}
	off, end := li.starts[p.Line], li.lineEnd(p.Line)
	for units := 0; off < end; {
		r, size := utf8.DecodeRune(li.src[off:end])
		n := 1
		if r >= 0x10000 {
			n = 2
		}
		if units+n > p.Character {
			break
		}
		units += n
		off += size
	}
	return off
}

// rangeOf converts a byte span.
func (li *lineIndex) rangeOf(start, end int) Range {
	return Range{Start: li.position(start), End: li.position(end)}
}

// utf16Len counts the UTF-16 code units of b; a byte that is not valid
// UTF-8 counts as one unit (clients decode it as U+FFFD).
func utf16Len(b []byte) int {
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
		b = b[size:]
	}
	return n
}
