package security

import (
	"math/rand"
	"reflect"
	"regexp"
	"sync"
	"testing"
)

// extRE is what extensionLists stands for.
var extRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\\\.\(?(?:\?:)?([A-Za-z0-9|]+)\)?`) })

// sameExtensionLists fails when extensionLists and the regexp's
// submatches differ on pattern.
func sameExtensionLists(t *testing.T, pattern string) {
	t.Helper()
	var want []string
	for _, m := range extRE().FindAllStringSubmatch(pattern, -1) {
		want = append(want, m[1])
	}
	if got := extensionLists(pattern); !reflect.DeepEqual(got, want) {
		t.Errorf("extensionLists(%q) = %q, the regexp %q", pattern, got, want)
	}
}

func TestExtensionListsAsRegexp(t *testing.T) {
	for _, p := range []string{
		``, `\.`, `\.(css|js|png|jpg|svg|woff2?)$`, `\.(?:php|cgi)$`, `\.ini$`, `\.(?:)x`, `\.(\.php)`, `\\.\.a`,
		`^/a\.(b)\.c|\.(d|e))`, `\.?:x`, `\.(?:`, `\.((x))`, `\.(x`, `\.x)\.y)`, `\.é\.x`, `\.\.\.`,
	} {
		sameExtensionLists(t, p)
	}
	if got := extensionLists(`\.(css|js)$`); !reflect.DeepEqual(got, []string{"css|js"}) {
		t.Errorf(`extensionLists(\.(css|js)$) = %q`, got)
	}
	const alphabet = `\\\\..((??::))||aZ09é/$^x`
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 100000; i++ {
		b := make([]byte, rng.Intn(16))
		for j := range b {
			b[j] = alphabet[rng.Intn(len(alphabet))]
		}
		sameExtensionLists(t, string(b))
	}
}

func FuzzExtensionLists(f *testing.F) {
	for _, s := range []string{`\.(css|js)$`, `\.(?:php)`, `\.(`, `\\.\.x)`} {
		f.Add(s)
	}
	f.Fuzz(sameExtensionLists)
}
