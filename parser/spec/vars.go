package spec

import "strings"

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

var (
	varsByName   map[string][]Variable
	varPrefixes  []Variable
	thirdVarsBy  map[string][]Variable
	thirdVarPref []Variable
)

func init() {
	varsByName = map[string][]Variable{}
	for _, x := range nginxVariables {
		if x.Prefix {
			varPrefixes = append(varPrefixes, x)
		} else {
			varsByName[x.Name] = append(varsByName[x.Name], x)
		}
	}
	thirdVarsBy = map[string][]Variable{}
	for _, x := range thirdPartyVariables {
		if x.Prefix {
			thirdVarPref = append(thirdVarPref, x)
		} else {
			thirdVarsBy[x.Name] = append(thirdVarsBy[x.Name], x)
		}
	}
}

// Variables returns nginx's declarations of a variable name (lower case,
// without '$'): exact names first, then the prefix families that cover
// it. Versions are not filtered; ask In.
func Variables(name string) []Variable {
	name = strings.ToLower(name)
	out := append([]Variable(nil), varsByName[name]...)
	for _, p := range varPrefixes {
		if strings.HasPrefix(name, p.Name) && len(name) > len(p.Name) {
			out = append(out, p)
		}
	}
	return out
}

// ThirdPartyVariables returns third-party declarations of a name.
func ThirdPartyVariables(name string) []Variable {
	name = strings.ToLower(name)
	out := append([]Variable(nil), thirdVarsBy[name]...)
	for _, p := range thirdVarPref {
		if strings.HasPrefix(name, p.Name) && len(name) > len(p.Name) {
			out = append(out, p)
		}
	}
	return out
}

// VariableNames lists every exact variable name nginx declares today
// (for spelling suggestions).
func VariableNames() []string {
	out := make([]string, 0, len(varsByName))
	for n, xs := range varsByName {
		for _, x := range xs {
			if x.Until == "" {
				out = append(out, n)
				break
			}
		}
	}
	return out
}
