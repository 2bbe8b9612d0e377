package parser

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tufanbarisyildirim/gonginx/config"
	gparser "github.com/tufanbarisyildirim/gonginx/parser"
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
// the first one too.
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
	// gonginx reads only the bytes: let it parse while the scanner works,
	// unless the file may nest blocks deeper than MaxNesting (then the
	// scanner's tokens are checked first: both parsers recurse per level).
	gon := make(chan gonginxResult, 1)
	checkFirst := mayNestTooDeep(src[from:])
	if !checkFirst {
		go func() { gon <- gonginxParse(src[from:]) }()
	}
	toks, serr := scan(src, from) // stops past MaxNesting
	if checkFirst && serr == nil {
		go func() { gon <- gonginxParse(src[from:]) }()
	}
	for _, t := range toks {
		if t.kind == tokComment {
			f.Comments = append(f.Comments, Comment{Text: string(src[t.start+1 : t.end]), Start: t.start, End: t.end})
		}
	}
	// nginx reads and applies every directive before the first error it
	// meets: the file keeps them (f.Top is the part nginx read, blocks cut
	// short included), so the errors nginx would report there are found too.
	b := &builder{f: f, toks: toks, truncated: serr != nil}
	f.Top, _ = b.block(nil, -1)
	if b.err == nil && serr != nil {
		b.err = &SyntaxError{File: f, Off: serr.off, Msg: serr.msg}
	}
	if b.err != nil {
		f.Partial = true
		return f, b.err
	}
	attachGonginx(f, <-gon)
	return f, nil
}

type builder struct {
	f    *File
	toks []token
	i    int
	// truncated is set when the scanner stopped at an error: the tokens end
	// there, not at the end of the file.
	truncated bool
	err       *SyntaxError // the first syntax error; reading stops there
	closer    token        // the '}' that closed the last block read
}

func (b *builder) next() (token, bool) {
	for b.i < len(b.toks) {
		t := b.toks[b.i]
		b.i++
		if t.kind != tokComment {
			return t, true
		}
	}
	return token{}, false
}

func (b *builder) errf(off int, format string, args ...any) *SyntaxError {
	return &SyntaxError{File: b.f, Off: off, Msg: fmt.Sprintf(format, args...)}
}

// block reads directives up to the '}' matching the '{' at offset open, or
// to the end of the file when open < 0. At a syntax error it records it in
// b.err and returns the directives read so far, as nginx has applied them.
// Errors are placed on the line nginx names (ngx_conf_parse and
// ngx_conf_read_token, src/core/ngx_conf_file.c): the end of the file for
// an unclosed block or an unterminated directive.
func (b *builder) block(parent *Directive, open int) (out []*Directive, closed bool) {
	var words []token
	eof := len(b.f.Src)
	for {
		t, ok := b.next()
		if !ok {
			switch {
			case b.truncated:
			case len(words) > 0:
				b.err = b.errf(eof, "unexpected end of file, expecting \";\" or \"}\": directive \"%s\" on line %d is not terminated by \";\"",
					words[0].value, b.f.Position(words[0].start).Line)
			case open >= 0:
				b.err = b.errf(eof, "unexpected end of file, expecting \"}\": the block opened by \"%s\" on line %d is never closed",
					parent.Name, b.f.Position(open).Line)
			}
			return out, false
		}
		switch t.kind {
		case tokWord:
			words = append(words, t)
		case tokSemicolon, tokBlockStart:
			if len(words) == 0 {
				b.err = b.errf(t.start, "unexpected \"%s\": no directive name before it", string(b.f.Src[t.start]))
				return out, false
			}
			d := &Directive{File: b.f, Name: words[0].value, NameW: wordOf(words[0]), Parent: parent}
			for _, w := range words[1:] {
				d.Args = append(d.Args, wordOf(w))
			}
			words = words[:0]
			if t.kind == tokSemicolon {
				d.End = t.end
				out = append(out, d)
				continue
			}
			d.Block = &Block{Open: t.start}
			if b.i < len(b.toks) && b.toks[b.i].kind == tokLua {
				lw := wordOf(b.toks[b.i])
				d.Block.Lua = &lw
				b.i++
			}
			children, closed := b.block(d, t.start)
			d.Block.Directives = children
			out = append(out, d)
			if !closed {
				// cut short: the block runs to where nginx stopped
				d.Block.Close, d.End = eof, eof
				return out, false
			}
			d.Block.Close = b.closer.start
			d.End = b.closer.end
		case tokBlockEnd:
			if len(words) > 0 {
				b.err = b.errf(t.start, "unexpected \"}\": directive \"%s\" is not terminated by \";\"", words[0].value)
				return out, false
			}
			if open < 0 {
				b.err = b.errf(t.start, "unexpected \"}\": no block is open here")
				return out, false
			}
			b.closer = t
			return out, true
		}
	}
}

func wordOf(t token) Word {
	return Word{Value: t.value, Start: t.start, End: t.end, Quote: t.quote}
}

type gonginxResult struct {
	cfg *config.Config
	err error
}

// gonginxParse runs gonginx's parser, turning a panic into an error.
func gonginxParse(src []byte) (res gonginxResult) {
	defer func() {
		if r := recover(); r != nil {
			res = gonginxResult{err: fmt.Errorf("gonginx panicked: %v", r)}
		}
	}()
	p := gparser.NewStringParser(string(src), gparser.WithSkipValidDirectivesErr())
	cfg, err := p.Parse()
	return gonginxResult{cfg: cfg, err: err}
}

// attachGonginx links every directive to the node gonginx built for it.
// gonginx reads some valid nginx syntax differently ("foo}bar", "C:\\", a '}' inside a Lua string, backticks); then
// the file keeps the scanner's tree alone and GonginxErr records why.
func attachGonginx(f *File, r gonginxResult) {
	if r.err != nil {
		f.GonginxErr = r.err
		return
	}
	if err := align(f, f.Top, r.cfg.GetDirectives()); err != nil {
		f.GonginxErr = err
		f.Walk(func(d *Directive) { d.Node = nil })
		return
	}
	f.Gonginx = r.cfg
}

// align pairs our directives with gonginx's, block by block. gonginx keeps
// the servers of an upstream block apart from its other directives, so the
// pairing is by name and rank: the k-th "server" with the k-th "server".
func align(f *File, ours []*Directive, theirs []config.IDirective) error {
	if len(ours) != len(theirs) {
		return fmt.Errorf("gonginx read %d directives where nginx reads %d", len(theirs), len(ours))
	}
	byName := map[string][]config.IDirective{}
	for _, t := range theirs {
		byName[t.GetName()] = append(byName[t.GetName()], t)
	}
	for _, d := range ours {
		raw := f.Raw(d.NameW)
		list := byName[raw]
		if len(list) == 0 {
			return fmt.Errorf("gonginx has no directive %q at %d", raw, d.Start())
		}
		t := list[0]
		byName[raw] = list[1:]
		if _, isServer := t.(*config.UpstreamServer); !isServer {
			params := t.GetParameters()
			if len(params) != len(d.Args) {
				return fmt.Errorf("gonginx read %d arguments of %q where nginx reads %d", len(params), raw, len(d.Args))
			}
			for i, p := range params {
				if p.Value != f.Raw(d.Args[i]) {
					return fmt.Errorf("gonginx read argument %q of %q where nginx reads %q", p.Value, raw, f.Raw(d.Args[i]))
				}
			}
		}
		d.Node = t
		tb := t.GetBlock()
		switch {
		case d.Block == nil && tb == nil:
		case d.Block == nil || tb == nil:
			return fmt.Errorf("gonginx and nginx disagree on whether %q has a block", raw)
		case d.Block.Lua != nil:
			// gonginx re-joins Lua tokens with spaces; only the presence of code is comparable.
		default:
			if err := align(f, d.Block.Directives, tb.GetDirectives()); err != nil {
				return err
			}
		}
	}
	return nil
}

// Quote returns s quoted for an nginx configuration when it needs quotes.
func Quote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\r\n;{}\"'#\\") && utf8.ValidString(s) {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}
