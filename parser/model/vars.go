package model

import (
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/ngxlint/ngxlint/parser/spec"
)

// VarStatus says whether a variable exists for the target nginx version.
type VarStatus int

// The answers of Var.
const (
	VarUndefined VarStatus = iota
	VarBuiltin
	VarPrefix  // a prefix family such as $http_*
	VarDefined // created by the configuration
	VarCapture // $1..$9
	VarTooNew  // built in, but only from a later version than the target
)

// isDigits reports whether s is one or more ASCII digits: a regex
// capture's number ($1), which nginx never takes for a variable's name.
func isDigits(s string) bool { return s != "" && allDigits(s) }

// Var looks a variable up (name lower case, without '$'). since is the first
// nginx version that has a built-in variable.
func (c *Config) Var(name string) (VarStatus, string) {
	name = strings.ToLower(name)
	if _, ok := c.DefinedBy(name); ok {
		return VarDefined, ""
	}
	if isDigits(name) {
		return VarCapture, ""
	}
	xs := spec.Variables(name)
	for _, x := range xs {
		if x.In(c.Version) {
			if x.Prefix {
				return VarPrefix, x.Since
			}
			return VarBuiltin, x.Since
		}
	}
	for _, x := range xs {
		if x.Since != "" && c.Version.Before(x.Since) {
			return VarTooNew, x.Since
		}
	}
	return VarUndefined, ""
}

// BuiltinNames lists the built-in variable names worth suggesting for a
// misspelled one: nginx's own, without its internal proxy_internal_* ones.
func BuiltinNames() []string {
	var out []string
	for _, n := range spec.VariableNames() {
		if !strings.HasPrefix(n, "proxy_internal_") {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

var namedCapture = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>|\(\?'([A-Za-z_][A-Za-z0-9_]*)'`)
})

// collectDefinitions records maps and every variable the configuration creates.
func (c *Config) collectDefinitions(b *Block) {
	for _, e := range b.Directives {
		d := e.D
		define := func(arg string) {
			if strings.HasPrefix(arg, "$") {
				c.Defined[strings.ToLower(strings.TrimPrefix(arg, "$"))] = d
			}
		}
		captures := func(re string) {
			if !strings.Contains(re, "(?") {
				return // every named group starts so: no need to compile namedCapture
			}
			for _, m := range namedCapture().FindAllStringSubmatch(re, -1) {
				c.Defined[strings.ToLower(m[1]+m[2])] = d
			}
		}
		switch d.Name {
		case "map":
			if len(d.Args) == 2 {
				m := parseMap(d)
				c.Maps[m.Target] = m
				define(d.Arg(1))
				for _, me := range m.Entries {
					if me.Regex != nil || me.RegexErr != nil {
						captures(me.Key)
					}
				}
			}
		case "geo":
			define(d.Arg(len(d.Args) - 1))
		case "split_clients", "set", "perl_set", "js_set", "auth_request_set", "js_var",
			"set_by_lua", "set_by_lua_file", "set_by_lua_block", "set_real_ip_from_var":
			if d.Name == "split_clients" {
				define(d.Arg(1))
			} else {
				define(d.Arg(0))
			}
		case "location":
			if len(d.Args) >= 1 {
				captures(d.Args[len(d.Args)-1].Value)
			}
		case "if", "rewrite", "server_name":
			for _, a := range d.Args {
				captures(a.Value)
			}
		}
	}
	for _, ch := range b.Children {
		c.collectDefinitions(ch)
	}
}

// Walk calls fn for every directive of every level, in document order, with
// the level it is in.
func (c *Config) Walk(fn func(b *Block, e Entry)) {
	var rec func(b *Block)
	rec = func(b *Block) {
		for _, ch := range b.Children {
			if ch.Synthetic {
				rec(ch) // the level around a fragment holds all of it
			}
		}
		// the other children, in order, are the blocks of the directives
		ci := 0
		for _, e := range b.Directives {
			fn(b, e)
			if e.D.Block == nil {
				continue
			}
			for ci < len(b.Children) && b.Children[ci].Synthetic {
				ci++
			}
			if ci < len(b.Children) && b.Children[ci].Dir == e.D {
				rec(b.Children[ci])
				ci++
			}
		}
	}
	rec(c.Main)
}
