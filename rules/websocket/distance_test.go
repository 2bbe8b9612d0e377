package websocket

import (
	"math/rand"
	"testing"
)

// The stack version of distance agrees with the one on runes.
func TestDistanceASCIIAgrees(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	const alphabet = "abcABC-_xyZ"
	word := func() string {
		b := make([]byte, rng.Intn(12))
		for i := range b {
			b[i] = alphabet[rng.Intn(len(alphabet))]
		}
		return string(b)
	}
	for range 20000 {
		a, b := word(), word()
		if got, want := distanceASCII(a, b), distanceRunes(a, b); got != want {
			t.Fatalf("distance(%q, %q) = %d, want %d", a, b, got, want)
		}
	}
	for _, c := range [][2]string{{"Upgrade", "upgarde"}, {"Conection", "connection"}, {"", "abc"}, {"ab", "ba"}, {"Überg", "uberg"}} {
		if got, want := distance(c[0], c[1]), distanceRunes(c[0], c[1]); got != want {
			t.Fatalf("distance(%q, %q) = %d, want %d", c[0], c[1], got, want)
		}
	}
}

func BenchmarkIsTypoOf(b *testing.B) {
	for b.Loop() {
		for _, h := range []string{"Host", "X-Real-IP", "Upgrade", "Connection", "X-Forwarded-For", "Upgarde"} {
			isTypoOf(h, "upgrade")
			isTypoOf(h, "connection")
		}
	}
}
