package mutate

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func differentialTrees(t *testing.T) []*Tree {
	t.Helper()
	dirs, _ := filepath.Glob("../../../fixtures/differential/*")
	var trees []*Tree
	for _, d := range dirs {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			continue
		}
		tr, err := LoadTree(d)
		if err != nil {
			t.Fatal(err)
		}
		trees = append(trees, tr)
	}
	if len(trees) < 3 {
		t.Fatalf("expected the trees of fixtures/differential, found %d", len(trees))
	}
	return trees
}

// TestGenerate: the same seed gives the same mutants; every operator has
// its share; every mutant changes its file and keeps its line count, so the
// line it records is right in the mutant too.
func TestGenerate(t *testing.T) {
	trees := differentialTrees(t)
	a := Generate(trees, 7, 450)
	b := Generate(trees, 7, 450)
	per := map[Op]int{}
	for i, m := range a {
		if a[i].ID() != b[i].ID() || !reflect.DeepEqual(a[i].Edits, b[i].Edits) {
			t.Fatalf("not deterministic: %s vs %s", a[i].ID(), b[i].ID())
		}
		per[m.Op]++
		src := m.Tree.Files[m.File]
		got := m.Files()[m.File]
		if bytes.Equal(src, got) {
			t.Errorf("%s changes nothing", m.ID())
		}
		if bytes.Count(src, []byte("\n")) != bytes.Count(got, []byte("\n")) {
			t.Errorf("%s changes the line count", m.ID())
		}
		if m.Line < 1 {
			t.Errorf("%s: no line", m.ID())
		}
		if os.Getenv("MUTATE_LIST") != "" {
			t.Log(m.ID())
		}
	}
	for _, op := range Ops {
		if per[op] != 50 {
			t.Errorf("operator %s: %d mutants, want 50", op, per[op])
		}
	}
	if c := Generate(trees, 8, 450); reflect.DeepEqual(ids(a), ids(c)) {
		t.Error("another seed gives the same mutants")
	}
}

func ids(ms []*Mutant) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.ID())
	}
	return out
}

func TestApply(t *testing.T) {
	got := string(Apply([]byte("root /a;\n"), []Edit{{8, 8, " root /a;"}, {0, 4, "rot"}}))
	if got != "rot /a; root /a;\n" {
		t.Errorf("Apply: %q", got)
	}
}
