package parser

import "testing"

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
