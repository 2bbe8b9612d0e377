package model

import (
	"sort"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/spec"
)

// env is the model of the definitions a fragment's siblings lend it (the
// files nginx would read beside it in http{}: Unit.Env). The list is the
// same for every fragment of a directory, so its model is built once per
// directory (Unit.EnvShared) and read by every fragment's unit: modeling
// all siblings in each unit made N fragments cost N*N. It is never changed
// once built, as units are linted concurrently.
type env struct {
	cfg  *Config // its Upstreams, Maps and Defined
	http *Block  // the siblings' http-level directives, in the order nginx reads them
	// from[i] is the file of Env that http.Directives[i] comes from: a
	// unit skips those of its own root, which the shared list holds too.
	from []*parser.File
	// byName holds the indexes in http.Directives of each name.
	byName map[string][]int
	// defined holds the names of cfg.Defined, sorted.
	defined []string
	// keepalive is set when one of its upstream{} blocks keeps
	// connections alive (see Config.UpstreamsKeepAlive).
	keepalive bool
}

type envKey struct{ v spec.Version }

// envOf returns the model of u.Env, built once for all units sharing it.
func envOf(u *parser.Unit, v spec.Version) *env {
	return u.EnvShared.Get(envKey{v}, func() any { return buildEnv(u.Env, v) }).(*env)
}

func buildEnv(files []*parser.File, v spec.Version) *env {
	c := &Config{Version: v, Upstreams: map[string]*Block{}, Maps: map[string]*Map{}, Defined: map[string]*parser.Directive{}}
	c.Main = newMain(c)
	http := &Block{Kind: HTTP, Parent: c.Main, Synthetic: true}
	c.Main.Children = append(c.Main.Children, http)
	e := &env{cfg: c, http: http, byName: map[string][]int{}}
	for _, f := range files {
		c.fillDefinitions(http, f.Top)
		for len(e.from) < len(http.Directives) {
			e.from = append(e.from, f)
		}
	}
	c.locSpecs, c.regexps = nil, nil // only Build uses them
	c.collectDefinitions(c.Main)
	for i, en := range http.Directives {
		e.byName[en.D.Name] = append(e.byName[en.D.Name], i)
	}
	for n := range c.Defined {
		e.defined = append(e.defined, n)
	}
	sort.Strings(e.defined)
	e.keepalive = anyKeepAlive(c.Upstreams, v)
	// what Block methods build on first use is built now: the blocks are
	// read concurrently from then on
	var prebuild func(b *Block)
	prebuild = func(b *Block) {
		b.Own("")
		for _, ch := range b.Children {
			prebuild(ch)
		}
	}
	prebuild(c.Main)
	return e
}

// own returns the env's entries named name, except those of skip's file.
func (e *env) own(name string, skip *parser.File) []Entry {
	idx := e.byName[name]
	if len(idx) == 0 {
		return nil
	}
	out := make([]Entry, 0, len(idx))
	for _, i := range idx {
		if e.from[i] != skip {
			out = append(out, e.http.Directives[i])
		}
	}
	return out
}

// Upstream returns the upstream{} block named name (any case), or nil.
func (c *Config) Upstream(name string) *Block {
	name = strings.ToLower(name)
	if b, ok := c.Upstreams[name]; ok {
		return b
	}
	if c.env != nil {
		return c.env.cfg.Upstreams[name]
	}
	return nil
}

// Map returns the map that defines the variable name (lower case, without
// '$'), from the unit's files or from the siblings that lend it theirs.
func (c *Config) Map(name string) (*Map, bool) {
	if m, ok := c.Maps[name]; ok {
		return m, true
	}
	if c.env != nil {
		m, ok := c.env.cfg.Maps[name]
		return m, ok
	}
	return nil, false
}

// DefinedBy returns the directive that creates the variable name (lower
// case, without '$'), from the unit's files or the siblings'.
func (c *Config) DefinedBy(name string) (*parser.Directive, bool) {
	if d, ok := c.Defined[name]; ok {
		return d, true
	}
	if c.env != nil {
		d, ok := c.env.cfg.Defined[name]
		return d, ok
	}
	return nil, false
}

// DefinedNames returns the names of every variable the configuration
// creates, the siblings' included, sorted.
func (c *Config) DefinedNames() []string {
	out := make([]string, 0, len(c.Defined))
	for n := range c.Defined {
		out = append(out, n)
	}
	if c.env != nil {
		for _, n := range c.env.defined {
			if _, own := c.Defined[n]; !own {
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out
}

// UpstreamsKeepAlive reports whether the configuration keeps connections
// to its servers open: one of its upstream{} blocks (the siblings'
// included) has keepalive N with N other than 0, or the target nginx is
// 1.29.7 or later (keepalive is on by default there) and the block does
// not turn it off.
func (c *Config) UpstreamsKeepAlive() bool {
	return anyKeepAlive(c.Upstreams, c.Version) || c.env != nil && c.env.keepalive
}

func anyKeepAlive(ups map[string]*Block, v spec.Version) bool {
	for _, u := range ups {
		ka, ok := u.First("keepalive")
		switch {
		case ok && ka.D.Arg(0) != "0":
			return true
		case !ok && v.DefaultHTTP11():
			return true
		}
	}
	return false
}
