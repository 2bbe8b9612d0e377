package spec

import (
	"strings"
	"sync"
)

// Variable is one variable a module of nginx (or a third-party module)
// declares in its ngx_http_variable_t / ngx_stream_variable_t array.
// A Prefix variable ("http_", "arg_") stands for every name that starts
// with it.
type Variable struct {
	Name, Module string
	Prefix       bool
	// Since and Until as for Directive.
	Since, Until string
	Package      string
}

// In reports whether the variable exists in version v (the current
// source when v is unknown).
func (x Variable) In(v Version) bool {
	if !v.Known {
		return x.Until == ""
	}
	if x.Since != "" && v.Before(x.Since) {
		return false
	}
	return x.Until == "" || v.Before(x.Until)
}

// varTable is a variable table split into names and prefix families.
type varTable struct {
	byName   *nameIndex[Variable]
	prefixes []Variable
}

func newVarTable(xs []Variable) *varTable {
	t := &varTable{}
	var names []Variable
	for _, x := range xs {
		if x.Prefix {
			t.prefixes = append(t.prefixes, x)
		} else {
			names = append(names, x)
		}
	}
	t.byName = newNameIndex(names, func(x *Variable) string { return x.Name })
	return t
}

// lookup returns the declarations of name: exact ones first, then the
// prefix families that cover it.
func (t *varTable) lookup(name string) []Variable {
	name = strings.ToLower(name)
	out := t.byName.get(name) // its capacity is cut: appending copies
	for _, p := range t.prefixes {
		if strings.HasPrefix(name, p.Name) && len(name) > len(p.Name) {
			out = append(out, p)
		}
	}
	return out
}

// nginx's variables are looked up in an index generated with the table
// (index_gen.go, checked by TestGeneratedIndex), as its directives are:
// building it at run time read and copied every entry, about 0.3 ms of a
// new process, and every lint that names a variable asks it. The index
// holds every entry under its name; a prefix family's entry is skipped as
// an exact name, and the families are listed in nginxVariablePrefixes.
var nginxVariableIndex = nameIndex[Variable]{xs: nginxVariables, key: variableName, slots: nginxVariableSlots[:]}

// The third-party table is built on first use: only names nginx does not
// declare ask it.
var thirdPartyVars = sync.OnceValue(func() *varTable { return newVarTable(thirdPartyVariables) })

func variableName(x *Variable) string { return x.Name }

// exactOnly drops the prefix families from a name's entries (into a new
// slice; nil when none is left).
func exactOnly(xs []Variable) []Variable {
	var out []Variable
	for _, x := range xs {
		if !x.Prefix {
			out = append(out, x)
		}
	}
	if out != nil {
		out = out[:len(out):len(out)]
	}
	return out
}

// Variables returns nginx's declarations of a variable name (lower case,
// without '$'): exact names first, then the prefix families that cover
// it. Versions are not filtered; ask In. The result may be shared:
// callers must not change it.
func Variables(name string) []Variable {
	name = strings.ToLower(name)
	out := nginxVariableIndex.get(name) // its capacity is cut: appending copies
	for i := range out {
		if out[i].Prefix {
			out = exactOnly(out)
			break
		}
	}
	for _, i := range nginxVariablePrefixes {
		p := &nginxVariables[i]
		if strings.HasPrefix(name, p.Name) && len(name) > len(p.Name) {
			out = append(out, *p)
		}
	}
	return out
}

// ThirdPartyVariables returns third-party declarations of a name.
func ThirdPartyVariables(name string) []Variable { return thirdPartyVars().lookup(name) }

// VariableNames lists every exact variable name nginx declares today
// (for spelling suggestions).
func VariableNames() []string {
	ix := &nginxVariableIndex
	var out []string
	ix.names(func(n string) {
		for _, x := range ix.get(n) {
			if !x.Prefix && x.Until == "" {
				out = append(out, n)
				break
			}
		}
	})
	return out
}
