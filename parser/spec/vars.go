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

// The tables are built on first use, not when the program starts.
var (
	nginxVars      = sync.OnceValue(func() *varTable { return newVarTable(nginxVariables) })
	thirdPartyVars = sync.OnceValue(func() *varTable { return newVarTable(thirdPartyVariables) })
)

// Variables returns nginx's declarations of a variable name (lower case,
// without '$'): exact names first, then the prefix families that cover
// it. Versions are not filtered; ask In. The result may be shared:
// callers must not change it.
func Variables(name string) []Variable { return nginxVars().lookup(name) }

// ThirdPartyVariables returns third-party declarations of a name.
func ThirdPartyVariables(name string) []Variable { return thirdPartyVars().lookup(name) }

// VariableNames lists every exact variable name nginx declares today
// (for spelling suggestions).
func VariableNames() []string {
	names := nginxVars().byName
	var out []string
	names.names(func(n string) {
		for _, x := range names.get(n) {
			if x.Until == "" {
				out = append(out, n)
				break
			}
		}
	})
	return out
}
