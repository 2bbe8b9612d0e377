package rules

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/ngxlint/ngxlint/parser/model"
)

// ConfigFileNames are the names auto-discovered upward from the working directory.
var ConfigFileNames = []string{".ngxlint.yml", ".ngxlint.yaml"}

// Config is the content of .ngxlint.yml.
type Config struct {
	Path         string            // the file it was read from
	NginxVersion string            // nginx-version
	FailLevel    string            // fail-level
	Prefix       string            // prefix, resolved against the file's directory
	PathMap      map[string]string // path-map: FROM: TO (TO resolved against the file's directory)
	// Settings are the families' settings by key (ws-paths: [...]).
	Settings  map[string][]string
	Rules     map[string]Severity // rules: ID: off|info|warning|error
	Ignore    []string            // ignore: globs of files not to lint
	Overrides []Override          // overrides: per-path rule severities
	// NoInlineIgnores is no-inline-ignores: true, which turns inline
	// "# ngxlint ignore=" comments off (for audits).
	NoInlineIgnores bool
	// Dir is the absolute directory of the file: relative paths and globs
	// in it are relative to Dir.
	Dir string
}

// Override applies rule severities to files matching globs.
type Override struct {
	Files []string
	Rules map[string]Severity
}

// ConfigError is a problem in a configuration file, with its position.
type ConfigError struct {
	Path      string
	Line, Col int
	Msg       string
}

func (e *ConfigError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// configKeys lists the keys a configuration file may set: the framework's,
// with the families' settings after path-map.
func configKeys() []string {
	keys := []string{"nginx-version", "fail-level", "prefix", "path-map"}
	for _, s := range Settings() {
		keys = append(keys, s.Key)
	}
	return append(keys, "rules", "ignore", "overrides", "no-inline-ignores")
}

// FindConfig looks for .ngxlint.yml in dir and its parents.
func FindConfig(dir string) (string, bool) {
	for {
		for _, n := range ConfigFileNames {
			p := filepath.Join(dir, n)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p, true
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// LoadConfig reads and validates a configuration file.
func LoadConfig(path string) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, &ConfigError{Path: path, Msg: fmt.Sprintf("cannot read the configuration file: %v", err)}
	}
	return ParseConfig(path, src)
}

// ParseConfig validates configuration file content. Unknown keys, repeated
// keys, wrong types and invalid values are errors with their line and
// column. Relative paths in it are relative to the file's directory.
func ParseConfig(path string, src []byte) (*Config, error) {
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		dir = filepath.Dir(path)
	}
	c := &Config{Path: path, Rules: map[string]Severity{}, Dir: dir}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, yamlError(path, err)
	}
	if len(doc.Content) == 0 {
		return c, nil
	}
	root := doc.Content[0]
	bad := func(n *yaml.Node, format string, args ...any) error {
		return &ConfigError{Path: path, Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)}
	}
	if root.Kind != yaml.MappingNode {
		return nil, bad(root, "the configuration must be a mapping of keys (%s)", strings.Join(configKeys(), ", "))
	}
	base := dir
	if err := noDuplicateKeys(root, bad); err != nil {
		return nil, err
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		var err error
		switch k.Value {
		case "nginx-version":
			c.NginxVersion, err = scalar(v, bad, "a version such as 1.22.1")
			if err == nil {
				if _, e := model.ParseVersion(c.NginxVersion); e != nil {
					err = bad(v, "%v", e)
				}
			}
		case "fail-level":
			c.FailLevel, err = scalar(v, bad, "error, warning or info")
			if err == nil {
				if s, e := ParseSeverity(c.FailLevel); e != nil || s == Off {
					err = bad(v, "fail-level must be error, warning or info, not %q", c.FailLevel)
				}
			}
		case "prefix":
			c.Prefix, err = scalar(v, bad, "a directory")
			if err == nil && !filepath.IsAbs(c.Prefix) {
				c.Prefix = filepath.Join(base, c.Prefix)
			}
		case "path-map":
			c.PathMap, err = stringMap(v, bad, "FROM: TO pairs such as /etc/nginx: ./deploy/nginx")
			for j := 0; err == nil && j+1 < len(v.Content); j += 2 {
				if !filepath.IsAbs(v.Content[j].Value) {
					err = bad(v.Content[j], "path-map: %q must be an absolute path such as /etc/nginx (the prefix written in include directives)", v.Content[j].Value)
				}
			}
			for from, to := range c.PathMap {
				if !filepath.IsAbs(to) {
					c.PathMap[from] = filepath.Join(base, to)
				}
			}
		case "rules":
			c.Rules, err = severityMap(v, bad)
		case "ignore":
			c.Ignore, err = globList(v, bad)
		case "overrides":
			c.Overrides, err = overrides(v, bad)
		case "no-inline-ignores":
			c.NoInlineIgnores, err = boolean(v, bad)
		default:
			s, ok := settings[k.Value]
			if !ok {
				err = bad(k, "unknown key %q (known keys: %s)", k.Value, strings.Join(configKeys(), ", "))
				break
			}
			var values []string
			values, err = stringList(v, bad, s.Hint)
			for j, val := range values {
				if s.Valid != nil && !s.Valid(val) {
					n := v
					if v.Kind == yaml.SequenceNode {
						n = v.Content[j]
					}
					err = bad(n, "%s %s, not %q", s.Key, s.FileRule, val)
				}
			}
			if c.Settings == nil {
				c.Settings = map[string][]string{}
			}
			c.Settings[s.Key] = values
		}
		if err != nil {
			return nil, err
		}
	}
	return c, nil
}

type badFunc func(n *yaml.Node, format string, args ...any) error

func scalar(v *yaml.Node, bad badFunc, what string) (string, error) {
	if v.Kind != yaml.ScalarNode {
		return "", bad(v, "expected %s", what)
	}
	return v.Value, nil
}

func stringList(v *yaml.Node, bad badFunc, what string) ([]string, error) {
	if v.Kind == yaml.ScalarNode {
		return []string{v.Value}, nil
	}
	if v.Kind != yaml.SequenceNode {
		return nil, bad(v, "expected a list of %s", what)
	}
	var out []string
	for _, it := range v.Content {
		if it.Kind != yaml.ScalarNode {
			return nil, bad(it, "expected a list of %s", what)
		}
		out = append(out, it.Value)
	}
	return out, nil
}

func stringMap(v *yaml.Node, bad badFunc, what string) (map[string]string, error) {
	if v.Kind != yaml.MappingNode {
		return nil, bad(v, "expected %s", what)
	}
	out := map[string]string{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		if val.Kind != yaml.ScalarNode {
			return nil, bad(val, "expected %s", what)
		}
		out[k.Value] = val.Value
	}
	return out, nil
}

func severityMap(v *yaml.Node, bad badFunc) (map[string]Severity, error) {
	if v.Kind != yaml.MappingNode {
		return nil, bad(v, "rules must map rule ids to off, info, warning or error")
	}
	out := map[string]Severity{}
	where := map[string]*yaml.Node{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		r, ok := Lookup(k.Value)
		if ok {
			if prev := where[r.Meta().ID]; prev != nil {
				return nil, bad(k, "rule %s is set twice (also on line %d)", r.Meta().ID, prev.Line)
			}
			where[r.Meta().ID] = k
		}
		if !ok {
			return nil, bad(k, "unknown rule %q (ngxlint rules lists them)", k.Value)
		}
		s, err := ParseSeverity(val.Value)
		if err != nil || val.Kind != yaml.ScalarNode {
			return nil, bad(val, "rule %s: severity must be off, info, warning or error, not %q", k.Value, val.Value)
		}
		out[r.Meta().ID] = s
	}
	return out, nil
}

func overrides(v *yaml.Node, bad badFunc) ([]Override, error) {
	if v.Kind != yaml.SequenceNode {
		return nil, bad(v, "overrides must be a list of {files: [...], rules: {...}}")
	}
	var out []Override
	for _, it := range v.Content {
		if it.Kind != yaml.MappingNode {
			return nil, bad(it, "each override must be a mapping with files and rules")
		}
		var o Override
		if err := noDuplicateKeys(it, bad); err != nil {
			return nil, err
		}
		for i := 0; i+1 < len(it.Content); i += 2 {
			k, val := it.Content[i], it.Content[i+1]
			var err error
			switch k.Value {
			case "files":
				o.Files, err = globList(val, bad)
			case "rules":
				o.Rules, err = severityMap(val, bad)
			default:
				err = bad(k, "unknown key %q in an override (known keys: files, rules)", k.Value)
			}
			if err != nil {
				return nil, err
			}
		}
		if len(o.Files) == 0 {
			return nil, bad(it, "an override needs files")
		}
		out = append(out, o)
	}
	return out, nil
}

// yamlError turns a YAML syntax error into a ConfigError with its line.
func yamlError(path string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, found := strings.Cut(rest, ": "); found {
			if _, e := fmt.Sscanf(n, "%d", &line); e == nil {
				msg = after
			}
		}
	}
	if line > 0 {
		return &ConfigError{Path: path, Line: line, Col: 1, Msg: msg}
	}
	return &ConfigError{Path: path, Msg: msg}
}

// noDuplicateKeys rejects a mapping that sets a key twice (YAML forbids
// it, and the second would silently win).
func noDuplicateKeys(m *yaml.Node, bad badFunc) error {
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if prev, dup := seen[k.Value]; dup {
			return bad(k, "key %q is set twice (also on line %d)", k.Value, prev.Line)
		}
		seen[k.Value] = k
	}
	return nil
}

func boolean(v *yaml.Node, bad badFunc) (bool, error) {
	if v.Kind == yaml.ScalarNode {
		switch strings.ToLower(v.Value) {
		case "true", "yes", "on":
			return true, nil
		case "false", "no", "off":
			return false, nil
		}
	}
	return false, bad(v, "expected true or false")
}

// globList reads file globs and checks their syntax.
func globList(v *yaml.Node, bad badFunc) ([]string, error) {
	globs, err := stringList(v, bad, "file globs")
	if err != nil {
		return nil, err
	}
	for j, g := range globs {
		if err := CheckGlob(g); err != nil {
			n := v
			if v.Kind == yaml.SequenceNode {
				n = v.Content[j]
			}
			return nil, bad(n, "%v", err)
		}
	}
	return globs, nil
}

// CheckGlob reports a malformed glob (an unclosed "[", a trailing "\\").
func CheckGlob(g string) error {
	if strings.TrimSpace(g) == "" {
		return fmt.Errorf("an empty glob matches nothing")
	}
	for _, seg := range strings.Split(filepath.ToSlash(g), "/") {
		if _, err := path.Match(seg, ""); err != nil {
			return fmt.Errorf("glob %q is malformed: %w", g, err)
		}
	}
	return nil
}
