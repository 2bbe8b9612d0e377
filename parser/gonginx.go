package parser

import (
	"fmt"
	"sync"

	"github.com/tufanbarisyildirim/gonginx/config"
	gparser "github.com/tufanbarisyildirim/gonginx/parser"
)

// gonginxTree is a file's gonginx tree, built on first use.
type gonginxTree struct {
	once  sync.Once
	res   gonginxResult
	nodes map[*Directive]config.IDirective // set once, by the first Gonginx call
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

// Gonginx returns the tree gonginx builds from the file's bytes, with the
// Node() of every directive linked to gonginx's node for it, for consumers
// that work with gonginx's API (editing or printing directives with its
// dumper). Linting never needs it, so it is built on the first call only
// (once per file, safe for concurrent use), never as a second parse of
// every file. gonginx reads some valid nginx syntax differently
// ("foo}bar", "C:\\", a '}' inside a Lua string, backticks); then it
// returns the reason and Node() stays nil. A file that did not parse has no
// gonginx tree either.
func (f *File) Gonginx() (*config.Config, error) {
	f.gon.once.Do(func() {
		if f.Top == nil && len(f.Src) > 0 {
			if _, err := Parse(f.Path, f.Src); err != nil {
				f.gon.res = gonginxResult{err: err}
				return
			}
		}
		from := 0
		if f.BOM {
			from = len(bom)
		}
		r := gonginxParse(f.Src[from:])
		if r.err == nil {
			nodes := map[*Directive]config.IDirective{}
			if err := align(f, f.Top, r.cfg.GetDirectives(), nodes); err != nil {
				r = gonginxResult{err: err}
			} else {
				f.gon.nodes = nodes
			}
		}
		f.gon.res = r
	})
	return f.gon.res.cfg, f.gon.res.err
}

// align pairs our directives with gonginx's, block by block. gonginx keeps
// the servers of an upstream block apart from its other directives, so the
// pairing is by name and rank: the k-th "server" with the k-th "server".
func align(f *File, ours []*Directive, theirs []config.IDirective, nodes map[*Directive]config.IDirective) error {
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
