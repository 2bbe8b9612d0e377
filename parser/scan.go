package parser

import (
	"bytes"
	"fmt"
	"strings"
	"unsafe"
)

// tokenKind is the kind of a lexical token.
type tokenKind int

const (
	tokWord       tokenKind = iota // a directive name or argument
	tokSemicolon                   // ;
	tokBlockStart                  // {
	tokBlockEnd                    // }
	tokComment                     // # ... up to the end of the line
	tokLua                         // the body of a *_by_lua_block, kept verbatim
)

// token is one lexical unit with its byte span in the source.
type token struct {
	kind  tokenKind
	start int // offset of the first byte (the opening quote for a quoted word)
	end   int // offset just past the last byte (past the closing quote)
	quote byte
	value string // words: the value nginx sees (quotes removed, escapes applied)
}

// scanError is a lexical error at a byte offset.
type scanError struct {
	off int
	msg string
}

// scanner splits nginx configuration text into tokens the way
// ngx_conf_read_token (src/core/ngx_conf_file.c) does:
//   - a word ends at white space, ';' or '{' ('{' right after '$' belongs to
//     the word, as in "${var}"); a '}' inside a word is part of the word;
//   - '#' starts a comment only where a new word could start;
//   - a quoted word must be followed by white space, ';', '{' or ')';
//   - backslash escapes \" \' \\ \t \r \n are applied inside and outside quotes.
//
// Unlike nginx it keeps the byte span of every token and the comments, and it
// treats the body of a "*_by_lua_block" directive as opaque Lua code, as the
// lua-nginx-module does.
type scanner struct {
	src []byte
	pos int
	err *scanError
	// tok is the token the last step produced; ok says whether it did.
	tok token
	ok  bool
	// first is the first word of the statement being read (since the last
	// ';', '{' or '}'), to know when a Lua block starts; words counts them.
	first string
	words int
	// lua is set after the '{' of a *_by_lua_block: the next token is its body.
	lua bool
	// depth is the nesting of blocks at pos, at most MaxNesting
	depth int
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// scan tokenizes src starting at offset from. It stops at the first error.
func scan(src []byte, from int) ([]token, *scanError) {
	s := &scanner{src: src, pos: from}
	var toks []token
	for {
		t, ok := s.next()
		if !ok {
			return toks, s.err
		}
		toks = append(toks, t)
	}
}

func (s *scanner) fail(off int, msg string) {
	if s.err == nil {
		s.err = &scanError{off: off, msg: msg}
	}
}

func (s *scanner) emit(t token) {
	s.tok, s.ok = t, true
}

// next returns the next token; false at the end of the input or at the
// first error (then s.err is set). Tokens are produced one at a time, so
// that a file's tokens are never all held at once.
func (s *scanner) next() (token, bool) {
	s.ok = false
	if s.lua {
		s.lua = false
		s.luaBody()
		if s.ok || s.err != nil {
			return s.tok, s.ok
		}
	}
	for s.err == nil && s.pos < len(s.src) {
		c := s.src[s.pos]
		switch {
		case isSpace(c):
			s.pos++
			continue
		case c == '#':
			start := s.pos
			if i := bytes.IndexByte(s.src[s.pos:], '\n'); i >= 0 {
				s.pos += i
			} else {
				s.pos = len(s.src)
			}
			end := s.pos
			if end > start && s.src[end-1] == '\r' {
				end--
			}
			s.emit(token{kind: tokComment, start: start, end: end})
		case c == ';':
			s.emit(token{kind: tokSemicolon, start: s.pos, end: s.pos + 1})
			s.pos++
			s.words = 0
		case c == '{':
			if s.depth++; s.depth > MaxNesting {
				s.fail(s.pos, fmt.Sprintf("blocks nested more than %d deep; ngxlint stops reading here (real configurations nest a few levels)", MaxNesting))
				continue // s.err ends the loop
			}
			s.emit(token{kind: tokBlockStart, start: s.pos, end: s.pos + 1})
			s.pos++
			if s.words > 0 && strings.HasSuffix(s.first, "_by_lua_block") {
				s.lua = true
			}
			s.words = 0
		case c == '}':
			s.depth--
			s.emit(token{kind: tokBlockEnd, start: s.pos, end: s.pos + 1})
			s.pos++
			s.words = 0
		default:
			s.word()
			if s.ok {
				if s.words == 0 {
					s.first = s.tok.value
				}
				s.words++
			}
		}
		if s.ok || s.err != nil {
			break
		}
	}
	return s.tok, s.ok
}

// word reads one word starting at s.pos, which is not white space, '#', ';', '{' or '}'.
func (s *scanner) word() {
	start := s.pos
	c := s.src[s.pos]
	if c == '"' || c == '\'' {
		s.quoted(c)
		return
	}
	variable := false
	for s.pos < len(s.src) {
		c = s.src[s.pos]
		if c == '{' && variable {
			s.pos++
			continue
		}
		variable = false
		switch {
		case c == '\\':
			s.pos += 2 // the escaped byte belongs to the word, whatever it is
			continue
		case c == '$':
			variable = true
		case isSpace(c) || c == ';' || c == '{':
			s.emitWord(start, s.pos, 0)
			return
		}
		s.pos++
	}
	if s.pos > len(s.src) {
		s.pos = len(s.src)
	}
	s.emitWord(start, s.pos, 0)
}

func (s *scanner) quoted(q byte) {
	start := s.pos
	s.pos++
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		if c == '\\' {
			s.pos += 2
			continue
		}
		s.pos++
		if c == q {
			s.emitWord(start, s.pos, q)
			// nginx needs white space, ';', '{' or ')' after a closing quote.
			if s.pos < len(s.src) {
				n := s.src[s.pos]
				if !isSpace(n) && n != ';' && n != '{' && n != ')' {
					s.fail(s.pos, "unexpected \""+string(rune(n))+"\" after a quoted string; nginx needs a space, \";\" or \"{\" here")
				}
			}
			return
		}
	}
	s.fail(start, "unterminated quoted string: no closing "+string(q)+" before the end of the file")
}

func (s *scanner) emitWord(start, end int, q byte) {
	inner := s.src[start:end]
	if q != 0 {
		inner = inner[1 : len(inner)-1]
	}
	s.emit(token{kind: tokWord, start: start, end: end, quote: q, value: unescape(inner)})
}

// unescape applies nginx's escapes: \" \' \\ lose the backslash, \t \r \n
// become control characters, any other backslash stays as written.
// A value without escapes shares the bytes of b (a file's Src, which is
// never changed once parsed) instead of copying them: the words of a
// large configuration would otherwise hold a second copy of most of it.
func unescape(b []byte) string {
	if !containsByte(b, '\\') {
		if len(b) == 0 {
			return ""
		}
		return unsafe.String(&b[0], len(b))
	}
	var sb strings.Builder
	sb.Grow(len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\\' && i+1 < len(b) {
			switch b[i+1] {
			case '"', '\'', '\\':
				i++
				sb.WriteByte(b[i])
				continue
			case 't':
				i++
				sb.WriteByte('\t')
				continue
			case 'r':
				i++
				sb.WriteByte('\r')
				continue
			case 'n':
				i++
				sb.WriteByte('\n')
				continue
			}
		}
		sb.WriteByte(c)
	}
	return sb.String()
}

func containsByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

// luaBody skips Lua code up to the '}' that closes the block opened just
// before s.pos, honoring Lua strings, long brackets and comments, and emits
// it as one tokLua token followed by the closing '}'.
func (s *scanner) luaBody() {
	start := s.pos
	depth := 0
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		switch {
		case c == '-' && s.pos+1 < len(s.src) && s.src[s.pos+1] == '-':
			s.pos += 2
			if lvl, ok := s.longBracketLevel(); ok {
				s.skipLongBracket(lvl)
				continue
			}
			for s.pos < len(s.src) && s.src[s.pos] != '\n' {
				s.pos++
			}
		case c == '"' || c == '\'':
			qs := s.pos
			s.pos++
			for s.pos < len(s.src) && s.src[s.pos] != c && s.src[s.pos] != '\n' {
				if s.src[s.pos] == '\\' {
					s.pos++
				}
				s.pos++
			}
			if s.pos >= len(s.src) || s.src[s.pos] != c {
				s.fail(qs, "unterminated Lua string in a *_by_lua_block")
				return
			}
			s.pos++
		case c == '[':
			if lvl, ok := s.longBracketLevel(); ok {
				s.skipLongBracket(lvl)
				continue
			}
			s.pos++
		case c == '{':
			if depth++; s.depth+depth > MaxNesting {
				s.fail(s.pos, fmt.Sprintf("blocks nested more than %d deep; ngxlint stops reading here (real configurations nest a few levels)", MaxNesting))
				return
			}
			s.pos++
		case c == '}':
			if depth == 0 {
				s.emit(token{kind: tokLua, start: start, end: s.pos, value: string(s.src[start:s.pos])})
				return
			}
			depth--
			s.pos++
		default:
			s.pos++
		}
	}
	s.fail(start-1, "unterminated *_by_lua_block: no closing \"}\" before the end of the file")
}

// longBracketLevel reports whether s.pos starts a Lua long bracket "[==[" and its level.
func (s *scanner) longBracketLevel() (int, bool) {
	if s.pos >= len(s.src) || s.src[s.pos] != '[' {
		return 0, false
	}
	i := s.pos + 1
	for i < len(s.src) && s.src[i] == '=' {
		i++
	}
	if i < len(s.src) && s.src[i] == '[' {
		return i - s.pos - 1, true
	}
	return 0, false
}

func (s *scanner) skipLongBracket(level int) {
	start := s.pos
	closing := "]" + strings.Repeat("=", level) + "]"
	idx := strings.Index(string(s.src[s.pos+level+2:]), closing)
	if idx < 0 {
		s.fail(start, "unterminated Lua long string or comment in a *_by_lua_block")
		s.pos = len(s.src)
		return
	}
	s.pos = s.pos + level + 2 + idx + len(closing)
}
