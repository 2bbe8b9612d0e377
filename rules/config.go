package rules

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/spec"
)

// ConfigFileNames returns the names of the configuration file found upward
// from the working directory, the preferred one first.
func ConfigFileNames() []string { return []string{".ngxlint.yml", ".ngxlint.yaml"} }

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
	// IncludeRoots is include-roots: directories (resolved against the
	// file's directory) files may be read from besides the roots the paths
	// imply. Only a configuration the user trusts may widen the roots: CI
	// passes --config, and then no .ngxlint.yml of the tree is read.
	IncludeRoots []string
	// Limits are max-file-size, max-total-size and max-files (zero: unset).
	Limits parser.Limits
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

// ConfigErrors are every mistake found in a configuration file, in file
// order: one line each.
type ConfigErrors []*ConfigError

func (e ConfigErrors) Error() string {
	lines := make([]string, len(e))
	for i, c := range e {
		lines[i] = c.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find the first *ConfigError.
func (e ConfigErrors) Unwrap() []error {
	out := make([]error, len(e))
	for i, c := range e {
		out[i] = c
	}
	return out
}

// configKeys lists the keys a configuration file may set: the framework's,
// with the families' settings after path-map.
func configKeys() []string {
	keys := []string{"nginx-version", "fail-level", "prefix", "path-map"}
	for _, s := range Settings() {
		keys = append(keys, s.Key)
	}
	return append(keys, "rules", "ignore", "overrides", "no-inline-ignores", "include-roots", "max-file-size", "max-total-size", "max-files")
}

// FindConfig looks for .ngxlint.yml in dir and its parents.
func FindConfig(dir string) (string, bool) {
	for {
		for _, n := range ConfigFileNames() {
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
	// a regular file of at most 1 MiB: .ngxlint.yml may come with the tree
	src, _, err := parser.ReadConfigFile(path, parser.NewBudget(parser.Limits{MaxFileSize: 1 << 20}))
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &ConfigError{Path: path, Msg: fmt.Sprintf("cannot read the configuration file: %v", err)}
	}
	return ParseConfig(path, src)
}

// ParseConfig validates configuration file content. Unknown keys, repeated
// keys, wrong types and invalid values are errors with their line and
// column; every one is reported (a ConfigErrors when there are several),
// not only the first. Relative paths in it are relative to the file's
// directory.
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
	var errs ConfigErrors
	bad := func(n *yaml.Node, format string, args ...any) error {
		e := &ConfigError{Path: path, Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)}
		errs = append(errs, e)
		return e
	}
	if root.Kind != yaml.MappingNode {
		return nil, bad(root, "the configuration must be a mapping of keys (%s)", strings.Join(configKeys(), ", "))
	}
	base := dir
	noDuplicateKeys(root, bad)
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		var err error
		switch k.Value {
		case "nginx-version":
			c.NginxVersion, err = scalar(v, bad, "a version such as 1.22.1")
			if err == nil {
				if _, e := spec.ParseVersion(c.NginxVersion); e != nil {
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
			for j := 0; v.Kind == yaml.MappingNode && j+1 < len(v.Content); j += 2 {
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
		case "include-roots":
			c.IncludeRoots, err = stringList(v, bad, "directories")
			for j := range c.IncludeRoots {
				if !filepath.IsAbs(c.IncludeRoots[j]) {
					c.IncludeRoots[j] = filepath.Join(base, c.IncludeRoots[j])
				}
			}
		case "max-file-size", "max-total-size":
			var n int64
			if n, err = size(v, bad); err == nil {
				if k.Value == "max-file-size" {
					c.Limits.MaxFileSize = n
				} else {
					c.Limits.MaxTotalSize = n
				}
			}
		case "max-files":
			var n int64
			if n, err = size(v, bad); err == nil && (v.Value != fmt.Sprint(n) || n > 1<<31) {
				err = bad(v, "max-files must be a whole number of files, not %q", v.Value)
			}
			c.Limits.MaxFiles = int(n)
		default:
			s, ok := settings[k.Value]
			if !ok {
				_ = bad(k, "unknown key %q (known keys: %s)", k.Value, strings.Join(configKeys(), ", "))
				break
			}
			var values []string
			values, err = stringList(v, bad, s.Hint)
			for j, val := range values {
				if s.Valid != nil && !s.Valid(val) {
					n := v
					if v.Kind == yaml.SequenceNode && j < len(v.Content) {
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
		_ = err // recorded by bad; the next key is checked too
	}
	switch len(errs) {
	case 0:
		return c, nil
	case 1:
		return nil, errs[0]
	}
	sort.SliceStable(errs, func(i, j int) bool {
		return errs[i].Line < errs[j].Line || errs[i].Line == errs[j].Line && errs[i].Col < errs[j].Col
	})
	return nil, errs
}

// size reads a byte count such as 16MiB.
func size(v *yaml.Node, bad badFunc) (int64, error) {
	if v.Kind != yaml.ScalarNode {
		return 0, bad(v, "expected a size such as 16MiB")
	}
	n, err := parser.ParseSize(v.Value)
	if err != nil {
		return 0, bad(v, "%v", err)
	}
	return n, nil
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
	var firstErr error
	for _, it := range v.Content {
		if it.Kind != yaml.ScalarNode {
			if e := bad(it, "expected a list of %s", what); firstErr == nil {
				firstErr = e
			}
			continue
		}
		out = append(out, it.Value)
	}
	return out, firstErr
}

func stringMap(v *yaml.Node, bad badFunc, what string) (map[string]string, error) {
	if v.Kind != yaml.MappingNode {
		return nil, bad(v, "expected %s", what)
	}
	out := map[string]string{}
	var firstErr error
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		if val.Kind != yaml.ScalarNode {
			if e := bad(val, "expected %s", what); firstErr == nil {
				firstErr = e
			}
			continue
		}
		out[k.Value] = val.Value
	}
	return out, firstErr
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
				_ = bad(k, "rule %s is set twice (also on line %d)", r.Meta().ID, prev.Line)
				continue
			}
			where[r.Meta().ID] = k
		}
		if !ok {
			_ = bad(k, "unknown rule %q (ngxlint rules lists them)", k.Value)
			continue
		}
		s, err := ParseSeverity(val.Value)
		if err != nil || val.Kind != yaml.ScalarNode {
			_ = bad(val, "rule %s: severity must be off, info, warning or error, not %q", k.Value, val.Value)
			continue
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
			_ = bad(it, "each override must be a mapping with files and rules")
			continue
		}
		var o Override
		noDuplicateKeys(it, bad)
		failed := false
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
			failed = failed || err != nil
		}
		if len(o.Files) == 0 && !failed {
			_ = bad(it, "an override needs files")
			continue
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
func noDuplicateKeys(m *yaml.Node, bad badFunc) {
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if prev, dup := seen[k.Value]; dup {
			_ = bad(k, "key %q is set twice (also on line %d)", k.Value, prev.Line)
			continue
		}
		seen[k.Value] = k
	}
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
	var firstErr error
	for j, g := range globs {
		if err := checkGlob(g); err != nil {
			n := v
			if v.Kind == yaml.SequenceNode {
				n = v.Content[j]
			}
			if e := bad(n, "%v", err); firstErr == nil {
				firstErr = e
			}
		}
	}
	return globs, firstErr
}

// checkGlob reports a malformed glob (an unclosed "[", a trailing "\\").
func checkGlob(g string) error {
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
