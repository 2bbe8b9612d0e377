package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// ConfigFileNames are the names auto-discovered upward from the working directory.
var ConfigFileNames = []string{".ngxlint.yml", ".ngxlint.yaml"}

// Config is the content of .ngxlint.yml.
type Config struct {
	Path         string              // the file it was read from
	NginxVersion string              // nginx-version
	FailLevel    string              // fail-level
	Prefix       string              // prefix, resolved against the file's directory
	PathMap      map[string]string   // path-map: FROM: TO (TO resolved against the file's directory)
	WSPaths      []string            // ws-paths
	Rules        map[string]Severity // rules: ID: off|info|warning|error
	Ignore       []string            // ignore: globs of files not to lint
	Overrides    []Override          // overrides: per-path rule severities
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

var configKeys = []string{"nginx-version", "fail-level", "prefix", "path-map", "ws-paths", "rules", "ignore", "overrides"}

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

// ParseConfig validates configuration file content. Unknown keys and wrong
// types are errors with their line and column.
func ParseConfig(path string, src []byte) (*Config, error) {
	c := &Config{Path: path, Rules: map[string]Severity{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, &ConfigError{Path: path, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if len(doc.Content) == 0 {
		return c, nil
	}
	root := doc.Content[0]
	bad := func(n *yaml.Node, format string, args ...any) error {
		return &ConfigError{Path: path, Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)}
	}
	if root.Kind != yaml.MappingNode {
		return nil, bad(root, "the configuration must be a mapping of keys (%s)", strings.Join(configKeys, ", "))
	}
	base := filepath.Dir(path)
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		var err error
		switch k.Value {
		case "nginx-version":
			c.NginxVersion, err = scalar(v, bad, "a version such as 1.22.1")
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
			for from, to := range c.PathMap {
				if !filepath.IsAbs(to) {
					c.PathMap[from] = filepath.Join(base, to)
				}
			}
		case "ws-paths":
			c.WSPaths, err = stringList(v, bad, "request paths such as /ws/")
			for j, p := range c.WSPaths {
				if !strings.HasPrefix(p, "/") {
					err = bad(v.Content[j], "ws-paths entries are request paths and start with /, not %q", p)
				}
			}
		case "rules":
			c.Rules, err = severityMap(v, bad)
		case "ignore":
			c.Ignore, err = stringList(v, bad, "file globs")
		case "overrides":
			c.Overrides, err = overrides(v, bad)
		default:
			err = bad(k, "unknown key %q (known keys: %s)", k.Value, strings.Join(configKeys, ", "))
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
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		r, ok := Lookup(k.Value)
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
		for i := 0; i+1 < len(it.Content); i += 2 {
			k, val := it.Content[i], it.Content[i+1]
			var err error
			switch k.Value {
			case "files":
				o.Files, err = stringList(val, bad, "file globs")
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

// SortedRuleIDs returns the ids of a severity map in order.
func SortedRuleIDs(m map[string]Severity) []string {
	out := make([]string, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
