package spec

import (
	"fmt"
	"os"
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
		"nginx variables":        newNameIndex(nginxVariables, variableName).split != nil,
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

// writeSlots writes a generated index's slots as a Go array.
func writeSlots(b *strings.Builder, name, doc string, slots []uint16) {
	fmt.Fprintf(b, "// %s %s\nvar %s = [%d]uint16{", name, doc, name, len(slots))
	for i, s := range slots {
		if i%16 == 0 {
			b.WriteString("\n\t")
		} else {
			b.WriteString(" ")
		}
		fmt.Fprintf(b, "%d,", s)
	}
	b.WriteString("\n}\n")
}

// variablePrefixes lists where nginxVariables' prefix families are.
func variablePrefixes() []uint16 {
	var out []uint16
	for i, x := range nginxVariables {
		if x.Prefix {
			out = append(out, uint16(i))
		}
	}
	return out
}

// TestGeneratedIndex checks index_gen.go against the indexes of the
// tables as they are; with NGXLINT_WRITE_INDEX=1 it writes the file (go
// generate does, after the tables).
func TestGeneratedIndex(t *testing.T) {
	built := newNameIndex(nginxDirectives, directiveName)
	if built.split != nil {
		t.Fatal("a name is in two places in nginxDirectives: is directives_gen.go sorted?")
	}
	builtVars := newNameIndex(nginxVariables, variableName)
	if builtVars.split != nil {
		t.Fatal("a name is in two places in nginxVariables: is directives_gen.go sorted?")
	}
	prefixes := variablePrefixes()
	var b strings.Builder
	b.WriteString("// Code generated by TestGeneratedIndex (NGXLINT_WRITE_INDEX=1); DO NOT EDIT.\n\npackage spec\n\n")
	writeSlots(&b, "nginxDirectiveSlots", "is the index of nginxDirectives (see nameIndex).", built.slots)
	b.WriteString("\n")
	writeSlots(&b, "nginxVariableSlots", "is the index of nginxVariables (see nameIndex).", builtVars.slots)
	b.WriteString("\n")
	fmt.Fprintf(&b, "// nginxVariablePrefixes lists where nginxVariables' prefix families are.\nvar nginxVariablePrefixes = [%d]uint16{", len(prefixes))
	for i, p := range prefixes {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d", p)
	}
	b.WriteString("}\n")
	if os.Getenv("NGXLINT_WRITE_INDEX") != "" {
		if err := os.WriteFile("index_gen.go", []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !reflect.DeepEqual(built.slots, nginxDirectiveSlots[:]) {
		t.Fatal("index_gen.go is not the index of nginxDirectives: run go generate ./parser/spec (or NGXLINT_WRITE_INDEX=1 go test ./parser/spec -run TestGeneratedIndex)")
	}
	if !reflect.DeepEqual(builtVars.slots, nginxVariableSlots[:]) || !reflect.DeepEqual(prefixes, nginxVariablePrefixes[:]) {
		t.Fatal("index_gen.go is not the index of nginxVariables: run go generate ./parser/spec (or NGXLINT_WRITE_INDEX=1 go test ./parser/spec -run TestGeneratedIndex)")
	}
	for _, d := range nginxDirectives {
		if got, want := nginxIndex().get(d.Name), built.get(d.Name); !reflect.DeepEqual(got, want) || cap(got) != len(got) {
			t.Errorf("%s: the generated index finds %d entries, the built one %d", d.Name, len(got), len(want))
		}
	}
}

// Variables, from the generated index, answers what a table built from
// nginxVariables at run time (names and prefix families apart, as before
// the index was generated) answers: for every name, every family with a
// suffix, a family's bare name, upper case and misses; so do the names
// it lists.
func TestVariablesAsBuiltTable(t *testing.T) {
	built := newVarTable(nginxVariables)
	before := append([]Variable(nil), nginxVariables...)
	ask := []string{"", "x", "http_", "HTTP_HOST", "Http_Upgrade", "arg_", "arg_id", "cookie_a", "upstream_http_x",
		"sent_http_", "proxy_protocol_tlv_0x01", "nosuch", strings.Repeat("a", 300)}
	for _, x := range nginxVariables {
		ask = append(ask, x.Name, x.Name+"x", strings.ToUpper(x.Name))
	}
	for _, name := range ask {
		got, want := Variables(name), built.lookup(name)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Variables(%q) = %v, the built table %v", name, got, want)
		}
		_ = append(got, Variable{Name: "appended"}) // must copy, not write into the table
	}
	if !reflect.DeepEqual(nginxVariables, before) {
		t.Error("appending to a result of Variables wrote into nginxVariables")
	}
	var want []string
	names := built.byName
	names.names(func(n string) {
		for _, x := range names.get(n) {
			if x.Until == "" {
				want = append(want, n)
				break
			}
		}
	})
	if got := VariableNames(); !reflect.DeepEqual(got, want) {
		t.Errorf("VariableNames: %d names, the built table %d", len(got), len(want))
	}
}
