package rules

import (
	"fmt"
	"sort"
)

// A Setting is an option of one family: a key in .ngxlint.yml holding a
// list of strings, and a repeatable command-line flag that replaces the
// file's list. A family registers its settings from init (next to its
// rules); the CLI adds the flags, the configuration file accepts the keys,
// and rules read the values with Options.Setting. The websocket family's
// ws-paths (--ws-path) is one.
type Setting struct {
	Key   string // the .ngxlint.yml key, kebab-case: "ws-paths"
	Flag  string // the command-line flag, without dashes: "ws-path"
	Usage string // the flag's help text
	// Hint says what the values are, for "expected a list of ..." errors:
	// "request paths such as /ws/".
	Hint string
	// Valid accepts one value; nil accepts every value.
	Valid func(value string) bool
	// FlagRule follows `--FLAG "value"` in the error for an invalid value
	// given on the command line: "must be a request path starting with /".
	FlagRule string
	// FileRule follows the key in the error for an invalid value in the
	// configuration file: "entries are request paths and start with /".
	FileRule string
}

var settings = map[string]Setting{}

// RegisterSetting adds a family's setting; keys and flags are unique.
func RegisterSetting(s Setting) {
	for _, o := range settings {
		if o.Key == s.Key || s.Flag != "" && o.Flag == s.Flag {
			panic("rules: duplicate setting " + s.Key)
		}
	}
	settings[s.Key] = s
}

// Settings returns the registered settings sorted by key.
func Settings() []Setting {
	out := make([]Setting, 0, len(settings))
	for _, s := range settings {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// CheckFlag validates the values of a setting given on the command line.
func (s Setting) CheckFlag(values []string) error {
	for _, v := range values {
		if s.Valid != nil && !s.Valid(v) {
			return fmt.Errorf("--%s %q %s", s.Flag, v, s.FlagRule)
		}
	}
	return nil
}

// settingValue is a setting's values and where they came from.
type settingValue struct {
	values []string
	source string
}

// SetSetting sets the values of a family setting, with where they came
// from in the user's terms ("--ws-path", "ws-paths in .ngxlint.yml") for
// messages that cite them.
func (o *Options) SetSetting(key string, values []string, source string) {
	if o.settings == nil {
		o.settings = map[string]settingValue{}
	}
	o.settings[key] = settingValue{values: values, source: source}
}

// Setting returns the values of a family setting and where they came from.
func (o *Options) Setting(key string) (values []string, source string) {
	v := o.settings[key]
	return v.values, v.source
}
