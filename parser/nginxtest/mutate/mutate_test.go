package mutate

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
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

// TestOperators: on a small tree, each operator makes the edits it says.
func TestOperators(t *testing.T) {
	tr := &Tree{Name: "t", Files: map[string][]byte{"nginx.conf": []byte(`pid nginx.pid;
events { worker_connections 64; }
http {
    map $uri $x { ~^/a(b)$ 1; }
    server {
        listen 127.0.0.1:1 default_server;
        if ($http_upgrade ~* ^websocket$) { return 426; }
        location ~ \.php$ { root /srv; }
    }
    server {
        listen 127.0.0.1:1;
        server_name ~^w\d+$;
    }
}
`)}}
	want := map[string]bool{
		// a second default_server on the same address
		"listen 127.0.0.1:1 default_server;\n        server_name": true,
		// the regex of an if, inside its parenthesis
		"if ($http_upgrade ~* ^(websocket$) {": true,
		// a map key
		"map $uri $x { ~^/a(b)$) 1; }": true,
		// a directive moved to the main level
		"pid nginx.pid; root /srv;": true,
		// an empty copy of a location
		"{ root /srv; } location ~ \\.php$ { }": true,
		// a flag-less value spoiled: the port
		"listen 127.0.0.1:70000 default_server;": true,
	}
	seen := map[string]bool{}
	var all []string
	for _, s := range sites(tr) {
		for i := 0; i < 3; i++ {
			m := s.make(rand.New(rand.NewPCG(uint64(i), 0)))
			if m == nil {
				continue
			}
			got := string(m.Files()["nginx.conf"])
			all = append(all, m.ID())
			for w := range want {
				if strings.Contains(got, w) {
					seen[w] = true
				}
			}
			for name := range noTouch {
				if m.Op != Typo && strings.Contains(m.Desc, name) {
					t.Errorf("%s touches %s", m.ID(), name)
				}
			}
		}
	}
	for w := range want {
		if !seen[w] {
			t.Errorf("no mutant contains %q; mutants:\n%s", w, strings.Join(all, "\n"))
		}
	}
}
