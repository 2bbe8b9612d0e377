package main

import (
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// flagNames gives what urfave/cli's Names gives for every flag of every
// command, and handles each flag's type itself (not by asking Names).
func TestFlagNames(t *testing.T) {
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, cwd: os.TempDir(), getenv: os.Getenv}
	n := 0
	for _, c := range e.commands() {
		for _, f := range c.Flags {
			n++
			if got, want := flagNames(builtinFlag(f)), builtinFlag(f).Names(); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: flagNames = %q, Names = %q", c.Name, got, want)
			}
			if got, want := f.Names(), builtinFlag(f).Names(); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: the wrapper's Names = %q, urfave/cli's = %q", c.Name, got, want)
			}
			if builtinFlag(f) == f {
				t.Errorf("%s: flag %s is not wrapped (flags.go): add its type to namedFlags", c.Name, f.Names()[0])
			}
			switch builtinFlag(f).(type) {
			case *cli.StringFlag, *cli.StringSliceFlag, *cli.BoolFlag, *cli.IntFlag, *cli.DurationFlag:
			default:
				t.Errorf("%s: flag %s is a %T, which flagNames leaves to Names: add its type", c.Name, f.Names()[0], f)
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d flags: the test checks too little", n)
	}
}

// givenFlags answers what urfave/cli's IsSet answers, for every name of
// every flag of every command: with no flag given, and with each flag given
// under each of its names.
func TestGivenFlagsAgreesWithIsSet(t *testing.T) {
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, cwd: os.TempDir(), getenv: os.Getenv}
	checked := 0
	for _, cmd := range e.commands() {
		var names []string
		for _, f := range cmd.Flags {
			names = append(names, f.Names()...)
		}
		check := func(args []string) {
			t.Helper()
			ran := false
			app := &cli.App{Name: "ngxlint", Writer: io.Discard, ErrWriter: io.Discard, Commands: []*cli.Command{{
				Name: cmd.Name, Flags: cmd.Flags, SkipFlagParsing: cmd.SkipFlagParsing,
				Action: func(c *cli.Context) error {
					ran = true
					given := givenFlags(c)
					for _, n := range names {
						if given[n] != c.IsSet(n) {
							t.Errorf("%s %q: givenFlags[%s] = %v, IsSet = %v", cmd.Name, args, n, given[n], c.IsSet(n))
						}
						if given[n] {
							checked++
						}
					}
					return nil
				}}}}
			if err := app.Run(append([]string{"ngxlint", cmd.Name}, args...)); err != nil {
				t.Fatalf("%s %q: %v", cmd.Name, args, err)
			}
			if !ran {
				t.Fatalf("%s %q: the action did not run", cmd.Name, args)
			}
		}
		check(nil)
		for _, f := range cmd.Flags {
			for _, n := range f.Names() {
				arg := "--" + n
				switch builtinFlag(f).(type) {
				case *cli.BoolFlag:
				case *cli.IntFlag:
					arg += "=3"
				case *cli.DurationFlag:
					arg += "=1s"
				default:
					arg += "=1"
				}
				check([]string{arg, "x"})
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d given names compared: the test checks too little", checked)
	}
}
