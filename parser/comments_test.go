package parser

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// refLeadingComments is the definition of LeadingComments, written as a
// rescan of the file: the comments on the lines right above d, each alone
// on its line, with nothing else between them and d.
func refLeadingComments(d *Directive) []Comment {
	f := d.File
	var out []Comment
	pos := f.LineStart(d.Start())
	i := sort.Search(len(f.Comments), func(i int) bool { return f.Comments[i].Start >= pos }) - 1
	for ; i >= 0; i-- {
		c := f.Comments[i]
		ls := f.LineStart(c.Start)
		if strings.TrimSpace(string(f.Src[ls:c.Start])) != "" {
			break
		}
		between := string(f.Src[c.End:pos])
		if strings.Count(between, "\n") != 1 || strings.TrimSpace(between) != "" {
			break
		}
		out = append([]Comment{c}, out...)
		pos = ls
	}
	return out
}

// refTrailingComment is the definition of TrailingComment as a rescan.
func refTrailingComment(d *Directive) (Comment, bool) {
	f := d.File
	end := d.HeaderEnd()
	i := sort.Search(len(f.Comments), func(i int) bool { return f.Comments[i].Start >= end })
	if i < len(f.Comments) {
		c := f.Comments[i]
		if !strings.Contains(string(f.Src[end:c.Start]), "\n") {
			return c, true
		}
	}
	return Comment{}, false
}

// checkCommentAssociation compares LeadingComments and TrailingComment with
// the rescans.
func checkCommentAssociation(t *testing.T, f *File) {
	t.Helper()
	f.Walk(func(d *Directive) {
		got, want := d.LeadingComments(), refLeadingComments(d)
		if len(got) != len(want) || len(want) > 0 && !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: leading comments of %s at %d: got %v, want %v", f.Path, d.Name, d.Start(), got, want)
		}
		gc, gok := d.TrailingComment()
		wc, wok := refTrailingComment(d)
		if gok != wok || gc != wc {
			t.Fatalf("%s: trailing comment of %s at %d: got %v %v, want %v %v", f.Path, d.Name, d.Start(), gc, gok, wc, wok)
		}
	})
}

func TestCommentAssociation(t *testing.T) {
	src := "# a\n  # b\nhttp { # c\n\n  # d\n  a; b; # e\n  # f\n\tserver {\r\n  # g\r\n  listen 80;}#h\n}\n# end"
	f, err := Parse("t.conf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkCommentAssociation(t, f)
	http := f.Top[0]
	if lc := http.LeadingComments(); len(lc) != 2 || lc[0].Text != " a" || lc[1].Text != " b" {
		t.Errorf("leading comments of http: %v", lc)
	}
	if c, ok := http.Block.Directives[1].TrailingComment(); !ok || c.Text != " e" {
		t.Errorf("trailing comment of b: %v %v", c, ok)
	}
	// appending to the result never writes into the file's comments
	lc := http.LeadingComments()
	_ = append(lc, Comment{Text: "x"})
	if f.Comments[2].Text != " c" {
		t.Errorf("append changed the file's comments: %v", f.Comments)
	}
}

// TestCommentAssociationFixtures checks every configuration under
// fixtures/ against the rescanning definition.
func TestCommentAssociationFixtures(t *testing.T) {
	n := 0
	err := filepath.WalkDir("../fixtures", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".conf") {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if f, serr := Parse(p, src); serr == nil {
			checkCommentAssociation(t, f)
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("checked only %d fixture files", n)
	}
}
