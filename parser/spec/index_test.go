package spec

import (
	"reflect"
	"strings"
	"testing"
)

// mapByName is what the tables were looked up in before nameIndex: a map
// from each name to its entries, a name's runs joined in table order.
func mapByName[T any](xs []T, key func(*T) string) map[string][]T {
	m := map[string][]T{}
	for i := range xs {
		k := key(&xs[i])
		m[k] = append(m[k], xs[i])
	}
	return m
}

// checkIndex: the index gives every name's entries (and no more) as the
// map does, capacity cut, for names in the table and names not in it,
// and lists each name once.
func checkIndex[T any](t *testing.T, what string, xs []T, key func(*T) string) {
	t.Helper()
	ix := newNameIndex(xs, key)
	m := mapByName(xs, key)
	for name, want := range m {
		got := ix.get(name)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s %q: index has %d entries, the map %d", what, name, len(got), len(want))
		}
		if cap(got) != len(got) {
			t.Errorf("%s %q: capacity %d past the %d entries: appending would write into the table", what, name, cap(got), len(got))
		}
	}
	for _, miss := range []string{"", "x", "proxy_passs", "PROXY_PASS", "http_", "zzz", strings.Repeat("a", 300)} {
		if _, ok := m[miss]; !ok && ix.get(miss) != nil {
			t.Errorf("%s %q: index finds entries the table has not", what, miss)
		}
	}
	seen := map[string]bool{}
	ix.names(func(n string) {
		if seen[n] {
			t.Errorf("%s: names lists %q twice", what, n)
		}
		seen[n] = true
	})
	if len(seen) != len(m) {
		t.Errorf("%s: names lists %d names, the table has %d", what, len(seen), len(m))
	}
}

func TestIndexesAsMaps(t *testing.T) {
	varName := func(x *Variable) string { return x.Name }
	checkIndex(t, "nginx directive", nginxDirectives, directiveName)
	checkIndex(t, "third-party directive", thirdPartyDirectives, directiveName)
	checkIndex(t, "nginx variable", nginxVariables, varName)
	checkIndex(t, "third-party variable", thirdPartyVariables, varName)
	// the generated tables keep a name's entries together: no name needs
	// the index's fallback
	for what, split := range map[string]bool{
		"nginx directives":       nginxIndex().split != nil,
		"third-party directives": thirdPartyIndex().split != nil,
		"nginx variables":        nginxVars().byName.split != nil,
		"third-party variables":  thirdPartyVars().byName.split != nil,
	} {
		if split {
			t.Errorf("the %s table has a name in two places: is directives_gen.go sorted?", what)
		}
	}
}

// A table whose names are not kept together, and one whose every entry
// collides, still give what the map gives.
func TestIndexSplitRunsAndCollisions(t *testing.T) {
	type e struct{ k, v string }
	key := func(x *e) string { return x.k }
	checkIndex(t, "split", []e{{"a", "1"}, {"b", "2"}, {"a", "3"}, {"a", "4"}, {"c", "5"}, {"b", "6"}}, key)
	var many []e
	for i := 0; i < 500; i++ {
		many = append(many, e{strings.Repeat("n", i%37) + string(rune('a'+i%26)), ""})
	}
	checkIndex(t, "many", many, key)
	checkIndex(t, "empty", []e(nil), key)
}

// ThirdParty does not look a name nginx declares today up in the
// third-party table: the table must have none (so_keepalive and status are
// there, but nginx removed its own long ago).
func TestThirdPartyNamesNotNginx(t *testing.T) {
	for _, d := range thirdPartyDirectives {
		if Known(d.Name) {
			t.Errorf("%s (%s) is in the third-party table and nginx declares it today: ThirdParty would hide it", d.Name, d.Module)
		}
		if got := ThirdParty(d.Name); len(got) == 0 || !reflect.DeepEqual(got, thirdPartyIndex().get(d.Name)) {
			t.Errorf("ThirdParty(%q) = %d entries, the table has %d", d.Name, len(got), len(thirdPartyIndex().get(d.Name)))
		}
	}
	for _, name := range []string{"so_keepalive", "status"} {
		if len(ThirdParty(name)) == 0 {
			t.Errorf("ThirdParty(%q): the third-party entries of a name nginx removed are lost", name)
		}
	}
}
