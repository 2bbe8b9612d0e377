// Package spec holds nginx's facts in one place: every directive the
// modules of nginx declare (contexts, argument shape, how the value is
// read, enum values, bounds, the release it appeared in or left), the
// directives of the third-party modules Debian ships and of NGINX Plus,
// the variables nginx defines, and the versions that change behavior.
//
// The tables (directives_gen.go) are generated from the C source of nginx
// at every release tag and of the third-party modules listed in
// internal/gen/sources.txt; see gen.go. The loader, the model and every
// rule ask this package instead of keeping lists of their own.
package spec

import (
	"sort"
	"strings"
	"sync"
)

//go:generate go run ./internal/gen -sources internal/gen/sources.txt -out directives_gen.go
//go:generate env NGXLINT_WRITE_INDEX=1 go test -run ^TestGeneratedIndex$ .

// Ctx is a set of configuration contexts: one bit for each NGX_*_CONF flag
// that ngx_conf_handler (src/core/ngx_conf_file.c) tests a directive's
// command type against. A directive whose flags miss the context it is
// written in fails nginx -t with `"NAME" directive is not allowed here`.
type Ctx uint32

// The contexts, named after the flags in the nginx source.
const (
	CtxMain            Ctx = 1 << iota // NGX_MAIN_CONF: the top of nginx.conf
	CtxEvents                          // NGX_EVENT_CONF: events{}
	CtxHTTPMain                        // NGX_HTTP_MAIN_CONF: http{}
	CtxHTTPServer                      // NGX_HTTP_SRV_CONF: server{}
	CtxHTTPLocation                    // NGX_HTTP_LOC_CONF: location{}
	CtxHTTPUpstream                    // NGX_HTTP_UPS_CONF: upstream{}
	CtxHTTPServerIf                    // NGX_HTTP_SIF_CONF: if{} directly in server{}
	CtxHTTPLocationIf                  // NGX_HTTP_LIF_CONF: if{} in a location{}
	CtxHTTPLimitExcept                 // NGX_HTTP_LMT_CONF: limit_except{}
	CtxStreamMain                      // NGX_STREAM_MAIN_CONF
	CtxStreamServer                    // NGX_STREAM_SRV_CONF
	CtxStreamUpstream                  // NGX_STREAM_UPS_CONF
	CtxMailMain                        // NGX_MAIL_MAIN_CONF
	CtxMailServer                      // NGX_MAIL_SRV_CONF

	// CtxAny is NGX_ANY_CONF (include): allowed everywhere.
	CtxAny Ctx = 1<<iota - 1
)

var ctxNames = []struct {
	c    Ctx
	name string
}{
	{CtxMain, "main"}, {CtxEvents, "events"}, {CtxHTTPMain, "http"}, {CtxHTTPServer, "server"},
	{CtxHTTPLocation, "location"}, {CtxHTTPUpstream, "upstream"}, {CtxHTTPServerIf, "if in server"},
	{CtxHTTPLocationIf, "if in location"}, {CtxHTTPLimitExcept, "limit_except"},
	{CtxStreamMain, "stream"}, {CtxStreamServer, "stream server"}, {CtxStreamUpstream, "stream upstream"},
	{CtxMailMain, "mail"}, {CtxMailServer, "mail server"},
}

// String names the contexts in the set, the way the nginx docs do
// ("http, server, location"); "any" for CtxAny.
func (c Ctx) String() string {
	if c == CtxAny {
		return "any"
	}
	var out []string
	for _, n := range ctxNames {
		if c&n.c != 0 {
			out = append(out, n.name)
		}
	}
	return strings.Join(out, ", ")
}

// The argument flags of Directive.Args, as in src/core/ngx_conf_file.h.
const (
	ArgNoArgs uint32 = 0x00000001
	ArgTake1  uint32 = 0x00000002
	ArgTake2  uint32 = 0x00000004
	ArgTake3  uint32 = 0x00000008
	ArgTake4  uint32 = 0x00000010
	ArgTake5  uint32 = 0x00000020
	ArgTake6  uint32 = 0x00000040
	ArgTake7  uint32 = 0x00000080
	ArgBlock  uint32 = 0x00000100
	ArgFlag   uint32 = 0x00000200
	ArgAny    uint32 = 0x00000400
	Arg1More  uint32 = 0x00000800
	Arg2More  uint32 = 0x00001000
)

// Directive is one directive as a module declares it in its ngx_command_t
// array. A name may have several entries in different contexts
// (keepalive_timeout in server and in upstream), never two in the same
// context of one nginx version.
type Directive struct {
	Name   string
	Module string // the ngx_module_t that declares it, e.g. "ngx_http_proxy_module"
	Ctx    Ctx
	Args   uint32 // nginx's argument flags (NGX_CONF_TAKE1...)
	Setter string // the C function that reads the value, e.g. "ngx_conf_set_msec_slot"
	// Values are the names an enum or bitmask setter accepts.
	Values []string
	// Bounded says Min and Max hold ngx_conf_check_num_bounds limits
	// (Max -1: no upper limit).
	Bounded  bool
	Min, Max int64
	// Since is the first release that has it ("" = 1.0.0 or older);
	// Until the first release that no longer has it ("" = still there).
	Since, Until string
	// Package is set on a third-party directive: the Debian package (or
	// project) that provides it.
	Package string
	// Once says nginx refuses a second one at the same level with
	// `"NAME" directive is duplicate` (its setter checks; see sources.txt).
	Once bool
}

// Value says how nginx reads a directive's arguments, from its setter.
type Value int

// The kinds of value nginx's generic setters read.
const (
	ValueOther   Value = iota // a module's own function
	ValueFlag                 // ngx_conf_set_flag_slot: on | off
	ValueStr                  // ngx_conf_set_str_slot and friends: any string
	ValueNum                  // ngx_conf_set_num_slot: a non-negative integer
	ValueSize                 // ngx_conf_set_size_slot: 10, 10k, 10m
	ValueOff                  // ngx_conf_set_off_slot: 10, 10k, 10m, 10g
	ValueMsec                 // ngx_conf_set_msec_slot: a time, ms by default
	ValueSec                  // ngx_conf_set_sec_slot: a time, s by default
	ValueEnum                 // ngx_conf_set_enum_slot: one of Values
	ValueBitmask              // ngx_conf_set_bitmask_slot: some of Values
	ValueBufs                 // ngx_conf_set_bufs_slot: NUMBER SIZE
	ValuePath                 // ngx_conf_set_path_slot: a path and levels
	ValueAccess               // ngx_conf_set_access_slot: user:rw group:r ...
)

// Value says how nginx reads the directive's arguments. A switch, not a
// map: nothing is built when the program starts (TestValueAsTable).
func (d Directive) Value() Value {
	switch d.Setter {
	case "ngx_conf_set_flag_slot":
		return ValueFlag
	case "ngx_conf_set_str_slot", "ngx_conf_set_str_array_slot", "ngx_conf_set_keyval_slot", "ngx_http_set_complex_value_slot":
		return ValueStr
	case "ngx_conf_set_num_slot":
		return ValueNum
	case "ngx_conf_set_size_slot":
		return ValueSize
	case "ngx_conf_set_off_slot":
		return ValueOff
	case "ngx_conf_set_msec_slot":
		return ValueMsec
	case "ngx_conf_set_sec_slot":
		return ValueSec
	case "ngx_conf_set_enum_slot":
		return ValueEnum
	case "ngx_conf_set_bitmask_slot":
		return ValueBitmask
	case "ngx_conf_set_bufs_slot":
		return ValueBufs
	case "ngx_conf_set_path_slot":
		return ValuePath
	case "ngx_conf_set_access_slot":
		return ValueAccess
	}
	return ValueOther
}

// ThirdParty reports whether the directive comes from a module outside
// nginx (or from NGINX Plus).
func (d Directive) ThirdParty() bool { return d.Package != "" }

// In reports whether the directive exists in version v (any version when
// v is unknown).
func (d Directive) In(v Version) bool {
	if !v.Known {
		return d.Until == ""
	}
	if d.Since != "" && v.Before(d.Since) {
		return false
	}
	return d.Until == "" || v.Before(d.Until)
}

// ArgsOK reports whether n arguments fit the directive's argument flags,
// the test ngx_conf_handler makes before it prints `invalid number of
// arguments in "NAME" directive`.
func (d Directive) ArgsOK(n int) bool {
	a := d.Args
	switch {
	case a&ArgAny != 0:
		return true
	case a&ArgFlag != 0:
		return n == 1
	case a&Arg1More != 0:
		return n >= 1
	case a&Arg2More != 0:
		return n >= 2
	case n == 0:
		return a&ArgNoArgs != 0
	case n > 7:
		return false
	}
	return a&(ArgTake1<<(n-1)) != 0
}

// Block reports whether the directive takes a {} block.
func (d Directive) Block() bool { return d.Args&ArgBlock != 0 }

// nginx's directives are looked up in an index generated with the table
// (index_gen.go, checked by TestGeneratedIndex): building it reads every
// entry, about 0.15 ms in a new process, and every lint asks it.
var nginxDirectiveIndex = nameIndex[Directive]{xs: nginxDirectives, key: directiveName, slots: nginxDirectiveSlots[:]}

func nginxIndex() *nameIndex[Directive] { return &nginxDirectiveIndex }

// The third-party table's index and the module names are built on first
// use: only names nginx does not know and load_module ask them.
var (
	thirdPartyIndex = sync.OnceValue(func() *nameIndex[Directive] {
		return newNameIndex(thirdPartyDirectives, directiveName)
	})
	moduleNames = sync.OnceValue(func() map[string]bool {
		m := map[string]bool{}
		for _, ds := range [][]Directive{thirdPartyDirectives, nginxDirectives} {
			for _, d := range ds {
				m[d.Module] = true
			}
		}
		return m
	})
)

func directiveName(d *Directive) string { return d.Name }

// nginxByName returns nginx's entries for a name.
func nginxByName(name string) []Directive { return nginxIndex().get(name) }

// Directives returns every entry nginx's own modules declare for a name
// (case-sensitive, as nginx compares names), whichever version has it;
// none for a third-party directive or a misspelling. The result is
// shared: callers must not change it.
func Directives(name string) []Directive { return nginxByName(name) }

// Lookup returns the entries of a name that exist in version v. The
// result may be shared: callers must not change it.
func Lookup(name string, v Version) []Directive {
	all := nginxByName(name)
	every := true
	for _, d := range all {
		if !d.In(v) {
			every = false
			break
		}
	}
	if every {
		// the usual case, asked for every directive by several rules
		return all[:len(all):len(all)]
	}
	var out []Directive
	for _, d := range all {
		if d.In(v) {
			out = append(out, d)
		}
	}
	return out
}

// Known reports whether a module of nginx itself declares the name in
// the current source.
func Known(name string) bool {
	for _, d := range nginxByName(name) {
		if d.Until == "" {
			return true
		}
	}
	return false
}

// ThirdParty returns the entries of third-party modules (and NGINX Plus)
// for a name that nginx itself does not declare. The result is shared:
// callers must not change it. The third-party table has no name that nginx
// declares today (TestThirdPartyNamesNotNginx), so for those, which are
// most of any configuration, it is not read: its index is built only when
// a name nginx does not know comes.
func ThirdParty(name string) []Directive {
	if Known(name) {
		return nil
	}
	return thirdPartyIndex().get(name)
}

// In returns the entry nginx uses for a directive written in ctx, whether
// any nginx module declares the name, and whether it is allowed there.
// known && !allowed is nginx -t's `directive is not allowed here`.
// Entries of removed directives count only when nothing else does.
func In(name string, ctx Ctx) (d Directive, known, allowed bool) {
	ds := nginxByName(name)
	for _, s := range ds {
		if s.Ctx&ctx != 0 && s.Until == "" {
			return s, true, true
		}
	}
	for _, s := range ds {
		if s.Ctx&ctx != 0 {
			return s, true, true
		}
	}
	return Directive{}, len(ds) > 0, false
}

// AllowedIn returns the contexts a directive may be written in, over all
// its current entries.
func AllowedIn(name string) Ctx {
	var c Ctx
	for _, s := range nginxByName(name) {
		if s.Until == "" {
			c |= s.Ctx
		}
	}
	return c
}

// Names returns every directive name nginx declares today, sorted.
func Names() []string {
	var out []string
	nginxIndex().names(func(n string) {
		if Known(n) {
			out = append(out, n)
		}
	})
	sort.Strings(out)
	return out
}

// All returns every nginx directive entry (for tests and generators).
func All() []Directive { return nginxDirectives }

// AllThirdParty returns every third-party directive entry.
func AllThirdParty() []Directive { return thirdPartyDirectives }

// ModuleOf returns the third-party modules that declare a directive,
// as the ngx_module_t names load_module's file is named after.
func ModuleOf(name string) []string {
	var out []string
	for _, d := range thirdPartyIndex().get(name) {
		out = append(out, d.Module)
	}
	return out
}

// KnownModule reports whether a module name (as load_module's file is
// named, without .so) is one the table has directives of.
func KnownModule(name string) bool { return moduleNames()[name] }
