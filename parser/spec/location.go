package spec

import "strings"

// Location is how nginx reads the arguments of a location directive
// (ngx_http_core_location, src/http/ngx_http_core_module.c): its modifier
// and the name it compares nested locations with.
type Location struct {
	Modifier string // "", "=", "^~", "~", "~*" or "@"
	Name     string // the URI, the regex or the name, without the modifier
}

// Exact, Named and Regex say which kind of location it is.
func (l Location) Exact() bool { return l.Modifier == "=" }
func (l Location) Named() bool { return l.Modifier == "@" }
func (l Location) Regex() bool { return l.Modifier == "~" || l.Modifier == "~*" }

// ParseLocation reads the arguments of a location (one or two; the
// argument count is checked apart). bad is nginx's error for a modifier it
// does not know ("invalid location modifier ..."), "" when it reads them.
func ParseLocation(args []string) (l Location, bad string) {
	switch len(args) {
	case 2:
		switch args[0] {
		case "=", "^~", "~", "~*":
			return Location{Modifier: args[0], Name: args[1]}, ""
		}
		return Location{}, `invalid location modifier "` + args[0] + `"`
	case 1:
		n := args[0]
		switch {
		case strings.HasPrefix(n, "="):
			return Location{Modifier: "=", Name: n[1:]}, ""
		case strings.HasPrefix(n, "^~"):
			return Location{Modifier: "^~", Name: n[2:]}, ""
		case strings.HasPrefix(n, "~*"):
			return Location{Modifier: "~*", Name: n[2:]}, ""
		case strings.HasPrefix(n, "~"):
			return Location{Modifier: "~", Name: n[1:]}, ""
		case strings.HasPrefix(n, "@"):
			return Location{Modifier: "@", Name: n}, ""
		}
		return Location{Name: n}, ""
	}
	return Location{}, ""
}

// NestingError is nginx's error for location child written inside location
// parent, "" when nginx takes it: nothing may nest in an exact or a named
// location, a named location only stands at server level, and a location
// that is no regex must start with its parent's name (the parent's regex
// text, for a regex parent), compared byte for byte as on Linux.
func NestingError(parent, child Location) string {
	switch {
	case parent.Exact():
		return `location "` + child.Name + `" cannot be inside the exact location "` + parent.Name + `"`
	case parent.Named():
		return `location "` + child.Name + `" cannot be inside the named location "` + parent.Name + `"`
	case child.Named():
		return `named location "` + child.Name + `" can be on the server level only`
	case !child.Regex() && !strings.HasPrefix(child.Name, parent.Name):
		return `location "` + child.Name + `" is outside location "` + parent.Name + `"`
	}
	return ""
}
