package model

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser"
)

// ScriptArgs returns the arguments of a directive in which nginx reads
// "$name" as a variable. Regular expressions (location, rewrite patterns,
// if regex operands, server_name, "~" forms of proxy_redirect and friends)
// and code (Lua, Perl) are left out: a '$' there is not a variable
// reference, or not one nginx resolves at configuration time.
func ScriptArgs(d *parser.Directive) []parser.Word {
	name := d.Name
	switch {
	case name == "location", name == "server_name", name == "valid_referers",
		name == "include", name == "load_module", name == "map", name == "types",
		strings.Contains(name, "_by_lua"), strings.HasPrefix(name, "perl"),
		strings.HasPrefix(name, "js_"):
		if name == "map" && len(d.Args) >= 1 {
			return d.Args[:1] // the source expression
		}
		return nil
	case name == "rewrite":
		if len(d.Args) >= 2 {
			return d.Args[1:2]
		}
		return nil
	case name == "if":
		var out []parser.Word
		regex := false
		for _, a := range d.Args {
			if regex {
				regex = false
				continue
			}
			switch strings.Trim(a.Value, "()") {
			case "~", "~*", "!~", "!~*":
				regex = true
				continue
			}
			out = append(out, a)
		}
		return out
	case name == "proxy_redirect", name == "proxy_cookie_domain", name == "proxy_cookie_path",
		name == "fastcgi_split_path_info":
		var out []parser.Word
		for i, a := range d.Args {
			if strings.HasPrefix(a.Value, "~") || name == "fastcgi_split_path_info" {
				continue
			}
			if i > 0 && strings.HasPrefix(d.Args[i-1].Value, "~") {
				out = append(out, a) // the replacement after a regex may use captures
				continue
			}
			out = append(out, a)
		}
		return out
	case name == "set", name == "auth_request_set":
		if len(d.Args) >= 2 {
			return d.Args[1:]
		}
		return nil
	case name == "geo", name == "split_clients":
		if len(d.Args) >= 2 {
			return d.Args[:len(d.Args)-1]
		}
		return nil
	}
	return d.Args
}
