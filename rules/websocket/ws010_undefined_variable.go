package websocket

import (
	"fmt"
	"sort"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&undefinedVariable{}) }

type undefinedVariable struct{}

var undefinedVariableMeta = &rules.Meta{
	ID: "WS010", Name: "undefined-variable", Severity: rules.Error, Fixable: true,
	Doc: rules.Doc{
		Summary: "A variable is used that neither nginx nor the configuration defines.",
		Why: "nginx resolves every variable when it loads the configuration; an unknown one makes nginx -t fail with " +
			"unknown \"connection_upgrade\" variable. The usual case is proxy_set_header Connection $connection_upgrade; copied " +
			"without its map. Built-in variables are version-aware: $request_port and $is_request_port exist only from 1.29.3. " +
			"Variables created by map, geo, split_clients, set, perl_set, js_set, auth_request_set and regex named captures count " +
			"as defined, wherever they are in the configuration.",
		Bad:  "server {\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;\n    }\n}",
		Good: "map $http_upgrade $connection_upgrade {\n    default upgrade;\n    ''      close;\n}\n\nserver {\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;\n    }\n}",
		Fix: "Define the variable (for $connection_upgrade, the map above in http{}), or correct its name. ngxlint fix adds the " +
			"$connection_upgrade map, and corrects a name when exactly one known variable is one or two edits away.",
		SeverityNote: "Error when ngxlint read the whole configuration (a main nginx.conf, no load_module, no unknown directives); " +
			"warning for a fragment linted without its nginx.conf, or when modules may define variables ngxlint does not know.",
		Since: "0.1.0",
		Refs:  []string{"https://nginx.org/en/docs/varindex.html", "https://nginx.org/en/docs/http/ngx_http_map_module.html#map"},
	},
}

func (*undefinedVariable) Meta() *rules.Meta { return undefinedVariableMeta }

func (*undefinedVariable) Check(p *rules.Pass) {
	sev := rules.Error
	complete := p.Cfg.Unit.Context == parser.CtxMain && !p.Cfg.HasLoadModule
	walk(p, func(_ *model.Block, e model.Entry) {
		if !spec.Known(e.D.Name) {
			complete = false
		}
	})
	if !complete {
		sev = rules.Warning
	}
	check := func(d *parser.Directive, w parser.Word) {
		seen := map[string]bool{}
		for _, v := range model.Variables(w.Value) {
			if seen[v] {
				continue
			}
			seen[v] = true
			if p.Cfg.EnvPlaceholder(d.File, w.Value, v) {
				continue // envsubst's ${NAME} in a template
			}
			st, since := p.Cfg.Var(v)
			switch st {
			case model.VarTooNew:
				p.Report(rules.VarSpan(d, w, v),
					"$%s exists only in nginx %s and later, but the target is %s: nginx -t fails with unknown %q variable",
					v, since, p.Cfg.Version, v)
			case model.VarUndefined:
				reportUndefined(p, sev, complete, d, w, v)
			}
		}
	}
	walk(p, func(_ *model.Block, e model.Entry) {
		for _, w := range model.ScriptArgs(e.D) {
			check(e.D, w)
		}
	})
	// the unit's own maps: those a fragment's siblings lend it are in
	// files whose findings are shown in their own units
	for _, m := range p.Cfg.Maps {
		for _, me := range append(m.Entries, m.Default) {
			if me != nil {
				check(me.D, me.ValueWord())
			}
		}
	}
}

func reportUndefined(p *rules.Pass, sev rules.Severity, complete bool, d *parser.Directive, w parser.Word, v string) {
	scope := "nginx -t fails with unknown \"" + v + "\" variable"
	if !complete {
		scope = "nothing ngxlint read defines it (if another file does, lint it together with this one, or lint the nginx.conf that includes both); nginx -t fails with unknown \"" + v + "\" variable"
	}
	if v == ConnectionVar {
		f := p.ReportSev(sev, rules.VarSpan(d, w, v),
			"$%s is used but no map defines it: %s; add map $http_upgrade $connection_upgrade { default upgrade; '' close; } to http{}",
			v, scope)
		if edit, needed, reason := connectionMapFixOf(p); needed && reason == "" {
			f.WithFix(&rules.Fix{Message: "add the $connection_upgrade map", Edits: []rules.Edit{edit}})
		} else if needed {
			f.NoFix = reason
		}
		return
	}
	msg := fmt.Sprintf("variable $%s is not defined: %s", v, scope)
	at := rules.VarSpan(d, w, v)
	var fix *rules.Fix
	if s := suggestVariable(p.Cfg, v); s != "" {
		msg += fmt.Sprintf("; did you mean $%s?", s)
		name := at.File.Src[at.Start:at.End]
		repl := "$" + s
		if len(name) > 1 && name[1] == '{' {
			repl = "${" + s + "}"
		}
		fix = &rules.Fix{Message: "use $" + s, Edits: []rules.Edit{{File: d.File, Start: at.Start, End: at.End, New: repl}}}
	}
	p.ReportSev(sev, at, "%s", msg).WithFix(fix)
}

// suggestVariable returns the one defined or built-in variable closest to
// name, within two edits, or "".
func suggestVariable(cfg *model.Config, name string) string {
	cands := model.BuiltinNames()
	cands = append(cands, cfg.DefinedNames()...)
	sort.Strings(cands)
	best, bestD, ties := "", 3, 0
	for _, c := range cands {
		d := distance(name, c)
		switch {
		case d < bestD:
			best, bestD, ties = c, d, 1
		case d == bestD && c != best:
			ties++
		}
	}
	if ties != 1 || bestD > 2 {
		return ""
	}
	return best
}
