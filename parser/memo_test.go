package parser

import (
	"sync"
	"sync/atomic"
	"testing"
)

func TestFileMemoBuildsOncePerKey(t *testing.T) {
	f, err := Parse("t.conf", []byte("a b;\n"))
	if err != nil {
		t.Fatal(err)
	}
	type keyA struct{}
	type keyB struct{}
	var builds atomic.Int32
	var wg sync.WaitGroup
	got := make([]any, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = f.Memo(keyA{}, func() any { builds.Add(1); return new(int) })
		}()
	}
	wg.Wait()
	if builds.Load() != 1 {
		t.Errorf("built %d times, want once", builds.Load())
	}
	for _, v := range got {
		if v != got[0] {
			t.Fatal("callers got different values")
		}
	}
	if b := f.Memo(keyB{}, func() any { return "b" }); b != "b" {
		t.Errorf("another key got %v", b)
	}
	g, _ := Parse("t.conf", []byte("a b;\n"))
	if g.Memo(keyA{}, func() any { return "other file" }) != "other file" {
		t.Error("a value was shared between files")
	}
}
