package websocket

import (
	"fmt"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&invalidTimeUnit{}) }

type invalidTimeUnit struct{}

var invalidTimeUnitMeta = &rules.Meta{
	ID: "WS029", Name: "invalid-time-unit", Severity: rules.Error, Fixable: true,
	Doc: rules.Doc{
		Summary: "A time value that nginx refuses: an unknown or upper-case unit, units out of order, M or y in a millisecond time, a fraction, a negative number, a variable, or a value too large.",
		Why: "nginx reads times with ngx_parse_time: a number with one of the units ms s m h d w M y (a bare number is seconds), " +
			"several units only from the largest to the smallest, each once, with optional spaces (\"1h 30m\", 1h30m). Units are " +
			"case-sensitive: m is a minute and M a month (30 days); 1H, 1S and 60sec are errors. Directives read by " +
			"ngx_conf_set_msec_slot (proxy_read_timeout and every other *_timeout, lingering_time, keepalive_time...) take " +
			"milliseconds and refuse M and y; directives read by ngx_conf_set_sec_slot (ssl_session_timeout, open_file_cache_valid) " +
			"take whole seconds and refuse ms. keepalive_timeout takes milliseconds, then an optional header time in seconds; " +
			"*_cache_valid, fail_timeout=, inactive= and valid= take seconds; loader_*= and manager_*= of *_cache_path and flush= of " +
			"access_log take milliseconds. Which directive takes which is generated from the nginx source, not written from memory. " +
			"Values beyond 2^63-1 ms overflow. Any of these fails nginx -t (\"proxy_read_timeout\" directive invalid value), so the " +
			"configuration does not load; a WebSocket's idle timeout (proxy_read_timeout) is where people most often write 1H or 1M.",
		Bad:  "location /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_read_timeout 1H;\n    proxy_send_timeout 1M;\n}",
		Good: "location /ws/ {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_read_timeout 1h;\n    proxy_send_timeout 30d;\n}",
		Fix: "Write the value the way nginx reads it. ngxlint fix rewrites it only when the meaning is not in doubt: upper-case or " +
			"spelled-out units (1H → 1h, 60sec → 60s, 5min → 5m), M and y in a millisecond time as the 30 and 365 days nginx gives " +
			"them elsewhere (1M → 30d), fractions that come out whole (1.5h → 90m, 0.5s → 500ms), and units out of order or repeated, " +
			"summed (\"30m 1h\" → 90m). It leaves alone an M after a smaller unit (1h30M: a month or a minute?), negative values, " +
			"variables, unknown units, fractions of a second where seconds are taken, and values too large.",
		Since: "0.1.0",
		Refs: []string{"https://nginx.org/en/docs/syntax.html",
			"https://github.com/nginx/nginx/blob/master/src/core/ngx_parse.c (ngx_parse_time)"},
	},
}

func (*invalidTimeUnit) Meta() *rules.Meta { return invalidTimeUnitMeta }

func (*invalidTimeUnit) Check(p *rules.Pass) {
	type key struct {
		d   *parser.Directive
		off int
	}
	seen := map[key]bool{}
	walk(p, func(b *model.Block, e model.Entry) {
		d := e.D
		for _, ta := range model.TimeArgs(d, b.Context()) {
			if seen[key{d, ta.Start}] {
				continue
			}
			seen[key{d, ta.Start}] = true
			if p.Cfg.Templated(d, ta.Word) {
				continue // envsubst fills it in a template
			}
			err := model.CheckTime(ta.Value, ta.Seconds, ta.NonZero)
			if err == nil {
				continue
			}
			kind := "millisecond time"
			if ta.Seconds {
				kind = "time in whole seconds"
			}
			what := d.Name + " " + quoteTime(ta.Value)
			if ta.Key != "" {
				what = d.Name + " " + ta.Key + ta.Value
			}
			f := p.Report(rules.Span{File: d.File, Start: ta.Start, End: ta.End},
				"%s is not a valid %s: %s; %s", what, kind, err, nginxTimeError(d.Name, ta))
			if _, perr := model.ParseTime(ta.Value, ta.Seconds); perr == nil {
				continue // valid as a time, refused as 0 (flush=0): no value to guess
			}
			fixed, ok := model.CorrectTime(ta.Value, ta.Seconds)
			if !ok {
				continue
			}
			f.Message += "; write " + fixed
			var edit rules.Edit
			switch {
			case ta.Key == "":
				edit = rules.ReplaceWord(d, ta.Word, fixed)
			case ta.Exact:
				edit = rules.Edit{File: d.File, Start: ta.Start, End: ta.End, New: fixed}
			default:
				continue
			}
			f.WithFix(&rules.Fix{Message: fmt.Sprintf("write %s as %s", quoteTime(ta.Value), fixed), Edits: []rules.Edit{edit}})
		}
	})
}

func quoteTime(v string) string {
	if v == "" || strings.ContainsAny(v, " \t") {
		return "\"" + v + "\""
	}
	return v
}

// nginxTimeError quotes what nginx -t says about a bad value.
func nginxTimeError(name string, ta model.TimeArg) string {
	switch ta.Reader {
	case "ngx_conf_set_msec_slot", "ngx_conf_set_sec_slot", "ngx_http_core_keepalive":
		return fmt.Sprintf("nginx -t fails with \"%s\" directive invalid value", name)
	case "ngx_http_file_cache_valid_set_slot":
		return fmt.Sprintf("nginx -t fails with invalid time value \"%s\"", ta.Value)
	}
	return "nginx -t fails"
}
