package spec

import "strings"

// ZoneUse is a shared memory zone a directive declares or uses, as
// ngx_shared_memory_add (src/core/ngx_cycle.c) sees it: a name, a size
// (0 for a use, which finds the zone a declaration sizes) and a tag, the
// module that owns the zone. nginx keeps one table of zones for the whole
// configuration:
//   - a zone used but never declared with a size fails nginx -t when the
//     configuration is complete: `zero size shared memory zone "NAME"`
//     (no file or line), or for the *_cache directives, which look their
//     zone up when http{} is merged, `"proxy_cache" zone "NAME" is
//     unknown` on the line of http{}'s closing brace;
//   - a name added by two modules fails on the second one with `the shared
//     memory zone "NAME" is already declared for a different use`.
type ZoneUse struct {
	Zone string
	// Size is the size as written for a declaration, "" for a use.
	Size string
	// Owner is the module the zone belongs to: a use finds only a
	// declaration with the same owner.
	Owner string
	// Arg is the index of the argument that names the zone.
	Arg int
}

// Declares reports whether the directive gives the zone its size.
func (z ZoneUse) Declares() bool { return z.Size != "" }

// cacheModule reports whether m is a module whose NAME_cache_path declares
// a zone (keys_zone=NAME:SIZE) that NAME_cache uses.
func cacheModule(m string) bool {
	switch m {
	case "proxy", "fastcgi", "uwsgi", "scgi":
		return true
	}
	return false
}

// ZoneOf returns the zone the directive name with args declares or uses;
// stream is set for the stream{} module's directives of the same name
// (limit_conn_zone, limit_conn, zone), which have their own owner. ok is
// false for directives without a zone, for `*_cache off` and for a zone
// named by a variable, which nginx looks up per request.
func ZoneOf(name string, args []string, stream bool) (z ZoneUse, ok bool) {
	scope := "http "
	if stream {
		scope = "stream "
	}
	switch name {
	case "limit_req_zone", "limit_conn_zone":
		for i, a := range args {
			if v, found := strings.CutPrefix(a, "zone="); found {
				zone, size, _ := strings.Cut(v, ":")
				owner := strings.TrimSuffix(name, "_zone")
				if name == "limit_conn_zone" {
					owner = scope + owner
				}
				return ZoneUse{Zone: zone, Size: size, Owner: owner, Arg: i}, zone != "" && size != ""
			}
		}
	case "limit_req":
		for i, a := range args {
			if v, found := strings.CutPrefix(a, "zone="); found {
				return ZoneUse{Zone: v, Owner: "limit_req", Arg: i}, v != ""
			}
		}
	case "limit_conn":
		if len(args) > 0 && args[0] != "" {
			return ZoneUse{Zone: args[0], Owner: scope + "limit_conn"}, true
		}
	case "zone": // in upstream{}: zone NAME [SIZE]
		if len(args) == 0 || args[0] == "" {
			return ZoneUse{}, false
		}
		z := ZoneUse{Zone: args[0], Owner: scope + "upstream zone"}
		if len(args) > 1 {
			z.Size = args[1]
		}
		return z, true
	}
	if m, found := strings.CutSuffix(name, "_cache_path"); found && cacheModule(m) {
		for i, a := range args {
			if v, found := strings.CutPrefix(a, "keys_zone="); found {
				zone, size, _ := strings.Cut(v, ":")
				return ZoneUse{Zone: zone, Size: size, Owner: m + "_cache", Arg: i}, zone != "" && size != ""
			}
		}
		return ZoneUse{}, false
	}
	if m, found := strings.CutSuffix(name, "_cache"); found && cacheModule(m) {
		if len(args) != 1 || args[0] == "off" || args[0] == "" || strings.Contains(args[0], "$") {
			return ZoneUse{}, false
		}
		return ZoneUse{Zone: args[0], Owner: name}, true
	}
	return ZoneUse{}, false
}

// ZoneLookedUpAtMerge reports whether nginx looks the zone of a use up when
// it merges http{} (the *_cache directives), so that a missing zone is
// reported on the line of http{}'s closing brace, not at the end without a
// line.
func ZoneLookedUpAtMerge(z ZoneUse) bool { return strings.HasSuffix(z.Owner, "_cache") }
