package correctness

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&invalidValue{}) }

type invalidValue struct{}

var invalidValueMeta = &rules.Meta{
	ID: "NGX105", Name: "invalid-value", Severity: rules.Error, Fixable: true,
	Doc: rules.Doc{
		Summary: "A value nginx cannot read: a flag other than on/off, a size, offset or number that is not one, an enum value the directive does not take, a number out of bounds, a port out of 1-65535 in listen, an expires time nginx refuses.",
		Why: "Directives read by nginx's generic setters parse their value when the configuration loads: ngx_conf_set_flag_slot takes " +
			"on or off, ngx_conf_set_size_slot a number with k or m, ngx_conf_set_off_slot also g, ngx_conf_set_num_slot digits " +
			"(some with bounds: gzip_comp_level 1-9), ngx_conf_set_enum_slot and ngx_conf_set_bitmask_slot one of the names the " +
			"module lists. None of them expands variables. Anything else fails nginx -t (`invalid value \"yes\" in \"gzip\" " +
			"directive, it must be \"on\" or \"off\"`, `\"client_max_body_size\" directive invalid value`). Which directive uses " +
			"which setter, and the enum names, are generated from nginx's source. Times are WS029's.",
		Bad:   "server {\n    gzip yes;\n    client_max_body_size 10q;\n    listen 70000;\n}",
		Good:  "server {\n    gzip on;\n    client_max_body_size 10m;\n    listen 7000;\n}",
		Fix:   "Write a value nginx reads; the message lists the ones it takes. ngxlint fix rewrites yes/no, true/false, 1/0 and enable(d)/disable(d) in a flag to on/off, and nothing else.",
		Since: "0.2.0",
		Refs:  []string{"https://nginx.org/en/docs/syntax.html", "https://github.com/nginx/nginx/blob/master/src/core/ngx_conf_file.c"},
	},
}

func (*invalidValue) Meta() *rules.Meta { return invalidValueMeta }

var flagFixes = map[string]string{"yes": "on", "no": "off", "true": "on", "false": "off", "1": "on", "0": "off", "enable": "on", "disable": "off", "enabled": "on", "disabled": "off"}

func (*invalidValue) Check(p *rules.Pass) {
	ix := indexOf(p)
	for _, lv := range ix.levels {
		for _, it := range lv.items {
			d := it.d
			e, ok := ix.entryIn(d.Name, lv.ctx)
			if !ok || d.Block != nil && !e.Block() || !e.ArgsOK(len(d.Args)) {
				continue
			}
			switch {
			case d.Name == "listen":
				checkListen(p, d)
				continue
			case d.Name == "expires" && lv.ctx&(spec.CtxHTTPMain|spec.CtxHTTPServer|spec.CtxHTTPLocation|spec.CtxHTTPLocationIf) != 0:
				checkExpires(p, d)
				continue
			}
			checkSetter(p, d, e)
		}
	}
}

func report(p *rules.Pass, d *parser.Directive, w parser.Word, what, nginx string) *rules.Finding {
	return p.Report(spanAt(d, rules.WordSpan(d, w)), "%s: nginx -t: %s%s", what, nginx, where(d))
}

func checkSetter(p *rules.Pass, d *parser.Directive, e spec.Directive) {
	if len(d.Args) == 0 {
		return
	}
	for _, a := range d.Args {
		if p.Cfg.Templated(d, a) {
			return // an envsubst placeholder: its value comes with the container
		}
	}
	w := d.Args[0]
	v := w.Value
	switch e.Value() {
	case spec.ValueFlag:
		if strings.EqualFold(v, "on") || strings.EqualFold(v, "off") {
			return
		}
		f := report(p, d, w, d.Name+" takes on or off, not "+quoteValue(v),
			"invalid value \""+v+"\" in \""+d.Name+"\" directive, it must be \"on\" or \"off\"")
		if to, ok := flagFixes[strings.ToLower(v)]; ok {
			f.Message += "; write " + to
			f.WithFix(&rules.Fix{Message: "write " + to, Edits: []rules.Edit{rules.ReplaceWord(d, w, to)}})
		}
	case spec.ValueNum:
		n, ok := spec.Atoi(v)
		if !ok {
			report(p, d, w, d.Name+" takes a whole number, not "+quoteValue(v), "\""+d.Name+"\" directive invalid number")
			return
		}
		if !e.Bounded {
			return
		}
		if e.Max == -1 && n < e.Min {
			report(p, d, w, d.Name+" must be at least "+itoa(int(e.Min)), "value must be equal to or greater than "+itoa(int(e.Min)))
		} else if e.Max != -1 && (n < e.Min || n > e.Max) {
			report(p, d, w, d.Name+" must be between "+itoa(int(e.Min))+" and "+itoa(int(e.Max)),
				"value must be between "+itoa(int(e.Min))+" and "+itoa(int(e.Max)))
		}
	case spec.ValueSize:
		if !spec.IsSize(v, "kKmM") {
			report(p, d, w, d.Name+" takes a size (a number, optionally with k or m), not "+quoteValue(v), "\""+d.Name+"\" directive invalid value")
		}
	case spec.ValueOff:
		if !spec.IsSize(v, "kKmMgG") {
			report(p, d, w, d.Name+" takes a size (a number, optionally with k, m or g), not "+quoteValue(v), "\""+d.Name+"\" directive invalid value")
		}
	case spec.ValueEnum:
		if len(e.Values) == 0 || hasFold(e.Values, v) {
			return
		}
		report(p, d, w, d.Name+" takes "+oneOf(e.Values)+", not "+quoteValue(v), "invalid value \""+v+"\"")
	case spec.ValueBitmask:
		if len(e.Values) == 0 {
			return
		}
		for _, a := range d.Args {
			if !hasFold(e.Values, a.Value) {
				report(p, d, a, d.Name+" takes "+oneOf(e.Values)+", not "+quoteValue(a.Value), "invalid value \""+a.Value+"\"")
				return
			}
		}
	case spec.ValueBufs:
		if len(d.Args) != 2 {
			return
		}
		if n, ok := spec.Atoi(v); !ok || n == 0 {
			report(p, d, w, d.Name+" takes a number of buffers and their size, not "+quoteValue(v), "\""+d.Name+"\" directive invalid value")
		} else if !spec.IsSize(d.Args[1].Value, "kKmM") || strings.Trim(d.Args[1].Value, "0kKmM") == "" {
			report(p, d, d.Args[1], d.Name+" takes a number of buffers and their size, not "+quoteValue(d.Args[1].Value), "\""+d.Name+"\" directive invalid value")
		}
	}
}

func hasFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

func oneOf(vals []string) string {
	if len(vals) == 1 {
		return vals[0]
	}
	return strings.Join(vals[:len(vals)-1], ", ") + " or " + vals[len(vals)-1]
}

func quoteValue(v string) string {
	if len(v) > 40 {
		v = v[:37] + "..."
	}
	return "\"" + v + "\""
}

// checkListen checks the port of listen's address the way ngx_parse_url does.
func checkListen(p *rules.Pass, d *parser.Directive) {
	w := d.Args[0]
	a := w.Value
	if strings.HasPrefix(a, "unix:") || strings.Contains(a, "$") {
		return
	}
	port := ""
	switch {
	case strings.HasPrefix(a, "["):
		i := strings.Index(a, "]")
		if i < 0 || !strings.HasPrefix(a[i+1:], ":") {
			return
		}
		port = a[i+2:]
	case strings.Contains(a, ":"):
		port = a[strings.LastIndex(a, ":")+1:]
	default:
		if _, ok := spec.Atoi(a); !ok {
			return // a host name: nginx resolves it
		}
		port = a
	}
	n, ok := spec.Atoi(port)
	if ok && n >= 1 && n <= 65535 {
		return
	}
	if !ok && port != "" && !strings.ContainsAny(port, "0123456789") {
		return
	}
	report(p, d, w, "listen "+a+": a port is 1 to 65535", "invalid port in \""+a+"\" of the \"listen\" directive")
}

// checkExpires is ngx_http_headers_expires.
func checkExpires(p *rules.Pass, d *parser.Directive) {
	i := 0
	if len(d.Args) == 2 {
		if d.Args[0].Value != "modified" {
			report(p, d, d.Args[0], "expires takes modified before its time, not "+quoteValue(d.Args[0].Value), "\"expires\" directive invalid value")
			return
		}
		i = 1
	}
	w := d.Args[i]
	v := w.Value
	if strings.Contains(v, "$") {
		return
	}
	if i == 0 && (v == "epoch" || v == "max" || v == "off") {
		return
	}
	bad := func() {
		report(p, d, w, "expires "+quoteValue(v)+" is not a time nginx reads (epoch, max, off, or a time such as 30d, -1, @15h30m)", "\"expires\" directive invalid value")
	}
	if strings.HasPrefix(v, "@") && i == 1 {
		report(p, d, w, "expires modified cannot take a time of day", "\"expires\" directive daily time cannot be used with \"modified\" parameter")
		return
	}
	if strings.HasPrefix(v, "@") {
		t, err := model.ParseTime(v[1:], true)
		if err != nil {
			bad()
		} else if t > 24*60*60 {
			report(p, d, w, "expires "+v+" is a time of day, under 24 hours", "\"expires\" directive daily time value must be less than 24 hours")
		}
		return
	}
	// a sign, then a time in seconds
	if _, err := model.ParseTime(strings.TrimPrefix(strings.TrimPrefix(v, "+"), "-"), true); err != nil {
		bad()
	}
}
