package main

import (
	"os"
	"runtime/debug"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/rules"
)

// tuneGC is set by main: the garbage collector's settings are the
// process's, so a test or a library caller running Run keeps its own.
var tuneGC bool

// GC policy, chosen once the configuration is loaded, from the total size
// S of the files read (the live heap while linting is roughly 6-10 times S
// for a big input: the parsed tree, the model, the findings, what a family
// of rules shares): from bigInput on, GOGC gcPercentBig (gcPercent); and
// always a soft memory limit of 128 MiB + 16*S, a backstop far above what
// any input's heap reaches now. It never makes the heap larger. (Letting
// small inputs' heaps grow further between collections, GOGC 200-400, was
// tried: once the rules of a file ran on both CPUs it no longer made any
// shape faster, and made the 16,000-location file about 10% slower.)
//
// GOGC or GOMEMLIMIT in the environment turn the policy off: they are the
// user's choice.
func gcPolicy(size int64) {
	if !tuneGC || os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(memoryLimit(size))
	if p := gcPercent(size); p > 0 {
		debug.SetGCPercent(p)
	}
}

// bigInput is the size of input from which the collector runs once the
// heap has grown by gcPercentBig percent since the last collection, not
// doubled (GOGC 100): the heap of a big input then stays within about a
// quarter of what is live, so its peak RSS follows the live heap, at the
// cost of more collections; a big input lints in a few seconds where
// nginx -t takes minutes. The policy is applied once the files are loaded,
// while the heap is still within twice the loaded tree.
const (
	bigInput     = 16 << 20
	gcPercentBig = 25
)

// gcPercent returns the GOGC percentage for an input of size bytes, or 0
// to keep the default.
func gcPercent(size int64) int {
	if size >= bigInput {
		return gcPercentBig
	}
	return 0
}

// smallInput is the size of input below which the rules run one after
// another when --jobs is not given: on a file this small they take about
// a millisecond in all, less than starting threads for more workers and
// handing work between CPUs costs (the small benchmark shape, 2.3 kB,
// linted about 2 ms faster in 60 alternating runs). The findings do not
// depend on the number of workers.
const smallInput = 8 << 10

// runOptions returns the run options for input of size bytes.
func runOptions(run rules.RunOptions, size int64) rules.RunOptions {
	if run.Jobs == 0 && size < smallInput {
		run.Jobs = 1
	}
	return run
}

// memoryLimit returns the soft memory limit for an input of size bytes.
func memoryLimit(size int64) int64 { return 128<<20 + 16*size }

// inputBytes is the total size of the distinct files the units read.
func inputBytes(units []*parser.Unit) int64 {
	seen := map[*parser.File]bool{}
	envs := map[*parser.Shared]bool{} // units of a directory share one Env list
	var n int64
	add := func(f *parser.File) {
		if f != nil && !seen[f] {
			seen[f] = true
			n += int64(len(f.Src))
		}
	}
	for _, u := range units {
		for _, f := range u.Files() {
			add(f)
		}
		if u.EnvShared != nil {
			if envs[u.EnvShared] {
				continue
			}
			envs[u.EnvShared] = true
		}
		for _, f := range u.Env {
			add(f)
		}
	}
	return n
}
