package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// The wrappers of flags.go change nothing but how Names is answered: help
// text and exit codes of every command are the same with urfave/cli's own
// flag types.
func TestFlagWrappersKeepHelp(t *testing.T) {
	run := func(builtin bool, args []string) string {
		var out, errOut bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, cwd: os.TempDir(), getenv: func(string) string { return "" }, builtinFlags: builtin}
		code := e.run(append([]string{"ngxlint"}, args...))
		return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	cases := [][]string{nil, {"--help"}, {"-h"}, {"help"}, {"--nope"}}
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, cwd: os.TempDir(), getenv: os.Getenv}
	for _, c := range e.commands() {
		cases = append(cases, []string{c.Name, "--help"}, []string{c.Name, "-h"}, []string{"help", c.Name}, []string{c.Name, "--nope"})
		for _, f := range c.Flags {
			if _, ok := builtinFlag(f).(*cli.BoolFlag); !ok {
				// a flag that takes a value, given without one
				cases = append(cases, []string{c.Name, "--" + f.Names()[0]})
			}
		}
	}
	helps := 0
	for _, args := range cases {
		want := run(true, args)
		if got := run(false, args); got != want {
			t.Errorf("ngxlint %q with the wrappers:\n%s\nwith urfave/cli's flags:\n%s", args, got, want)
		}
		if strings.Contains(want, "OPTIONS:") {
			helps++
		}
	}
	if helps < 10 {
		t.Errorf("only %d of %d command lines printed options: the test compares too little", helps, len(cases))
	}
}

// Every command parses every flag, under each of its names, the same with
// the wrappers as with urfave/cli's own types: the values, what IsSet and
// givenFlags answer, the arguments left, and the usage errors and help
// printed for a mistake.
func TestFlagWrappersKeepParsing(t *testing.T) {
	cmds := func(builtin bool) []*cli.Command {
		e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, cwd: os.TempDir(), getenv: os.Getenv, builtinFlags: builtin}
		return e.commands()
	}
	parse := func(builtin bool, i int, args []string) string {
		cmd := cmds(builtin)[i]
		var sb strings.Builder
		var out bytes.Buffer
		app := &cli.App{Name: "ngxlint", Writer: &out, ErrWriter: &out, Commands: []*cli.Command{{
			Name: cmd.Name, Flags: cmd.Flags, SkipFlagParsing: cmd.SkipFlagParsing,
			Action: func(c *cli.Context) error {
				given := givenFlags(c)
				for _, f := range cmd.Flags {
					for _, n := range f.Names() {
						fmt.Fprintf(&sb, "%s set=%v given=%v value=%#v\n", n, c.IsSet(n), given[n], c.Value(n))
					}
				}
				fmt.Fprintf(&sb, "args=%q nflags=%d local=%q\n", c.Args().Slice(), c.NumFlags(), c.LocalFlagNames())
				return nil
			}}}}
		err := app.Run(append([]string{"ngxlint", cmd.Name}, args...))
		fmt.Fprintf(&sb, "err=%v\noutput:\n%s", err, out.String())
		return sb.String()
	}
	compared := 0
	for i, cmd := range cmds(false) {
		cases := [][]string{nil, {"x"}, {"--nope", "x"}, {"-zz"}}
		for _, f := range cmd.Flags {
			names := f.Names()
			for _, n := range names {
				arg := "--" + n
				switch builtinFlag(f).(type) {
				case *cli.BoolFlag:
					cases = append(cases, []string{arg, "x"}, []string{arg + "=false", "x"}, []string{arg + "=maybe", "x"})
				case *cli.IntFlag:
					cases = append(cases, []string{arg + "=3", "x"}, []string{arg, "4", "x"}, []string{arg + "=three"})
				case *cli.DurationFlag:
					cases = append(cases, []string{arg + "=1s", "x"}, []string{arg, "2m", "x"}, []string{arg + "=soon"})
				case *cli.StringSliceFlag:
					cases = append(cases, []string{arg + "=a", arg, "b,c", "x"})
				default:
					cases = append(cases, []string{arg + "=1", "x"}, []string{arg, "two", "x"})
				}
				cases = append(cases, []string{arg})
			}
			if len(names) > 1 {
				// two forms of one flag: an error that reads the names
				v := "=1"
				if _, ok := builtinFlag(f).(*cli.BoolFlag); ok {
					v = ""
				}
				cases = append(cases, []string{"--" + names[0] + v, "--" + names[1] + v})
			}
		}
		for _, args := range cases {
			want := parse(true, i, args)
			if got := parse(false, i, args); got != want {
				t.Errorf("%s %q with the wrappers:\n%s\nwith urfave/cli's flags:\n%s", cmd.Name, args, got, want)
			}
			compared++
		}
	}
	if compared < 100 {
		t.Errorf("only %d command lines compared: the test checks too little", compared)
	}
}
