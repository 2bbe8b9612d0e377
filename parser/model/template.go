package model

import (
	"regexp"
	"strings"
	"sync"

	"github.com/ngxlint/ngxlint/parser"
)

// envRef is a reference envsubst replaces: $NAME or ${NAME}, NAME as a
// shell variable name.
var envRef = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)`)
})

// EnvPlaceholder reports whether the variable name (as Variables returns
// it) referenced in text (a word's value) of file f is an envsubst
// placeholder rather than an nginx variable: f is a template
// (parser.File.Template), nginx does not know the variable (not built in,
// not a prefix family, not defined by the configuration), and it is written
// ${NAME}, or $NAME with no lower-case letter (environment variables are
// upper case by convention; $upstrem_addr in a template is still a typo).
func (c *Config) EnvPlaceholder(f *parser.File, text, name string) bool {
	if f == nil || !f.Template {
		return false
	}
	if st, _ := c.Var(name); st != VarUndefined {
		return false
	}
	for _, m := range envRef().FindAllString(text, -1) {
		braced := m[1] == '{'
		n := strings.Trim(m[1:], "{}")
		if strings.EqualFold(n, name) && (braced || n == strings.ToUpper(n)) {
			return true
		}
	}
	return false
}

// Templated reports whether word w of d holds an envsubst placeholder: its
// value is not known until the container starts, so nothing about it can
// be checked (a time, a port, a URL) beyond its place in the syntax.
func (c *Config) Templated(d *parser.Directive, w parser.Word) bool {
	if !d.File.Template {
		return false
	}
	for _, v := range Variables(w.Value) {
		if c.EnvPlaceholder(d.File, w.Value, v) {
			return true
		}
	}
	return false
}
