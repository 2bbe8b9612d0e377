package websocket

import (
	"math/rand"
	"reflect"
	"regexp"
	"sync"
	"testing"
)

// httpVarRefRE is what httpVarRefs stands for.
var httpVarRefRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)\$\{?http_([a-z0-9_]+)\}?`) })

func sameHTTPVarRefs(t *testing.T, s string) {
	t.Helper()
	var want [][4]int
	for _, m := range httpVarRefRE().FindAllStringSubmatchIndex(s, -1) {
		want = append(want, [4]int{m[0], m[1], m[2], m[3]})
	}
	if got := httpVarRefs(s); !reflect.DeepEqual(got, want) {
		t.Errorf("httpVarRefs(%q) = %v, the regexp %v", s, got, want)
	}
}

func TestHTTPVarRefsAsRegexp(t *testing.T) {
	for _, s := range []string{
		"", "$", "$http_", "$http_upgrade", "${http_upgrade}", "$HTTP_Upgrade", "$http_upgrade$http_connection",
		"x$http_upgrade}y", "${http_upgrade", "$${http_a}", "$http_ſk\u212a", "$http_é", "$http_a-b", "$htt", "$http",
		"${}http_a", "$ http_a", "$http_\xff", "$$http_a", "\"$http_upgrade\"", "$http_a{$http_b}",
	} {
		sameHTTPVarRefs(t, s)
	}
	if got := httpVarRefs("${http_upgrade}"); !reflect.DeepEqual(got, [][4]int{{0, 15, 7, 14}}) {
		t.Errorf("httpVarRefs(${http_upgrade}) = %v", got)
	}
	parts := []string{"$", "{", "}", "http_", "HTTP_", "hTtP_", "a", "Z", "9", "_", "-", "ſ", "\u212a", "é", " ", "\xff", "htt"}
	rng := rand.New(rand.NewSource(9))
	for i := 0; i < 100000; i++ {
		var s string
		for n := rng.Intn(8); n >= 0; n-- {
			s += parts[rng.Intn(len(parts))]
		}
		sameHTTPVarRefs(t, s)
	}
}

func FuzzHTTPVarRefs(f *testing.F) {
	for _, s := range []string{"$http_upgrade", "${http_x}", "$http_ſ", "$${http_"} {
		f.Add(s)
	}
	f.Fuzz(sameHTTPVarRefs)
}
