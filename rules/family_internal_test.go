package rules

import (
	"strings"
	"testing"
)

// A family is filed under the package RegisterFamily is called from, when
// it is first asked; a second family of one package panics then.
func TestRegisterFamilyFilesCallerPackage(t *testing.T) {
	if f, ok := FamilyOf(&staleBaselineRule{}); !ok || f.Name != "baseline" {
		t.Fatalf("FamilyOf(the stale-baseline rule) = %+v, %v; want the baseline family", f, ok)
	}
	familiesMu.Lock()
	saved := families
	families = map[string]Family{}
	familiesMu.Unlock()
	defer func() {
		familiesMu.Lock()
		families, pendingFamilies = saved, nil
		familiesMu.Unlock()
	}()
	RegisterFamily(Family{Name: "test"})
	if f, ok := FamilyOf(&staleBaselineRule{}); !ok || f.Name != "test" {
		t.Fatalf("a family registered from package rules: FamilyOf = %+v, %v", f, ok)
	}
	RegisterFamily(Family{Name: "again"})
	defer func() {
		if r, _ := recover().(string); !strings.Contains(r, "github.com/ngxlint/ngxlint/rules registered twice") {
			t.Errorf("a second family of one package: recovered %q, want the registered-twice panic", r)
		}
	}()
	FamilyOf(&staleBaselineRule{})
}

type fakeRule struct{ m *Meta }

func (r fakeRule) Meta() *Meta { return r.m }
func (fakeRule) Check(p *Pass) {}

// A second rule with a registered rule's id or name panics when the rules
// are next read.
func TestRegisterDuplicatePanics(t *testing.T) {
	first := All()[0].Meta()
	for _, dup := range []*Meta{{ID: first.ID, Name: "some-new-name"}, {ID: "ZZZ999", Name: first.Name}} {
		func() {
			registryMu.Lock()
			saved := registry
			registryMu.Unlock()
			defer func() {
				registryMu.Lock()
				registry, byID = saved, nil
				registryMu.Unlock()
				if r, _ := recover().(string); !strings.Contains(r, "rules: duplicate rule") {
					t.Errorf("registering %s %s again: recovered %q, want a duplicate panic", dup.ID, dup.Name, r)
				}
			}()
			Register(fakeRule{dup})
			All()
		}()
	}
	if len(All()) == 0 || All()[0].Meta() != first {
		t.Error("the registry is not restored")
	}
}
