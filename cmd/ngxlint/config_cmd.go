package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ngxlint/ngxlint/rules"
)

func init() { registerCommand(70, "config", (*env).configCommand) }

func (e *env) configCommand() *cli.Command {
	return &cli.Command{
		Name:  "config",
		Usage: "write or validate a .ngxlint.yml configuration file",
		Subcommands: []*cli.Command{
			{
				Name:      "init",
				Usage:     "write a commented default .ngxlint.yml (never overwrites a file)",
				ArgsUsage: "[FILE] (default: .ngxlint.yml in the working directory)",
				Action: func(c *cli.Context) error {
					if c.NArg() > 1 {
						return &usageError{msg: "config init takes at most one file name"}
					}
					return e.configInit(c.Args().First())
				},
			},
			{
				Name:      "check",
				Usage:     "validate a configuration file; exit 2 with file:line:col messages when it is invalid",
				ArgsUsage: "[FILE] (default: the .ngxlint.yml found upward from the working directory)",
				Action: func(c *cli.Context) error {
					if c.NArg() > 1 {
						return &usageError{msg: "config check takes at most one file name"}
					}
					return e.configCheck(c.Args().First())
				},
			},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return &usageError{msg: fmt.Sprintf("unknown config command %q: use ngxlint config init or ngxlint config check", c.Args().First())}
			}
			return &usageError{msg: "config needs a command: ngxlint config init [FILE] or ngxlint config check [FILE]"}
		},
	}
}

func (e *env) configInit(name string) error {
	if name == "" {
		name = rules.ConfigFileNames()[0]
	}
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(e.cwd, path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return &usageError{msg: fmt.Sprintf("%s already exists; ngxlint config init does not overwrite it (ngxlint config check %s validates it)", name, name)}
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", name, configIOErr(err))
	}
	_, werr := f.WriteString(DefaultConfig())
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		_ = os.Remove(path)
		return fmt.Errorf("cannot write %s: %w", name, configIOErr(werr))
	}
	fmt.Fprintf(e.stdout, "wrote %s\n", name)
	return nil
}

func configIOErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func (e *env) configCheck(name string) error {
	if name == "" {
		found, ok := rules.FindConfig(e.absCwd())
		if !ok {
			return &usageError{msg: fmt.Sprintf("no %s in %s or its parents; ngxlint config init writes one", strings.Join(rules.ConfigFileNames(), " or "), e.cwd)}
		}
		name = found
		if rel, err := filepath.Rel(e.absCwd(), found); err == nil {
			name = rel
		}
	}
	_, err := e.loadConfig(name)
	var ces rules.ConfigErrors
	var ce *rules.ConfigError
	if errors.As(err, &ces) || errors.As(err, &ce) {
		// file:line:col: message, one line per mistake, the form editors
		// and CI logs link
		if ces == nil {
			ces = rules.ConfigErrors{ce}
		}
		for _, ce := range ces {
			fmt.Fprintln(e.stderr, shownText(ce.Error()))
		}
		return exitCode(exitError)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: valid\n", name)
	return nil
}

// DefaultConfig is the file ngxlint config init writes: every key, with
// what it does, commented out except fail-level, which holds its default;
// the rule list comes from the registry.
func DefaultConfig() string {
	var sb strings.Builder
	sb.WriteString(`# ngxlint configuration. ngxlint reads the first .ngxlint.yml (or .ngxlint.yaml)
# found upward from the working directory, or the file given with --config.
# Command-line flags override what is set here. Relative paths and globs are
# relative to the directory of this file. ngxlint config check validates it.

# The nginx version the configuration runs on: defaults and variables depend
# on it (from 1.29.7 nginx talks HTTP/1.1 to upstreams by default). Unset, it
# is unknown: treated as older than 1.29.7 for defaults. (--nginx-version)
#nginx-version: 1.22.1

# The lowest severity that makes ngxlint exit 1: error, warning or info.
# (--fail-level)
fail-level: warning

# Request paths where clients open WebSockets: in every server, the location
# nginx picks for each is checked as WebSocket. (--ws-path)
#ws-paths: [/ws/, /socket.io/]

# The directory relative include paths resolve against, like nginx -p.
# Default: the directory of nginx.conf, or the parent of conf.d/ and
# sites-*/. (--prefix)
#prefix: ./deploy/nginx

# Absolute include paths mapped to directories of this checkout. (--path-map)
#path-map:
#  /etc/nginx: ./deploy/nginx

# Files whose findings are not shown. A glob without "/" matches the file
# name in any directory; "**" matches any number of directories.
#ignore:
#  - vendor/**
#  - "*.dpkg-dist"

# true turns inline "# ngxlint ignore=ID -- reason" comments off, for audits.
# (--no-inline-ignores)
#no-inline-ignores: false

# Directories included files and symbolic link targets may be read from,
# besides the prefix, the path-map targets and the directories of the files
# linted. Anything else is not read and is a finding. In CI pass --config:
# then no .ngxlint.yml of the tree under review is read. (--include-root)
#include-roots: [../shared-snippets]

# Limits on what one run reads: the largest file, the bytes over every file,
# and the files one configuration reads, counting a file each time it is
# included. (--max-file-size, --max-total-size, --max-files)
#max-file-size: 16MiB
#max-total-size: 128MiB
#max-files: 100000

# Rule severities: off, info, warning or error. The defaults are:
#rules:
`)
	for _, r := range rules.All() {
		m := r.Meta()
		fmt.Fprintf(&sb, "#  %s: %-8s # %s\n", m.ID, m.Severity.String(), m.Name)
	}
	sb.WriteString(`
# Rule severities for some files only; later entries win.
#overrides:
#  - files: [sites-enabled/legacy-*]
#    rules: {WS004: warning}
`)
	return sb.String()
}
