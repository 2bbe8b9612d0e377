package parser

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
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

// Parse reads one file's bytes. It returns the file with its directive tree,
// or the file (for positions) and the first syntax error, as nginx stops at
// the first one too. The file keeps src, and the values of its words share
// its bytes: src must not be changed afterwards.
func Parse(path string, src []byte) (*File, *SyntaxError) {
	f := &File{Path: path, Src: src}
	f.index()
	from := 0
	if bytes.HasPrefix(src, bom) {
		f.BOM = true
		from = len(bom)
	}
	if i := bytes.IndexByte(src, 0); i >= 0 {
		return f, &SyntaxError{File: f, Off: i, Msg: "this is not a text file (NUL byte); nginx configuration is text"}
	}
	b := &builder{f: f, s: &scanner{src: src, pos: from}}
	top, err := b.block(nil, -1)
	if err != nil {
		// nginx reports the first error it meets; the scanner's errors
		// come first, as the whole file is tokenized before it is read.
		// Read the rest for its comments (suppressions) and scan errors.
		for {
			if _, ok := b.next(); !ok {
				break
			}
		}
	}
	if b.s.err != nil {
		return f, &SyntaxError{File: f, Off: b.s.err.off, Msg: b.s.err.msg}
	}
	if err != nil {
		return f, err
	}
	f.Top = top
	associateComments(f)
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
			b.f.Comments = append(b.f.Comments, Comment{Text: string(b.f.Src[t.start+1 : t.end]), Start: t.start, End: t.end})
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
// to the end of the file when open < 0.
func (b *builder) block(parent *Directive, open int) ([]*Directive, *SyntaxError) {
	var out []*Directive
	var words []token
	for {
		t, ok := b.next()
		if !ok {
			if len(words) > 0 {
				return nil, b.errf(words[0].start, "directive \"%s\" is not terminated by \";\" (unexpected end of file)", words[0].value)
			}
			if open >= 0 {
				return nil, b.errf(open, "unexpected end of file: the block opened here by \"%s\" is never closed with \"}\"", parent.Name)
			}
			return out, nil
		}
		switch t.kind {
		case tokWord:
			words = append(words, t)
		case tokSemicolon, tokBlockStart:
			if len(words) == 0 {
				return nil, b.errf(t.start, "unexpected \"%s\": no directive name before it", string(b.f.Src[t.start]))
			}
			d := &Directive{File: b.f, Name: words[0].value, NameW: wordOf(words[0]), Parent: parent}
			if len(words) > 1 {
				d.Args = make([]Word, len(words)-1)
				for i, w := range words[1:] {
					d.Args[i] = wordOf(w)
				}
			}
			words = words[:0]
			if t.kind == tokSemicolon {
				d.End = t.end
			} else {
				d.Block = &Block{Open: t.start}
				if n, ok := b.next(); ok {
					if n.kind == tokLua {
						lw := wordOf(n)
						d.Block.Lua = &lw
					} else {
						b.peeked = &n
					}
				}
				children, err := b.block(d, t.start)
				if err != nil {
					return nil, err
				}
				d.Block.Directives = children
				d.Block.Close = b.last.start
				d.End = b.last.end
			}
			out = append(out, d)
		case tokBlockEnd:
			if len(words) > 0 {
				return nil, b.errf(t.start, "unexpected \"}\": directive \"%s\" is not terminated by \";\"", words[0].value)
			}
			if open < 0 {
				return nil, b.errf(t.start, "unexpected \"}\": no block is open here")
			}
			return out, nil
		}
	}
}

func wordOf(t token) Word {
	return Word{Value: t.value, Start: t.start, End: t.end, Quote: t.quote}
}

// Quote returns s quoted for an nginx configuration when it needs quotes.
func Quote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\r\n;{}\"'#\\") && utf8.ValidString(s) {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}
