package parser

import (
	"math"
	"testing"
	"unsafe"
)

// TestArgOutOfRange: Arg is "" for any index without an argument, negative
// ones included (geo { ... } written without its variable asks for
// Arg(len(Args)-1)).
func TestArgOutOfRange(t *testing.T) {
	f, err := Parse("x.conf", []byte("geo { default 0; }\nroot /srv;\n"))
	if err != nil {
		t.Fatal(err)
	}
	geo, root := f.Top[0], f.Top[1]
	for _, c := range []struct {
		d    *Directive
		i    int
		want string
	}{{geo, -1, ""}, {geo, 0, ""}, {root, 0, "/srv"}, {root, 1, ""}, {root, -1, ""}} {
		if got := c.d.Arg(c.i); got != c.want {
			t.Errorf("%s.Arg(%d) = %q, want %q", c.d.Name, c.i, got, c.want)
		}
	}
}

// TestMaxParseSize: the offsets of the tree are int32, so no limit lets a
// larger file through to Parse.
func TestMaxParseSize(t *testing.T) {
	if got := NewBudget(Limits{MaxFileSize: 8 << 30}).Limits().MaxFileSize; got != MaxParseSize {
		t.Fatalf("MaxFileSize 8 GiB is in force as %d, want it capped to %d", got, MaxParseSize)
	}
	if got := NewBudget(Limits{MaxFileSize: 1 << 20}).Limits().MaxFileSize; got != 1<<20 {
		t.Fatalf("MaxFileSize 1 MiB is in force as %d", got)
	}
	if int64(MaxParseSize) > math.MaxInt32 {
		t.Fatalf("MaxParseSize %d does not fit an int32 offset", MaxParseSize)
	}
}

// TestNameWAndIncluded: the name's Word is read back from the file (quote
// included), and Included is kept per directive.
func TestNameWAndIncluded(t *testing.T) {
	f, err := Parse("t.conf", []byte("\"user\" nginx;\n'events' {}\ninclude a.conf;\ninclude b.conf;\n"))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct {
		w Word
		q byte
	}{{Word{Value: "user", Start: 0, End: 6}, '"'}, {Word{Value: "events", Start: 14, End: 22}, '\''}, {Word{Value: "include", Start: 26, End: 33}, 0}} {
		if got := f.Top[i].NameW(); got != want.w || f.QuoteOf(got) != want.q {
			t.Errorf("NameW of directive %d = %+v quoted %q, want %+v quoted %q", i, got, f.QuoteOf(got), want.w, want.q)
		}
	}
	if q := f.QuoteOf(f.Top[0].Args[0]); q != 0 {
		t.Errorf("nginx is quoted %q", q)
	}
	a, b := f.Top[2], f.Top[3]
	x, y := &File{Path: "x"}, &File{Path: "y"}
	a.AddIncluded(x)
	a.AddIncluded(y)
	b.SetIncluded([]*File{y})
	if got := a.Included(); len(got) != 2 || got[0] != x || got[1] != y {
		t.Errorf("a.Included() = %v", got)
	}
	if got := b.Included(); len(got) != 1 || got[0] != y {
		t.Errorf("b.Included() = %v", got)
	}
	a.SetIncluded(nil)
	if got := a.Included(); got != nil || f.Top[0].Included() != nil {
		t.Errorf("after SetIncluded(nil): %v", got)
	}
}

// TestTreeSizes: the tree of a 50 MB file has a million directives and
// more words; a field added carelessly (or padding) costs tens of MB.
func TestTreeSizes(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"Directive", unsafe.Sizeof(Directive{}), 72},
		{"Word", unsafe.Sizeof(Word{}), 24},
		{"Block", unsafe.Sizeof(Block{}), 40},
	} {
		if c.got > c.want {
			t.Errorf("%s is %d bytes, want at most %d", c.name, c.got, c.want)
		}
	}
}

// TestNameWEnd: the end of a name is found again by the scanner; it is
// where the scanner ended the word when parsing, whatever the name holds.
func TestNameWEnd(t *testing.T) {
	src := "a\\ b c;\n\"q\\\"x\" 1;\n'y'{}\nn${v}{ }\nx\\;y 2;\n"
	f, err := Parse("t.conf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	toks, serr := scan([]byte(src), 0)
	if serr != nil {
		t.Fatal(serr)
	}
	var names []token
	first := true
	for _, tk := range toks {
		if tk.kind == tokWord && first {
			names = append(names, tk)
		}
		first = tk.kind != tokWord
	}
	var ds []*Directive
	f.Walk(func(d *Directive) { ds = append(ds, d) })
	if len(ds) != len(names) {
		t.Fatalf("%d directives, %d names", len(ds), len(names))
	}
	for i, d := range ds {
		w := d.NameW()
		if int(w.Start) != names[i].start || int(w.End) != names[i].end || w.Value != names[i].value {
			t.Errorf("NameW of %q = %+v, the scanner read %d-%d", d.Name, w, names[i].start, names[i].end)
		}
	}
}
