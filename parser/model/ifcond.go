package model

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser"
)

// IfCondition is the condition of an if directive, read the way
// ngx_http_rewrite_if_condition (src/http/modules/ngx_http_rewrite_module.c)
// reads it: the first argument starts with '(' and the last ends with ')'
// (either may be a word of its own); then a variable alone, a variable, an
// operator (= != ~ ~* !~ !~*) and an operand, or a file test (-f -d -e -x
// and their negations) and a path.
type IfCondition struct {
	// Var is the variable tested, lower case without '$'; "" for a file test.
	Var     string
	VarWord int // index in Args of the word holding the variable (or the file test)
	// Op is the operator, "" when the variable is tested alone.
	Op     string
	OpWord int // index in Args; -1 without an operator
	// Operand is the value or regex as nginx reads it, the ')' removed.
	Operand     string
	OperandWord int // index in Args; -1 without an operand
	// OperandParen is true when the closing ')' is written inside the
	// operand's word ("websocket)" or "\"websocket)\"").
	OperandParen bool
}

// CaseSensitive reports whether the operator compares with case: = and !=
// compare strings as they are, ~ and !~ are case-sensitive regexes.
func (c IfCondition) CaseSensitive() bool {
	switch c.Op {
	case "=", "!=", "~", "!~":
		return true
	}
	return false
}

// IsRegex reports whether the operand is a regular expression.
func (c IfCondition) IsRegex() bool { return strings.Contains(c.Op, "~") }

// Condition returns the condition of an if block, read once when the
// model is built; ok is false for other blocks and for a condition nginx
// refuses.
func (b *Block) Condition() (IfCondition, bool) {
	x := b.x.Load()
	if x == nil || x.cond == nil {
		return IfCondition{}, false
	}
	return *x.cond, true
}

// ParseIf reads the condition of an if directive. ok is false when nginx
// would refuse it ("invalid condition", "unexpected ... in condition").
func ParseIf(d *parser.Directive) (IfCondition, bool) {
	c := IfCondition{OpWord: -1, OperandWord: -1}
	if d.Name != "if" || len(d.Args) == 0 {
		return c, false
	}
	vals := make([]string, len(d.Args))
	for i, a := range d.Args {
		vals[i] = a.Value
	}
	cur, last := 0, len(vals)-1
	if !strings.HasPrefix(vals[0], "(") {
		return c, false
	}
	if vals[0] == "(" {
		cur = 1
	} else {
		vals[0] = vals[0][1:]
	}
	if !strings.HasSuffix(vals[last], ")") {
		return c, false
	}
	paren := false
	if len(vals[last]) == 1 {
		last--
	} else {
		vals[last] = strings.TrimSuffix(vals[last], ")")
		paren = true
	}
	if cur > last || cur >= len(vals) {
		return c, false
	}
	p := vals[cur]
	switch {
	case len(p) > 1 && p[0] == '$':
		if cur != last && cur+2 != last {
			return c, false
		}
		c.Var = strings.ToLower(strings.Trim(p[1:], "{}"))
		c.VarWord = cur
		if cur == last {
			return c, true
		}
		op := vals[cur+1]
		switch op {
		case "=", "!=", "~", "~*", "!~", "!~*":
		default:
			return c, false
		}
		c.Op, c.OpWord = op, cur+1
		c.Operand, c.OperandWord, c.OperandParen = vals[last], last, paren && last == len(d.Args)-1
		return c, true
	case len(p) == 2 && p[0] == '-', len(p) == 3 && p[0] == '!' && p[1] == '-':
		if cur+1 != last {
			return c, false
		}
		c.VarWord = cur
		c.Op, c.OpWord = p, cur
		c.Operand, c.OperandWord, c.OperandParen = vals[last], last, paren && last == len(d.Args)-1
		return c, true
	}
	return c, false
}
