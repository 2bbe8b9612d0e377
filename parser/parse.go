package parser

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// SyntaxError is a file that nginx would refuse to read, with the offset of
// the problem.
type SyntaxError struct {
	File *File
	Off  int
	Msg  string
}

func (e *SyntaxError) Error() string {
	p := e.File.Position(e.Off)
	return fmt.Sprintf("%s:%d:%d: %s", e.File.Path, p.Line, p.Column, e.Msg)
}

var bom = []byte{0xef, 0xbb, 0xbf}

// MaxParseSize bounds the files Parse reads: the tree keeps byte offsets as
// int32 to stay small (a 50 MB file has a million directives), so a file
// must not be larger. Limits.MaxFileSize is capped to it, so the loader
// refuses such a file before reading it all.
const MaxParseSize = 1 << 30

// errTooLarge is the message of Parse for a file over MaxParseSize bytes.
const errTooLarge = "the file is larger than 1 GiB, the largest ngxlint reads (nginx configurations are a few MiB at most)"

// Parse reads one file's bytes. It returns the file with its directive tree,
// or the file (for positions) and the first syntax error, as nginx stops at
// the first one too. The file keeps src, and the values of its words share
// its bytes: src must not be changed afterwards.
func Parse(path string, src []byte) (*File, *SyntaxError) {
	f := &File{Path: path, Src: src}
	if len(src) > MaxParseSize {
		f.Src = nil // no offset into it would fit the tree
		return f, &SyntaxError{File: f, Off: 0, Msg: errTooLarge}
	}
	f.lines()
	from := 0
	if bytes.HasPrefix(src, bom) {
		f.BOM = true
		from = len(bom)
	}
	if i := bytes.IndexByte(src, 0); i >= 0 {
		return f, &SyntaxError{File: f, Off: i, Msg: "this is not a text file (NUL byte); nginx configuration is text"}
	}
	// nginx reads and applies every directive before the first error it
	// meets: the file keeps them (f.Top is the part nginx read, blocks cut
	// short included), so the errors nginx would report there are found
	// too. The reading stops at a scanner error, so an error of the
	// builder comes before it in the file.
	b := &builder{f: f, s: &scanner{src: src, pos: from}}
	f.Top, _ = b.block(nil, -1)
	err := b.err
	if err != nil {
		// read the rest for its comments (suppressions)
		for {
			if _, ok := b.next(); !ok {
				break
			}
		}
	}
	if err == nil && b.s.err != nil {
		err = &SyntaxError{File: f, Off: b.s.err.off, Msg: b.s.err.msg}
	}
	if err != nil {
		f.Partial = true
		return f, err
	}
	return f, nil
}

// builder reads the scanner's tokens one at a time into directives.
type builder struct {
	f *File
	s *scanner
	// last is the last non-comment token read (a block's closing '}').
	last token
	// peeked holds a token read ahead of its turn.
	peeked *token
	err    *SyntaxError // the first syntax error; reading stops there
	// Directives and arguments are carved from chunks (see newDirective):
	// a 50 MB file has over a million directives, and one allocation each
	// rounds every Directive and every argument slice up to a size class.
	dirs   []Directive
	words  []Word
	blocks []Block
	ptrs   []*Directive // the chunk the blocks' directive lists are carved from
	// stack holds the directives of the blocks being read, innermost last:
	// a block's list is copied out at its end, at its exact length, so
	// the lists do not keep the slack of append's doubling.
	stack []*Directive
	toks  []token // see read
}

// slabMax bounds the chunks directives and arguments are carved from; they
// start small and double, so a short fragment does not pay for a big chunk.
const slabMax = 1024

// newDirective returns a zero Directive from the current chunk.
func (b *builder) newDirective() *Directive {
	if len(b.dirs) == cap(b.dirs) {
		b.dirs = make([]Directive, 0, min(max(2*cap(b.dirs), 8), slabMax))
	}
	b.dirs = b.dirs[:len(b.dirs)+1]
	return &b.dirs[len(b.dirs)-1]
}

// newWords returns n zero Words from the current chunk, capped at n so an
// append by a caller cannot write over a neighbour's.
func (b *builder) newWords(n int) []Word {
	if n > slabMax/4 {
		return make([]Word, n)
	}
	if cap(b.words)-len(b.words) < n {
		b.words = make([]Word, 0, min(max(2*cap(b.words), 4*n, 16), slabMax))
	}
	i := len(b.words)
	b.words = b.words[:i+n]
	return b.words[i : i+n : i+n]
}

// newBlock returns a zero Block from the current chunk.
func (b *builder) newBlock() *Block {
	if len(b.blocks) == cap(b.blocks) {
		b.blocks = make([]Block, 0, min(max(2*cap(b.blocks), 4), slabMax))
	}
	b.blocks = b.blocks[:len(b.blocks)+1]
	return &b.blocks[len(b.blocks)-1]
}

// list returns the directives stacked from base on as one slice (capped at
// its length: an append by a caller copies it), and pops them.
func (b *builder) list(base int) []*Directive {
	n := len(b.stack) - base
	if n == 0 {
		return nil
	}
	var out []*Directive
	if n > slabMax/4 {
		out = make([]*Directive, n)
	} else {
		if cap(b.ptrs)-len(b.ptrs) < n {
			b.ptrs = make([]*Directive, 0, min(max(2*cap(b.ptrs), 4*n, 16), slabMax))
		}
		i := len(b.ptrs)
		b.ptrs = b.ptrs[:i+n]
		out = b.ptrs[i : i+n : i+n]
	}
	copy(out, b.stack[base:])
	clear(b.stack[base:])
	b.stack = b.stack[:base]
	return out
}

// next returns the next token that is not a comment, recording comments.
func (b *builder) next() (token, bool) {
	if b.peeked != nil {
		t := *b.peeked
		b.peeked = nil
		b.last = t
		return t, true
	}
	for {
		t, ok := b.s.next()
		if !ok {
			return token{}, false
		}
		if t.kind == tokComment {
			b.f.Comments = append(b.f.Comments, Comment{Text: srcString(b.f.Src[t.start+1 : t.end]), Start: t.start, End: t.end})
			continue
		}
		b.last = t
		return t, true
	}
}

func (b *builder) errf(off int, format string, args ...any) *SyntaxError {
	return &SyntaxError{File: b.f, Off: off, Msg: fmt.Sprintf(format, args...)}
}

// block reads directives up to the '}' matching the '{' at offset open, or
// to the end of the file when open < 0. At a syntax error it records it in
// b.err and returns the directives read so far, as nginx has applied them;
// closed is false then. Errors are placed on the line nginx names
// (ngx_conf_parse and ngx_conf_read_token, src/core/ngx_conf_file.c): the
// end of the file for an unclosed block or an unterminated directive.
func (b *builder) block(parent *Directive, open int) (out []*Directive, closed bool) {
	base := len(b.stack)
	closed = b.read(parent, open)
	return b.list(base), closed
}

// read is block: it stacks the directives of the block (see list).
func (b *builder) read(parent *Directive, open int) (closed bool) {
	// the words of the directive being read; a block's own are read after
	// its head's are done with, so every level shares one buffer
	words := b.toks[:0]
	defer func() { b.toks = words[:0] }()
	eof := len(b.f.Src)
	for {
		t, ok := b.next()
		if !ok {
			switch {
			case b.s.err != nil:
				// the scanner stopped at an error: not the end of the file
			case len(words) > 0:
				b.err = b.errf(eof, "unexpected end of file, expecting \";\" or \"}\": directive \"%s\" on line %d is not terminated by \";\"",
					words[0].value, b.f.Position(words[0].start).Line)
			case open >= 0:
				b.err = b.errf(eof, "unexpected end of file, expecting \"}\": the block opened by \"%s\" on line %d is never closed",
					parent.Name, b.f.Position(open).Line)
			}
			return false
		}
		switch t.kind {
		case tokWord:
			words = append(words, t)
		case tokSemicolon, tokBlockStart:
			if len(words) == 0 {
				b.err = b.errf(t.start, "unexpected \"%s\": no directive name before it", string(b.f.Src[t.start]))
				return false
			}
			d := b.newDirective()
			d.File, d.Name, d.Parent = b.f, words[0].value, parent
			d.nameStart = int32(words[0].start)
			if len(words) > 1 {
				d.Args = b.newWords(len(words) - 1)
				for i, w := range words[1:] {
					d.Args[i] = wordOf(w)
				}
			}
			words = words[:0]
			if t.kind == tokSemicolon {
				d.End = int32(t.end)
				b.stack = append(b.stack, d)
				continue
			}
			d.Block = b.newBlock()
			d.Block.Open = int32(t.start)
			if n, ok := b.next(); ok {
				if n.kind == tokLua {
					lw := wordOf(n)
					d.Block.Lua = &lw
				} else {
					b.peeked = &n
				}
			}
			b.toks = words
			children, closed := b.block(d, t.start)
			words = b.toks[:0]
			d.Block.Directives = children
			b.stack = append(b.stack, d)
			if !closed {
				// cut short: the block runs to where nginx stopped
				d.Block.Close, d.End = int32(eof), int32(eof)
				return false
			}
			d.Block.Close = int32(b.last.start)
			d.End = int32(b.last.end)
		case tokBlockEnd:
			if len(words) > 0 {
				b.err = b.errf(t.start, "unexpected \"}\": directive \"%s\" is not terminated by \";\"", words[0].value)
				return false
			}
			if open < 0 {
				b.err = b.errf(t.start, "unexpected \"}\": no block is open here")
				return false
			}
			return true
		}
	}
}

func wordOf(t token) Word {
	return Word{Value: t.value, Start: int32(t.start), End: int32(t.end)}
}

// Quote returns s quoted for an nginx configuration when it needs quotes.
func Quote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\r\n;{}\"'#\\") && utf8.ValidString(s) {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

// srcString is the bytes of a comment as a string sharing the file's
// bytes (see unescape: Src is never changed once parsed).
func srcString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
