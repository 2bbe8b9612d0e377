package model

import (
	"testing"
	"unsafe"
)

// A large configuration holds hundreds of thousands of levels: a field
// that few levels use belongs in blockExt, not in Block (96 bytes is one
// of the allocator's size classes; 104 would take 112).
func TestBlockSize(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("sizes are checked on 64-bit platforms")
	}
	if n := unsafe.Sizeof(Block{}); n > 96 {
		t.Errorf("model.Block is %d bytes, want at most 96", n)
	}
}
