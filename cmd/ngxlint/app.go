package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/rules"
	_ "github.com/ngxlint/ngxlint/rules/all" // every rule family
)

// Exit codes.
const (
	exitOK       = 0 // nothing at or above the fail level
	exitFindings = 1 // findings at or above the fail level
	exitError    = 2 // usage, configuration or I/O error
	// exitInternal is a bug in ngxlint (a panic), never a verdict on the
	// configuration: a CI gate that treats 1 as "findings" and 2 as "fix
	// the command line" must not mistake a crash for either.
	exitInternal = 3
)

// usageError is a mistake on the command line: exit 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// exitCoder lets an action choose the exit code without an error message.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit %d", int(e)) }

// env is what a command runs with.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	cwd    string
	// getenv reads the environment (NO_COLOR); tests replace it.
	getenv func(string) string
	isTTY  bool
	// configFrom is where .ngxlint.yml is looked for upward when --config
	// is not given: the working directory when "", the linted file's
	// directory for the language server.
	configFrom string
	// builtinFlags keeps the flags as urfave/cli's own types, without the
	// wrappers of flags.go, and allCommands builds every command whatever
	// runs (commandsFor); only tests set them, to compare.
	builtinFlags bool
	allCommands  bool
}

// Run runs ngxlint with the given arguments and streams and returns the
// exit code. main calls it; tests call it in-process.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cwd, _ := os.Getwd()
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, cwd: cwd, getenv: os.Getenv, isTTY: isTerminal(stdout)}
	return e.run(args)
}

// run runs one command line. A panic anywhere on its goroutine is a bug in
// ngxlint: it is reported with its stack and exits 3 (exitInternal), never 2.
func (e *env) run(args []string) (code int) {
	defer func() {
		if x := recover(); x != nil {
			fmt.Fprintf(e.stderr, "ngxlint: internal error (a bug in ngxlint; please report it with this message): %v\n%s", x, debug.Stack())
			code = exitInternal
		}
	}()
	return e.runCommand(args)
}

func (e *env) runCommand(args []string) int {
	run := ""
	if len(args) >= 2 {
		run = args[1]
	}
	app := &cli.App{
		Name:            "ngxlint",
		Usage:           "find and fix what breaks WebSocket proxying in nginx configurations",
		Version:         version(),
		Reader:          e.stdin,
		Writer:          e.stdout,
		ErrWriter:       e.stderr,
		HideHelpCommand: true,
		ExitErrHandler:  func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return &usageError{msg: err.Error()}
		},
		CommandNotFound: func(c *cli.Context, name string) {
			fmt.Fprintf(e.stderr, "ngxlint: unknown command %q; commands: %s\n", name, commandNames(c.App))
		},
		Commands: e.commandsFor(run),
	}
	args = intersperse(app, args)
	if len(args) >= 2 {
		if _, ok := findCommand(app, args[1]); !ok && !strings.HasPrefix(args[1], "-") {
			fmt.Fprintf(e.stderr, "ngxlint: unknown command %q; commands: %s\n", args[1], commandNames(app))
			return exitError
		}
	}
	err := app.Run(args)
	var code exitCode
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &code):
		return int(code)
	}
	var ie *rules.InternalError
	if errors.As(err, &ie) {
		fmt.Fprintf(e.stderr, "ngxlint: %v\n%s", ie, ie.Stack)
		return exitInternal
	}
	var ces rules.ConfigErrors
	if errors.As(err, &ces) {
		// one line per mistake, each escaped
		for _, ce := range ces {
			fmt.Fprintf(e.stderr, "ngxlint: %s\n", shownText(ce.Error()))
		}
		return exitError
	}
	msg := shownText(err.Error())
	var ue *usageError
	if errors.As(err, &ue) && !strings.Contains(msg, "--help") {
		help := "ngxlint help"
		if len(args) > 1 {
			if c, ok := findCommand(app, args[1]); ok {
				help = "ngxlint " + c.Name + " --help"
			}
		}
		msg += " (see " + help + ")"
	}
	fmt.Fprintf(e.stderr, "ngxlint: %s\n", msg)
	return exitError
}

// commandMakers build the subcommands; each command's file registers its
// own from init, so adding a command touches no shared file. order sorts
// them in help output; name is the Name of the command build makes.
var commandMakers []struct {
	order int
	name  string
	build func(*env) *cli.Command
}

// registerCommand is called from init functions only; the list is kept
// sorted there so that running commands never writes to it (tests run the
// CLI in parallel).
func registerCommand(order int, name string, build func(*env) *cli.Command) {
	commandMakers = append(commandMakers, struct {
		order int
		name  string
		build func(*env) *cli.Command
	}{order, name, build})
	sort.SliceStable(commandMakers, func(i, j int) bool { return commandMakers[i].order < commandMakers[j].order })
}

// commands builds every subcommand.
func (e *env) commands() []*cli.Command { return e.commandsFor("") }

// commandsFor builds the subcommands for a command line whose first
// argument is run. When run is the name of one, that command runs and
// nothing shows or parses the others: they are their names alone (the
// list an unknown command's message prints), and the flags of lint, fix,
// block and lsp are not all built on every start. Otherwise (help,
// --version, a flag or an unknown name first) every command is built.
func (e *env) commandsFor(run string) []*cli.Command {
	only := false
	if !e.allCommands {
		for _, m := range commandMakers {
			only = only || m.name == run
		}
	}
	var out []*cli.Command
	for _, m := range commandMakers {
		if only && m.name != run {
			out = append(out, &cli.Command{Name: m.name})
			continue
		}
		c := m.build(e)
		if !e.builtinFlags {
			c.Flags = namedFlags(c.Flags)
		}
		if c.OnUsageError == nil {
			name := c.Name
			// a usage mistake is one line on stderr, never help text on stdout
			c.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
				return &usageError{msg: err.Error() + " (see ngxlint " + name + " --help)"}
			}
		}
		out = append(out, c)
	}
	return out
}

func commandNames(app *cli.App) string {
	var names []string
	for _, c := range app.Commands {
		names = append(names, c.Name)
	}
	return strings.Join(names, ", ")
}

func findCommand(app *cli.App, name string) (*cli.Command, bool) {
	for _, c := range app.Commands {
		if c.Name == name || c.HasName(name) {
			return c, true
		}
	}
	return nil, false
}

// intersperse moves a command's flags in front of its positional arguments,
// so that `ngxlint lint site.conf --format json` works: urfave/cli v2 stops
// reading flags at the first positional argument.
func intersperse(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	cmd, ok := findCommand(app, args[1])
	if !ok {
		return args
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := builtinFlag(f).(*cli.BoolFlag)
		for _, n := range flagNames(f) {
			takesValue[n] = !isBool
		}
	}
	var flags, pos []string
	rest := args[2:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" {
			pos = append(pos, rest[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if takesValue[name] && i+1 < len(rest) {
			flags = append(flags, rest[i+1])
			i++
		}
	}
	out := append([]string{}, args[:2]...)
	out = append(out, flags...)
	if len(pos) > 0 {
		out = append(out, "--")
		out = append(out, pos...)
	}
	return out
}

func init() {
	// --version: the version line from build info (app.go), then what a
	// bug report needs: the Go release and platform, and the commit when
	// the build recorded one.
	cli.VersionPrinter = func(c *cli.Context) {
		fmt.Fprintf(c.App.Writer, "%s version %s\n%s", c.App.Name, c.App.Version, buildDetails())
	}
}

func buildDetails() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "go: %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return sb.String()
	}
	vcs := map[string]string{}
	for _, s := range bi.Settings {
		vcs[s.Key] = s.Value
	}
	if rev := vcs["vcs.revision"]; rev != "" {
		fmt.Fprintf(&sb, "commit: %s", rev)
		if t := vcs["vcs.time"]; t != "" {
			fmt.Fprintf(&sb, " (%s)", t)
		}
		if vcs["vcs.modified"] == "true" {
			sb.WriteString(" with uncommitted changes")
		}
		sb.WriteString("\n")
	} else if bi.Main.Version == "" || bi.Main.Version == "(devel)" {
		sb.WriteString("commit: unknown (built from a source tree without version control information, e.g. with -buildvcs=false)\n")
	}
	return sb.String()
}

func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += "+" + s.Value[:12]
			}
		}
	}
	return v
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// ioError is a path that cannot be read or holds nothing to lint: exit 2,
// without the pointer to help that a usage mistake gets.
type ioError struct{ msg string }

func (e *ioError) Error() string { return e.msg }

// pathError turns loader errors into exit-2 I/O errors.
func pathError(err error) error {
	var ue *parser.UsageError
	if errors.As(err, &ue) {
		return &ioError{msg: ue.Msg}
	}
	return err
}

// flagNames is f.Names() for the flag types the commands use, without
// urfave/cli's regexp (which cuts a name at a comma or space; no name
// here has one: TestFlagNames checks every flag of every command). Each
// call of Names runs it on every name. namedFlags (flags.go) makes each
// flag's names with it once, and a wrapped flag answers its own.
func flagNames(f cli.Flag) []string {
	var name string
	var aliases []string
	switch f := f.(type) {
	case *boolFlag, *stringFlag, *stringSliceFlag, *intFlag, *durationFlag:
		return f.Names()
	case *cli.StringFlag:
		name, aliases = f.Name, f.Aliases
	case *cli.StringSliceFlag:
		name, aliases = f.Name, f.Aliases
	case *cli.BoolFlag:
		name, aliases = f.Name, f.Aliases
	case *cli.IntFlag:
		name, aliases = f.Name, f.Aliases
	case *cli.DurationFlag:
		name, aliases = f.Name, f.Aliases
	default:
		return f.Names()
	}
	return append([]string{name}, aliases...)
}
