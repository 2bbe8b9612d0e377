package model

import (
	"sort"
	"strings"
)

// Ctx is a set of configuration contexts: one bit for each NGX_*_CONF flag
// that ngx_conf_handler (src/core/ngx_conf_file.c) tests a directive's
// command type against (`if (!(cmd->type & cf->cmd_type))`). A directive
// whose flags miss the context it is written in fails nginx -t with
// `"NAME" directive is not allowed here`.
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

// DirectiveSpec is one nginx directive as a module declares it in its
// ngx_command_t array: where it may be written, how many arguments it
// takes, and the function that reads it. The table is generated from the
// nginx source (directives_table.go); a name may have several specs in
// different contexts (keepalive_timeout in server and in upstream), never
// two in the same context.
type DirectiveSpec struct {
	Name   string
	Module string // the source file that declares it, e.g. "ngx_http_proxy_module"
	Ctx    Ctx
	Args   uint32 // nginx's argument flags, the low bits of the command type (NGX_CONF_TAKE1...)
	Setter string // the C function that reads the value, e.g. "ngx_conf_set_msec_slot"
}

// The argument flags of DirectiveSpec.Args, as in src/core/ngx_conf_file.h.
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

var specsByName map[string][]DirectiveSpec

func init() {
	specsByName = make(map[string][]DirectiveSpec, len(nginxDirectives))
	for _, s := range nginxDirectives {
		specsByName[s.Name] = append(specsByName[s.Name], s)
	}
}

// DirectiveSpecs returns every spec of a directive name (case-sensitive,
// as nginx compares names); none for a name nginx's own modules do not
// declare (a third-party module's directive, or a misspelling).
func DirectiveSpecs(name string) []DirectiveSpec { return specsByName[name] }

// KnownDirective reports whether a module of nginx itself declares the name.
func KnownDirective(name string) bool { return len(specsByName[name]) > 0 }

// DirectiveIn returns the spec nginx uses for a directive written in ctx,
// whether any nginx module declares the name, and whether it is allowed
// there. known && !allowed is nginx -t's `directive is not allowed here`.
func DirectiveIn(name string, ctx Ctx) (spec DirectiveSpec, known, allowed bool) {
	specs := specsByName[name]
	for _, s := range specs {
		if s.Ctx&ctx != 0 {
			return s, true, true
		}
	}
	return DirectiveSpec{}, len(specs) > 0, false
}

// AllowedIn returns the contexts a directive may be written in, over all
// its specs.
func AllowedIn(name string) Ctx {
	var c Ctx
	for _, s := range specsByName[name] {
		c |= s.Ctx
	}
	return c
}

// DirectiveNames returns every directive name in the table, sorted.
func DirectiveNames() []string {
	out := make([]string, 0, len(specsByName))
	for n := range specsByName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Context returns the context nginx parses the directives of this level
// in: an if block directly in a server is NGX_HTTP_SIF_CONF, one in a
// location NGX_HTTP_LIF_CONF (ngx_http_rewrite_if). It is 0 for levels
// whose body a module reads itself (map, types, geo...) or that the model
// does not know.
func (b *Block) Context() Ctx {
	switch b.Kind {
	case Main:
		return CtxMain
	case HTTP:
		return CtxHTTPMain
	case Server:
		return CtxHTTPServer
	case Location:
		return CtxHTTPLocation
	case If:
		if b.Parent != nil && b.Parent.Kind == Server {
			return CtxHTTPServerIf
		}
		return CtxHTTPLocationIf
	case LimitExcept:
		return CtxHTTPLimitExcept
	case Upstream:
		return CtxHTTPUpstream
	}
	if b.Dir != nil && b.Dir.Name == "events" && b.Parent != nil && b.Parent.Kind == Main {
		return CtxEvents
	}
	return 0
}
