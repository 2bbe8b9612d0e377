package websocket

import (
	"regexp"
	"strings"
	"sync"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&caseSensitiveUpgradeTest{}) }

type caseSensitiveUpgradeTest struct{}

var caseSensitiveUpgradeTestMeta = &rules.Meta{
	ID: "WS014", Name: "case-sensitive-upgrade-check", Severity: rules.Warning, Fixable: true,
	Doc: rules.Doc{
		Summary: "An if tests $http_upgrade (or $http_connection) case-sensitively: = \"websocket\", != or a ~ regex.",
		Why: "In if, = and != compare strings exactly and ~ is a case-sensitive regex; only ~* ignores case. The Upgrade value is " +
			"case-insensitive (RFC 6455 §4.2.1: \"websocket\" as a case-insensitive token), so a client that sends Upgrade: WebSocket " +
			"misses if ($http_upgrade = \"websocket\") and gets the non-WebSocket branch. The Connection header is worse: it is a " +
			"comma-separated token list, and browsers send \"Upgrade\" (Chrome) or \"keep-alive, Upgrade\" (Firefox), so = \"upgrade\" " +
			"and ~ upgrade miss the browsers themselves. nginx -t accepts all of these.",
		Bad:  "if ($http_upgrade = \"websocket\") {\n    return 426;\n}",
		Good: "if ($http_upgrade ~* ^websocket$) {\n    return 426;\n}",
		Fix: "Use the case-insensitive operator: ~* ^websocket$ for = \"websocket\", !~* for !=, ~* for ~ and !~* for !~ (for " +
			"$http_connection, ~* upgrade). Often no if is needed at all: proxy_set_header Upgrade $http_upgrade and the map on " +
			"$http_upgrade handle every spelling. ngxlint fix rewrites the operator and, for = and !=, the operand.",
		Since: "0.1.0",
		Refs:  []string{"https://nginx.org/en/docs/http/ngx_http_rewrite_module.html#if", "RFC 6455 §4.2.1"},
	},
}

func (*caseSensitiveUpgradeTest) Meta() *rules.Meta { return caseSensitiveUpgradeTestMeta }

var hasLetter = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[A-Za-z]`) })

func (*caseSensitiveUpgradeTest) Check(p *rules.Pass) {
	for _, b := range p.Cfg.Locations {
		c, ok := b.Condition()
		if !ok || !c.CaseSensitive() || (c.Var != "http_upgrade" && c.Var != "http_connection") {
			continue
		}
		d := b.Dir
		operand := c.Operand
		if strings.Contains(operand, "$") && !c.IsRegex() || !hasLetter().MatchString(operand) ||
			c.IsRegex() && strings.HasPrefix(operand, "(?i)") {
			continue
		}
		upgrade := c.Var == "http_upgrade"
		op := d.Args[c.OpWord]
		var newOp, newOperand, why string
		switch c.Op {
		case "~", "!~":
			newOp, newOperand = c.Op+"*", operand
			why = c.Op + " is a case-sensitive regex match"
		case "=", "!=":
			newOp = "~*"
			if c.Op == "!=" {
				newOp = "!~*"
			}
			newOperand = regexp.QuoteMeta(operand)
			if upgrade {
				newOperand = "^" + newOperand + "$"
			}
			why = c.Op + " compares strings exactly"
		}
		var header string
		switch {
		case upgrade && operand != strings.ToLower(operand):
			header = "browsers send Upgrade: websocket in lower case (the value is case-insensitive), so they take the wrong branch"
		case upgrade:
			header = "the Upgrade value is case-insensitive, so a client sending WebSocket or WEBSOCKET takes the wrong branch"
		default:
			header = "Connection is a case-insensitive token list and browsers send \"Upgrade\" (Chrome) or \"keep-alive, Upgrade\" (Firefox), so this test can send them down the wrong branch"
		}
		cond := string(d.File.Src[d.Args[0].Start:d.Args[len(d.Args)-1].End])
		edits := []rules.Edit{{File: d.File, Start: int(op.Start), End: int(op.End), New: newOp}}
		if newOperand != operand {
			edits = append(edits, operandEdit(d, c, newOperand))
		}
		suggest := newOp + " " + parser.Quote(newOperand)
		p.Report(rules.WordSpan(d, op),
			"if %s tests $%s case-sensitively (%s), but %s; use %s",
			cond, c.Var, why, header, suggest).
			WithFix(&rules.Fix{Message: "test with " + newOp, Edits: edits})
	}
}

// operandEdit replaces the operand of an if condition, keeping a ')'
// written in the same word.
func operandEdit(d *parser.Directive, c model.IfCondition, value string) rules.Edit {
	w := d.Args[c.OperandWord]
	if !c.OperandParen {
		return rules.ReplaceWord(d, w, value)
	}
	if d.File.QuoteOf(w) != 0 {
		return rules.ReplaceWord(d, w, value+")")
	}
	return rules.Edit{File: d.File, Start: int(w.Start), End: int(w.End) - 1, New: parser.Quote(value)}
}
