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
// taken once the rules have ended while the tree, the model and what the
// rules share are all still live, to NGXLINT_HEAPPROF (default
// heap.pprof in the package directory). Read it with
// `go tool pprof -sample_index=inuse_space -top FILE`.
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
	wrote := false
	defer rules.SetAfterRules(func() {
		if wrote {
			return
		}
		wrote = true
		runtime.GC()
		f, err := os.Create(out)
		if err != nil {
			t.Error(err)
			return
		}
		if err := pprof.WriteHeapProfile(f); err != nil {
			t.Error(err)
		}
		if err := f.Close(); err != nil {
			t.Error(err)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		t.Logf("live heap once the rules ended: %.1f MiB (profile: %s)", float64(ms.HeapAlloc)/(1<<20), out)
	})()
	fs, err := rules.Lint(units, &rules.Options{}, rules.RunOptions{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !wrote {
		t.Fatal("no profile taken: the hook did not run")
	}
	t.Logf("%d findings", len(fs))
}
