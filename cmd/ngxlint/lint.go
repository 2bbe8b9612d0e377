package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

// commonFlags are shared by lint and fix.
func commonFlags() []cli.Flag {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "output format: " + strings.Join(formatNames(), ", ")},
	}
	// the families' settings (--ws-path)
	for _, st := range rules.Settings() {
		if st.Flag != "" {
			flags = append(flags, &cli.StringSliceFlag{Name: st.Flag, Usage: st.Usage})
		}
	}
	return append(flags,
		&cli.StringSliceFlag{Name: "path-map", Usage: "map an absolute include path prefix to a local directory, `FROM=TO` (repeatable), e.g. /etc/nginx=./nginx"},
		&cli.StringFlag{Name: "prefix", Usage: "configuration prefix `DIR` that relative includes resolve against, like nginx -p (default: the directory of nginx.conf, or the parent of conf.d/ and sites-*/)"},
		&cli.StringFlag{Name: "nginx-version", Usage: "target nginx `VERSION`, e.g. 1.22.1 (default: unknown, treated as older than 1.29.7 for defaults)"},
		&cli.StringFlag{Name: "config", Aliases: []string{"c"}, Usage: "configuration `FILE` (default: .ngxlint.yml found upward from the working directory)"},
		&cli.StringFlag{Name: "fail-level", Usage: "lowest severity that makes the exit code 1: error, warning or info (default: warning)"},
		&cli.StringFlag{Name: "show", Usage: "lowest severity the text format prints: error, warning or info (default: warning, info with --fail-level info); the other formats print every finding"},
		&cli.BoolFlag{Name: "no-inline-ignores", Usage: "ignore the '# ngxlint ignore=' comments in the configuration, for audits (also no-inline-ignores: true in .ngxlint.yml)"},
		&cli.BoolFlag{Name: "dump", Usage: "read the one path (or - for standard input) as the output of nginx -T; findings name each file by its original path (default: detected from the first line)"},
		&cli.BoolFlag{Name: "template", Usage: "read every file as an envsubst template, so ${NAME} is a placeholder (default: only files named *.template)"},
		&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Usage: "lint at most `N` configurations, or run at most N rules of one configuration, at once (1: one after another)", DefaultText: "the number of CPUs"},
		&cli.StringSliceFlag{Name: "include-root", Usage: "also read included files and link targets under `DIR` (repeatable; also include-roots in .ngxlint.yml); by default only the prefix, the --path-map targets and the directories of the named files are read"},
		&cli.BoolFlag{Name: "allow-outside-roots", Usage: "read included files and link targets anywhere (never a device, FIFO or /proc file): only for configurations you trust; fix --write still writes only inside the roots"},
		&cli.StringFlag{Name: "max-file-size", Usage: "largest file read, `SIZE` such as 16MiB (also max-file-size in .ngxlint.yml)", DefaultText: parser.FormatSize(parser.DefaultLimits.MaxFileSize)},
		&cli.StringFlag{Name: "max-total-size", Usage: "most bytes read in one run, over every file, `SIZE` (also max-total-size in .ngxlint.yml)", DefaultText: parser.FormatSize(parser.DefaultLimits.MaxTotalSize)},
		&cli.IntFlag{Name: "max-files", Usage: "most files one configuration reads, counting a file each time it is included, `N` (also max-files in .ngxlint.yml)", DefaultText: fmt.Sprint(parser.DefaultLimits.MaxFiles)},
	)
}

func init() { registerCommand(10, "lint", (*env).lintCommand) }

func (e *env) lintCommand() *cli.Command {
	return &cli.Command{
		Name:      "lint",
		Usage:     "report what breaks WebSocket proxying",
		ArgsUsage: "PATH... (files, directories, or - for standard input)",
		Flags:     append(commonFlags(), baselineFlags()...),
		Description: "Exit codes, the same for every --format: 0 nothing at or above the fail level, 1 findings at or above it " +
			"(a file that does not parse is a finding), 2 usage, configuration or I/O error, 3 internal error (a bug in ngxlint).",
		Action: func(c *cli.Context) error {
			s, err := e.settings(c)
			if err != nil {
				return err
			}
			findings, err := e.lint(s, c.Args().Slice())
			if err != nil {
				return err
			}
			if findings, err = e.applyBaseline(c, s, findings); err != nil {
				return err
			}
			shown, hidden := s.shown(findings)
			if err := s.format.write(e.stdout, shown, e); err != nil {
				return err
			}
			if hidden > 0 {
				fmt.Fprintf(e.stdout, "(%d info note%s not shown: --show info shows them)\n", hidden, plural(hidden))
			}
			return exitCode(exitFor(findings, s.failLevel))
		},
	}
}

// settings are the merged command-line flags and configuration file.
type settings struct {
	format    formatter
	failLevel rules.Severity
	// show is the lowest severity the text format prints.
	show   rules.Severity
	opts   rules.Options
	load   parser.Options
	ignore []rules.PathRule
	run    rules.RunOptions
}

// givenFlags returns the names of the flags given to c's command, every
// alias of a given flag included: the names c.IsSet answers true for (no
// flag of ours reads an environment variable). It asks once; IsSet reads
// every flag's names again for each flag not given (through a regexp per
// name for urfave/cli's own flag types: about 2% of the small file's run
// before the wrappers of flags.go).
func givenFlags(c *cli.Context) map[string]bool {
	given := map[string]bool{}
	for _, n := range c.LocalFlagNames() {
		given[n] = true
	}
	return given
}

func (e *env) settings(c *cli.Context) (*settings, error) {
	given := givenFlags(c)
	s := &settings{failLevel: rules.Warning, opts: rules.Options{Severities: map[string]rules.Severity{}}}
	cfg, err := e.loadConfig(c.String("config"))
	if err != nil {
		return nil, err
	}
	version, failLevel, prefix := "", "", ""
	var pathMaps []string
	if cfg != nil {
		version, failLevel, prefix = cfg.NginxVersion, cfg.FailLevel, cfg.Prefix
		froms := make([]string, 0, len(cfg.PathMap))
		for from := range cfg.PathMap {
			froms = append(froms, from)
		}
		sort.Strings(froms)
		for _, from := range froms {
			pathMaps = append(pathMaps, from+"="+cfg.PathMap[from])
		}
		s.opts.Severities = cfg.Rules
		s.run.NoInlineIgnores = cfg.NoInlineIgnores
		base := cfg.Dir
		for _, o := range cfg.Overrides {
			s.opts.PathRules = append(s.opts.PathRules, rules.PathRule{Base: base, Globs: o.Files, Rules: o.Rules})
		}
		if len(cfg.Ignore) > 0 {
			s.ignore = append(s.ignore, rules.PathRule{Base: base, Globs: cfg.Ignore})
		}
		for _, st := range rules.Settings() {
			s.opts.SetSetting(st.Key, cfg.Settings[st.Key], st.Key+" in "+cfg.Path)
		}
		s.load.IncludeRoots = cfg.IncludeRoots
		s.load.Limits = cfg.Limits
	}
	if given["nginx-version"] {
		version = c.String("nginx-version")
	}
	if given["fail-level"] {
		failLevel = c.String("fail-level")
	}
	if given["prefix"] {
		prefix = absFrom(e.cwd, c.String("prefix"))
	}
	for _, st := range rules.Settings() {
		if st.Flag != "" && given[st.Flag] {
			s.opts.SetSetting(st.Key, c.StringSlice(st.Flag), "--"+st.Flag)
		}
	}
	if given["path-map"] {
		pathMaps = c.StringSlice("path-map")
	}
	if given["no-inline-ignores"] {
		s.run.NoInlineIgnores = c.Bool("no-inline-ignores")
	}
	if given["jobs"] {
		if s.run.Jobs = c.Int("jobs"); s.run.Jobs < 1 {
			return nil, &usageError{msg: fmt.Sprintf("--jobs must be at least 1, not %d", s.run.Jobs)}
		}
	}
	for _, r := range c.StringSlice("include-root") {
		if !filepath.IsAbs(r) {
			r = filepath.Join(e.cwd, r)
		}
		s.load.IncludeRoots = append(s.load.IncludeRoots, r)
	}
	s.load.AllowOutsideRoots = c.Bool("allow-outside-roots")
	for _, f := range []struct {
		name string
		to   *int64
	}{{"max-file-size", &s.load.Limits.MaxFileSize}, {"max-total-size", &s.load.Limits.MaxTotalSize}} {
		if given[f.name] {
			n, err := parser.ParseSize(c.String(f.name))
			if err != nil {
				return nil, &usageError{msg: fmt.Sprintf("--%s: %v", f.name, err)}
			}
			*f.to = n
		}
	}
	if given["max-files"] {
		if s.load.Limits.MaxFiles = c.Int("max-files"); s.load.Limits.MaxFiles < 1 {
			return nil, &usageError{msg: fmt.Sprintf("--max-files must be at least 1, not %d", s.load.Limits.MaxFiles)}
		}
	}
	v, err := spec.ParseVersion(version)
	if err != nil {
		return nil, &usageError{msg: err.Error()}
	}
	s.opts.Version = v
	if failLevel != "" {
		lvl, err := rules.ParseSeverity(failLevel)
		if err != nil || lvl == rules.Off {
			return nil, &usageError{msg: fmt.Sprintf("--fail-level must be error, warning or info, not %q", failLevel)}
		}
		s.failLevel = lvl
	}
	s.show = min(rules.Warning, s.failLevel)
	if given["show"] {
		lvl, err := rules.ParseSeverity(c.String("show"))
		if err != nil || lvl == rules.Off {
			return nil, &usageError{msg: fmt.Sprintf("--show must be error, warning or info, not %q", c.String("show"))}
		}
		s.show = lvl
	}
	for _, st := range rules.Settings() {
		if st.Flag == "" || !given[st.Flag] {
			continue
		}
		if err := st.CheckFlag(c.StringSlice(st.Flag)); err != nil {
			return nil, &usageError{msg: err.Error()}
		}
	}
	for _, pm := range pathMaps {
		m, err := parser.ParsePathMap(pm)
		if err != nil {
			return nil, &usageError{msg: err.Error()}
		}
		if !filepath.IsAbs(m.From) {
			return nil, &usageError{msg: fmt.Sprintf("path map %q: FROM must be an absolute path such as /etc/nginx", pm)}
		}
		m.To = absFrom(e.cwd, m.To)
		s.load.PathMaps = append(s.load.PathMaps, m)
	}
	s.load.Prefix = prefix
	s.load.Dump = c.Bool("dump")
	s.load.Template = c.Bool("template")
	s.load.Stdin = e.stdin
	s.load.Cwd = e.cwd
	format := c.String("format")
	if format == "" {
		format = "text" // a command without --format (lsp)
	}
	s.format, err = formatByName(format)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// lint loads the paths and runs every rule.
func (e *env) lint(s *settings, paths []string) ([]*rules.Finding, error) {
	if len(paths) == 0 {
		return nil, &usageError{msg: "no path given: ngxlint lint PATH... (a file, a directory, or - for standard input)"}
	}
	resolved := make([]string, len(paths))
	for i, p := range paths {
		resolved[i] = e.resolve(p)
	}
	return e.lintPaths(s, resolved)
}

// lintPaths loads resolved paths and runs every rule: the findings that
// are not ignored, sorted. lint and the language server share it.
func (e *env) lintPaths(s *settings, paths []string) ([]*rules.Finding, error) {
	units, err := parser.Load(paths, s.load)
	if err != nil {
		return nil, pathError(err)
	}
	size := inputBytes(units)
	gcPolicy(size)
	all, err := rules.Lint(units, &s.opts, runOptions(s.run, size))
	if err != nil {
		return nil, err
	}
	all = e.dropIgnored(s, all)
	rules.SortFindings(all)
	return all, nil
}

// loadConfig reads the configuration file named by --config (relative to
// the working directory), or else the .ngxlint.yml found upward from the
// working directory; nil when there is none. Errors show the path as given.
func (e *env) loadConfig(name string) (*rules.Config, error) {
	p, shown := name, name
	if name != "" {
		if !filepath.IsAbs(p) {
			p = filepath.Join(e.cwd, p)
		}
	} else {
		from := e.absCwd()
		if e.configFrom != "" {
			from = e.configFrom
		}
		found, ok := rules.FindConfig(from)
		if !ok {
			return nil, nil
		}
		p, shown = found, found
		if rel, err := filepath.Rel(e.absCwd(), found); err == nil {
			shown = rel // ../../.ngxlint.yml
		}
	}
	cfg, err := rules.LoadConfig(p)
	var ces rules.ConfigErrors
	var ce *rules.ConfigError
	switch {
	case errors.As(err, &ces):
		for _, ce := range ces {
			ce.Path = shown
		}
	case errors.As(err, &ce):
		ce.Path = shown
	}
	return cfg, err
}

// resolve makes a relative path relative to the command's working
// directory when that is not the process's (tests run commands in other
// directories); paths stay as the user wrote them otherwise.
func (e *env) resolve(p string) string {
	if p == "-" || filepath.IsAbs(p) {
		return p
	}
	if wd, err := os.Getwd(); err == nil && wd == e.absCwd() {
		return p
	}
	if j := filepath.Join(e.cwd, p); existsInCwd(j) {
		return j
	}
	return p // reported as the user wrote it
}

func existsInCwd(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func (e *env) absCwd() string {
	if abs, err := filepath.Abs(e.cwd); err == nil {
		return abs
	}
	return e.cwd
}

func (e *env) dropIgnored(s *settings, fs []*rules.Finding) []*rules.Finding {
	if len(s.ignore) == 0 {
		return fs
	}
	out := fs[:0]
	for _, f := range fs {
		ignored := false
		for _, ig := range s.ignore {
			if ig.Matches(f.Span.File.Abs, f.Span.File.Path) {
				ignored = true
			}
		}
		if !ignored {
			out = append(out, f)
		}
	}
	return out
}

func exitFor(fs []*rules.Finding, failLevel rules.Severity) int {
	for _, f := range fs {
		if f.Severity >= failLevel {
			return exitFindings
		}
	}
	return exitOK
}

// absFrom resolves a relative path given on the command line against the
// working directory the command runs in (the same as the process's, except
// in tests that run the CLI in-process for another directory).
func absFrom(cwd, p string) string {
	if p == "" || filepath.IsAbs(p) || cwd == "" {
		return p
	}
	return filepath.Join(cwd, p)
}

// shown returns the findings the output format prints, and how many info
// notes the text format leaves out: text is read by people, who see
// warnings and errors unless they ask for info (--show info, or
// --fail-level info); the machine formats get every finding.
func (s *settings) shown(fs []*rules.Finding) ([]*rules.Finding, int) {
	if _, ok := s.format.(textFormat); !ok {
		return fs, 0
	}
	out := fs[:0:0]
	hidden := 0
	for _, f := range fs {
		if f.Severity < s.show {
			hidden++
			continue
		}
		out = append(out, f)
	}
	return out, hidden
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
