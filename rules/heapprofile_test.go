package rules_test

import (
	"os"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/rules"
	_ "github.com/ngxlint/ngxlint/rules/all"
)

// TestWriteHeapProfile is a measuring tool, not a check: with
// NGXLINT_HEAPPROF_INPUT=PATH (a file or directory, read with limits of
// 1 GiB) it lints PATH on two workers and writes the live heap's profile,
// taken once the rules have ended while the tree and the model are still
// live, to NGXLINT_HEAPPROF (default heap.pprof in the package
// directory).
//
// With NGXLINT_HEAPPROF_PEAK=PATH it also measures the live heap each
// time a rule has ended (a collection each time: slow; -v logs each) and
// writes the profile of the highest to PATH: the peak during the rules,
// with the shared values of the family then running (each family's are
// dropped once its rules have ended). With NGXLINT_HEAPPROF_AFTER=ID it
// also writes the profile taken after rule ID to PATH.ID. It lints on one
// worker then, so that no rule allocates while a sample is taken (what a
// collection sees allocated during it counts as live); on more workers,
// the first rules of a family may also run beside the last rule of the
// family before it.
//
// Read a profile with `go tool pprof -sample_index=inuse_space -top FILE`.
func TestWriteHeapProfile(t *testing.T) {
	in := os.Getenv("NGXLINT_HEAPPROF_INPUT")
	if in == "" {
		t.Skip("set NGXLINT_HEAPPROF_INPUT=PATH to write the heap profile of linting PATH")
	}
	out := os.Getenv("NGXLINT_HEAPPROF")
	if out == "" {
		out = "heap.pprof"
	}
	units, err := parser.Load([]string{in}, parser.Options{Limits: parser.Limits{MaxFileSize: 1 << 30, MaxTotalSize: 1 << 30, MaxFiles: 1 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	jobs := 2
	if peakOut := os.Getenv("NGXLINT_HEAPPROF_PEAK"); peakOut != "" {
		jobs = 1
		var peak uint64
		peakRule := ""
		defer rules.SetAfterRule(func(r rules.Rule) {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if testing.Verbose() {
				t.Logf("after %s: %.1f MiB live", r.Meta().ID, float64(ms.HeapAlloc)/(1<<20))
			}
			if r.Meta().ID == os.Getenv("NGXLINT_HEAPPROF_AFTER") {
				if err := writeHeapProfile(peakOut + "." + r.Meta().ID); err != nil {
					t.Error(err)
				}
			}
			if ms.HeapAlloc <= peak {
				return
			}
			peak, peakRule = ms.HeapAlloc, r.Meta().ID
			if err := writeHeapProfile(peakOut); err != nil {
				t.Error(err)
			}
		})()
		defer func() {
			t.Logf("peak live heap after a rule ended: %.1f MiB, after %s (profile: %s)", float64(peak)/(1<<20), peakRule, peakOut)
		}()
	}
	wrote := false
	defer rules.SetAfterRules(func() {
		if wrote {
			return
		}
		wrote = true
		runtime.GC()
		if err := writeHeapProfile(out); err != nil {
			t.Error(err)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		t.Logf("live heap once the rules ended: %.1f MiB (profile: %s)", float64(ms.HeapAlloc)/(1<<20), out)
	})()
	fs, err := rules.Lint(units, &rules.Options{}, rules.RunOptions{Jobs: jobs})
	if err != nil {
		t.Fatal(err)
	}
	if !wrote {
		t.Fatal("no profile taken: the hook did not run")
	}
	t.Logf("%d findings", len(fs))
}

// writeHeapProfile writes the heap's profile to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		_ = f.Close() // the write's error says more
		return err
	}
	return f.Close()
}
