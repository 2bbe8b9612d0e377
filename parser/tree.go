package parser

import (
	"bytes"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// File is one configuration file: its bytes, its directives with exact spans,
// and its comments.
type File struct {
	Path string // the path shown to the user
	Abs  string // the absolute path on disk; "" for standard input and stand-ins
	Src  []byte // the original bytes, never modified
	// Stamp is the file's size, modification time and links when it was
	// read; fix --write checks it again before replacing the file.
	Stamp FileStamp
	// BOM is true when Src starts with a UTF-8 byte-order mark. nginx does not
	// skip it (the first directive name becomes "\ufeffname"); the loader
	// reports it, and the rest of the file is parsed after it.
	BOM bool
	// Partial is true when the file has a syntax error: Top then holds the
	// directives nginx reads before it stops there (a block cut short ends
	// at the end of the file).
	Partial  bool
	Top      []*Directive // top-level directives in file order
	Comments []Comment    // every comment in file order
	// Template is true for an envsubst template (a file named *.template,
	// or any file with --template): in it, a variable nginx does not know
	// written ${NAME} (or $NAME without lower-case letters) is a
	// placeholder envsubst replaces before nginx reads the file.
	Template bool

	memo fileMemo // see Memo
	// included holds what the include directives of the file resolved to
	// (see Directive.Included): include directives are few, so they are
	// kept here rather than in a field of every directive.
	included   map[*Directive][]*File
	lineStarts []int32 // built once, by lines
	linesOnce  sync.Once
	indent     struct {
		once sync.Once
		unit string
	}
}

// Word is a directive name or argument. A large configuration has over a
// million of them, so the struct is kept small: the offsets are int32 (Parse
// refuses a file larger than MaxParseSize), and the quote is read from the
// file's bytes when asked for (File.QuoteOf).
type Word struct {
	Value string // what nginx sees: quotes removed, escapes applied
	Start int32  // byte offset of the first byte (the opening quote if quoted)
	End   int32  // byte offset just past the last byte
}

// QuoteOf returns the quote of w, a name or an argument of a directive of
// f: a double or single quote character, or 0. A word is quoted exactly
// when it starts with a quote (see scanner.word).
func (f *File) QuoteOf(w Word) byte {
	if f == nil || w.End <= w.Start || int(w.End) > len(f.Src) {
		return 0
	}
	if c := f.Src[w.Start]; c == '"' || c == '\'' {
		return c
	}
	return 0
}

// Directive is one statement: a name, arguments, and an optional block.
//
// A large configuration has a million of them, so the struct is kept small:
// the name's span is its int32 start (see NameW; Parse refuses a
// file larger than MaxParseSize), and what only include directives
// need is kept by the file (see Included).
type Directive struct {
	File  *File
	Name  string // as written, unquoted
	Args  []Word
	Block *Block // nil for a simple directive
	// Parent is the block directive this one is written in, in the same file
	// (nil at the top of a file).
	Parent *Directive
	End    int32 // just past the terminating ';' or the closing '}'

	// nameStart is the offset of the name as written (see NameW).
	nameStart int32
}

// NameW returns the name as a Word: its value (Name) and its span as
// written (File.QuoteOf tells its quote). The end of the span is found
// again by the scanner, from the start: a word read from the same offset
// ends at the same place.
func (d *Directive) NameW() Word {
	w := Word{Value: d.Name, Start: d.nameStart, End: d.nameStart}
	if d.File == nil || int(d.nameStart) >= len(d.File.Src) {
		return w
	}
	s := scanner{src: d.File.Src, pos: int(d.nameStart)}
	s.word()
	if s.ok {
		w.End = int32(s.tok.end)
	}
	return w
}

// Included returns the files an include directive resolved to, in the
// order nginx reads them; set by the loader (see SetIncluded).
func (d *Directive) Included() []*File {
	if d.File == nil {
		return nil
	}
	return d.File.included[d]
}

// SetIncluded sets what Included returns (nil forgets it). It is for the
// loader, before the tree is read by anyone else: it is not safe for use
// concurrent with Included on a directive of the same file.
func (d *Directive) SetIncluded(files []*File) {
	f := d.File
	if len(files) == 0 {
		if f.included != nil {
			delete(f.included, d)
		}
		return
	}
	if f.included == nil {
		f.included = map[*Directive][]*File{}
	}
	f.included[d] = files
}

// AddIncluded appends file to what Included returns (see SetIncluded).
func (d *Directive) AddIncluded(file *File) {
	d.SetIncluded(append(d.Included(), file))
}

// Block is the body of a block directive.
type Block struct {
	Open       int32 // offset of '{'
	Close      int32 // offset of '}'
	Directives []*Directive
	// Lua is the verbatim body of a *_by_lua_block, nil otherwise.
	Lua *Word
}

// Comment is a '#' comment; Text excludes the '#' and a trailing '\r'.
type Comment struct {
	Text  string
	Start int
	End   int
}

// Position is a 1-based line and column. Columns count characters (runes);
// a tab is one column; a leading byte-order mark is not counted.
type Position struct {
	Line   int
	Column int
}

// Start returns the offset of the directive's first byte.
func (d *Directive) Start() int { return int(d.nameStart) }

// Arg returns the value of argument i, or "" when absent (i out of range,
// negative included: d.Arg(len(d.Args)-1) of a directive without arguments).
func (d *Directive) Arg(i int) string {
	if i >= 0 && i < len(d.Args) {
		return d.Args[i].Value
	}
	return ""
}

// HeaderEnd returns the offset just past the directive's head: the ';' of a
// simple directive, or the '{' of a block directive.
func (d *Directive) HeaderEnd() int {
	if d.Block != nil {
		return int(d.Block.Open) + 1
	}
	return int(d.End)
}

// Raw returns the bytes of w as written, quotes and escapes included.
func (f *File) Raw(w Word) string { return string(f.Src[w.Start:w.End]) }

// lines returns the offset each line starts at, indexed on first use (safe
// for concurrent use: the rules of a unit, and units sharing an included
// file, run at once).
// The offsets are int32, as in the tree (see MaxParseSize).
func (f *File) lines() []int32 {
	f.linesOnce.Do(func() {
		f.lineStarts = make([]int32, 1, bytes.Count(f.Src, []byte{'\n'})+1)
		for i, c := range f.Src {
			if c == '\n' {
				f.lineStarts = append(f.lineStarts, int32(i+1))
			}
		}
	})
	return f.lineStarts
}

// Position converts a byte offset into a line and column.
func (f *File) Position(off int) Position {
	ls := f.lines()
	if off > len(f.Src) {
		off = len(f.Src)
	}
	line := sort.Search(len(ls), func(i int) bool { return int(ls[i]) > off }) - 1
	start := int(ls[line])
	if line == 0 && f.BOM {
		start = min(3, off)
	}
	return Position{Line: line + 1, Column: utf8.RuneCount(f.Src[start:off]) + 1}
}

// Offset converts a 1-based line and column back into a byte offset.
func (f *File) Offset(p Position) int {
	ls := f.lines()
	if p.Line < 1 || p.Line > len(ls) {
		return len(f.Src)
	}
	off := int(ls[p.Line-1])
	if p.Line == 1 && f.BOM {
		off = 3
	}
	for col := 1; col < p.Column && off < len(f.Src) && f.Src[off] != '\n'; col++ {
		_, size := utf8.DecodeRune(f.Src[off:])
		off += size
	}
	return off
}

// Line returns the text of a 1-based line without its line ending.
func (f *File) Line(n int) string {
	ls := f.lines()
	if n < 1 || n > len(ls) {
		return ""
	}
	start := int(ls[n-1])
	if n == 1 && f.BOM {
		start = 3
	}
	end := len(f.Src)
	if n < len(ls) {
		end = int(ls[n]) - 1
	}
	return strings.TrimSuffix(string(f.Src[start:end]), "\r")
}

// LineNumber returns the 1-based line holding off.
func (f *File) LineNumber(off int) int {
	ls := f.lines()
	return sort.Search(len(ls), func(i int) bool { return int(ls[i]) > off })
}

// IndentUnit guesses one level of indentation from the file: a tab if
// indented lines start with tabs, else the smallest space indentation seen,
// else four spaces. It reads the file once, on the first call.
func (f *File) IndentUnit() string {
	f.indent.once.Do(func() {
		best := ""
		for rest := f.Src; len(rest) > 0; {
			line := rest
			if i := bytes.IndexByte(rest, '\n'); i >= 0 {
				line, rest = rest[:i], rest[i+1:]
			} else {
				rest = nil
			}
			trimmed := bytes.TrimLeft(line, " \t")
			if len(trimmed) == 0 || len(trimmed) == len(line) {
				continue
			}
			ind := line[:len(line)-len(trimmed)]
			if ind[0] == '\t' {
				f.indent.unit = "\t"
				return
			}
			if best == "" || len(ind) < len(best) {
				best = string(ind)
			}
		}
		if best == "" {
			best = "    "
		}
		f.indent.unit = best
	})
	return f.indent.unit
}

// LineStart returns the offset of the start of the line holding off.
func (f *File) LineStart(off int) int {
	for off > 0 && f.Src[off-1] != '\n' {
		off--
	}
	return off
}

// Indent returns the white space that starts the line holding off.
func (f *File) Indent(off int) string {
	s := f.LineStart(off)
	e := s
	if s == 0 && f.BOM {
		s, e = 3, 3
	}
	for e < len(f.Src) && (f.Src[e] == ' ' || f.Src[e] == '\t') {
		e++
	}
	return string(f.Src[s:e])
}

// EOL returns the line ending the file uses: "\r\n" if its first line ends so,
// "\n" otherwise.
func (f *File) EOL() string {
	for i, c := range f.Src {
		if c == '\n' {
			if i > 0 && f.Src[i-1] == '\r' {
				return "\r\n"
			}
			return "\n"
		}
	}
	return "\n"
}

// CommentsBetween returns the comments that start in [from, to).
func (f *File) CommentsBetween(from, to int) []Comment {
	i := sort.Search(len(f.Comments), func(i int) bool { return f.Comments[i].Start >= from })
	var out []Comment
	for ; i < len(f.Comments) && f.Comments[i].Start < to; i++ {
		out = append(out, f.Comments[i])
	}
	return out
}

// LeadingComments returns the comments on the lines right above d, with no
// blank line or other statement between them and d, nearest last.
//
// They are found when asked, not kept in every directive (a million
// directives would carry 12 bytes each for the few that have comments):
// a binary search finds the comments before d's line, and only the lines
// from there up to the first that does not qualify are read.
func (d *Directive) LeadingComments() []Comment {
	f := d.File
	cs := f.Comments
	if len(cs) == 0 {
		return nil
	}
	src := f.Src
	ls := f.LineStart(d.Start())
	lead := sort.Search(len(cs), func(i int) bool { return cs[i].Start >= ls })
	lo, pos := lead, ls
	for lo > 0 {
		c := cs[lo-1]
		e := c.End
		if e < len(src) && src[e] == '\r' {
			e++
		}
		if e >= len(src) || src[e] != '\n' || e+1 != pos {
			break
		}
		cls := f.LineStart(c.Start)
		if len(bytes.TrimSpace(src[cls:c.Start])) != 0 {
			break
		}
		lo--
		pos = cls
	}
	if lo == lead {
		return nil
	}
	return cs[lo:lead:lead]
}

// TrailingComment returns the comment that follows d's head on the same
// line: the first comment after the head, when no line ends before it.
func (d *Directive) TrailingComment() (Comment, bool) {
	f := d.File
	cs := f.Comments
	if len(cs) == 0 {
		return Comment{}, false
	}
	he := d.HeaderEnd()
	i := sort.Search(len(cs), func(i int) bool { return cs[i].Start >= he })
	if i < len(cs) && bytes.IndexByte(f.Src[he:cs[i].Start], '\n') < 0 {
		return cs[i], true
	}
	return Comment{}, false
}

// Walk calls fn for every directive of the file in document order, block
// bodies after their directive. Included files are not entered.
func (f *File) Walk(fn func(*Directive)) { walk(f.Top, fn) }

func walk(ds []*Directive, fn func(*Directive)) {
	for _, d := range ds {
		fn(d)
		if d.Block != nil {
			walk(d.Block.Directives, fn)
		}
	}
}
