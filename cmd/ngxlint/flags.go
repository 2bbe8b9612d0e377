package main

import "github.com/urfave/cli/v2"

// urfave/cli asks a flag for its names (Names) many times a run: for every
// name of every flag of the command, runFlagActions asks IsSet, and IsSet
// looks the flag up by reading the names of the flags before it again. For
// the built-in flag types Names builds a new slice through a regexp each
// time (cli.FlagNames), so a start of lint ran the regexp about 500 times
// and allocated for each. The wrappers below answer Names with a slice made
// once; every other method, and so help text, parsing, defaults and
// actions, is the built-in flag's own (embedded). Apply still runs
// FlagNames, once per name.

// boolFlag is a *cli.BoolFlag whose Names is made once.
type boolFlag struct {
	*cli.BoolFlag
	names []string
}

func (f *boolFlag) Names() []string { return f.names }

// stringFlag is a *cli.StringFlag whose Names is made once.
type stringFlag struct {
	*cli.StringFlag
	names []string
}

func (f *stringFlag) Names() []string { return f.names }

// stringSliceFlag is a *cli.StringSliceFlag whose Names is made once.
type stringSliceFlag struct {
	*cli.StringSliceFlag
	names []string
}

func (f *stringSliceFlag) Names() []string { return f.names }

// intFlag is a *cli.IntFlag whose Names is made once.
type intFlag struct {
	*cli.IntFlag
	names []string
}

func (f *intFlag) Names() []string { return f.names }

// durationFlag is a *cli.DurationFlag whose Names is made once.
type durationFlag struct {
	*cli.DurationFlag
	names []string
}

func (f *durationFlag) Names() []string { return f.names }

// namedFlags wraps each flag of a type above so that its names are made
// once; a flag of another type is kept as it is.
func namedFlags(flags []cli.Flag) []cli.Flag {
	out := make([]cli.Flag, len(flags))
	for i, f := range flags {
		names := flagNames(f)
		switch b := f.(type) {
		case *cli.BoolFlag:
			out[i] = &boolFlag{b, names}
		case *cli.StringFlag:
			out[i] = &stringFlag{b, names}
		case *cli.StringSliceFlag:
			out[i] = &stringSliceFlag{b, names}
		case *cli.IntFlag:
			out[i] = &intFlag{b, names}
		case *cli.DurationFlag:
			out[i] = &durationFlag{b, names}
		default:
			out[i] = f
		}
	}
	return out
}

// builtinFlag is the urfave/cli flag a wrapper above holds, or f itself.
func builtinFlag(f cli.Flag) cli.Flag {
	switch w := f.(type) {
	case *boolFlag:
		return w.BoolFlag
	case *stringFlag:
		return w.StringFlag
	case *stringSliceFlag:
		return w.StringSliceFlag
	case *intFlag:
		return w.IntFlag
	case *durationFlag:
		return w.DurationFlag
	}
	return f
}
