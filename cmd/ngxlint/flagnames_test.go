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
			if got, want := flagNames(f), f.Names(); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: flagNames = %q, Names = %q", c.Name, got, want)
			}
			switch f.(type) {
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
