// Package gonginxtree hands library users gonginx's tree of a file that
// package parser read: gonginx's parse of the same bytes, each of the
// parser's directives paired with gonginx's node for it, for work with
// gonginx's API (editing directives, printing them with its dumper).
//
// It is a package of its own so that a program that never asks for the
// tree does not link gonginx's parser: the ngxlint command lints with
// package parser alone, and gonginx's parser builds a table of every
// directive it knows when a program that links it starts (a few percent
// of the start of ngxlint on a small file). The tree is built on the
// first call for a file only, never as a second parse of every file.
package gonginxtree

import (
	"fmt"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/tufanbarisyildirim/gonginx/config"
	gparser "github.com/tufanbarisyildirim/gonginx/parser"
)

// tree is what Of builds for a file, kept by the file (parser.File.Memo).
type tree struct {
	cfg   *config.Config
	err   error
	nodes map[*parser.Directive]config.IDirective
}

// memoKey is the key of a file's tree in parser.File.Memo.
type memoKey struct{}

// Of returns the tree gonginx builds from the file's bytes, and pairs each
// directive of f with gonginx's node for it (Node). It parses once per
// file, on the first call (safe for concurrent use). gonginx reads some
// valid nginx syntax differently ("foo}bar", "C:\\", a '}' inside a Lua
// string, backticks); then Of returns the reason and Node returns nil. A
// file that did not parse has no gonginx tree either.
func Of(f *parser.File) (*config.Config, error) {
	t := of(f)
	return t.cfg, t.err
}

// Node returns gonginx's node for d, building the tree of d's file on
// first use (Of), or nil when gonginx and the parser disagree on the file.
func Node(d *parser.Directive) config.IDirective {
	if d == nil || d.File == nil {
		return nil
	}
	return of(d.File).nodes[d]
}

func of(f *parser.File) *tree {
	return f.Memo(memoKey{}, func() any { return build(f) }).(*tree)
}

func build(f *parser.File) *tree {
	if f.Top == nil && len(f.Src) > 0 {
		if _, err := parser.Parse(f.Path, f.Src); err != nil {
			return &tree{err: err}
		}
	}
	src := f.Src
	if f.BOM {
		src = src[len("\ufeff"):]
	}
	cfg, err := parse(src)
	if err != nil {
		return &tree{err: err}
	}
	nodes := map[*parser.Directive]config.IDirective{}
	if err := align(f, f.Top, cfg.GetDirectives(), nodes); err != nil {
		return &tree{err: err}
	}
	return &tree{cfg: cfg, nodes: nodes}
}

// parse runs gonginx's parser, turning a panic into an error.
func parse(src []byte) (cfg *config.Config, err error) {
	defer func() {
		if r := recover(); r != nil {
			cfg, err = nil, fmt.Errorf("gonginx panicked: %v", r)
		}
	}()
	p := gparser.NewStringParser(string(src), gparser.WithSkipValidDirectivesErr())
	return p.Parse()
}

// align pairs our directives with gonginx's, block by block. gonginx keeps
// the servers of an upstream block apart from its other directives, so the
// pairing is by name and rank: the k-th "server" with the k-th "server".
func align(f *parser.File, ours []*parser.Directive, theirs []config.IDirective, nodes map[*parser.Directive]config.IDirective) error {
	if len(ours) != len(theirs) {
		return fmt.Errorf("gonginx read %d directives where nginx reads %d", len(theirs), len(ours))
	}
	byName := map[string][]config.IDirective{}
	for _, t := range theirs {
		byName[t.GetName()] = append(byName[t.GetName()], t)
	}
	for _, d := range ours {
		raw := f.Raw(d.NameW())
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
		nodes[d] = t
		tb := t.GetBlock()
		switch {
		case d.Block == nil && tb == nil:
		case d.Block == nil || tb == nil:
			return fmt.Errorf("gonginx and nginx disagree on whether %q has a block", raw)
		case d.Block.Lua != nil:
			// gonginx re-joins Lua tokens with spaces; only the presence of code is comparable.
		default:
			if err := align(f, d.Block.Directives, tb.GetDirectives(), nodes); err != nil {
				return err
			}
		}
	}
	return nil
}
