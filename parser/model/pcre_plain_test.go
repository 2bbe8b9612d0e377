package model

import (
	"math/rand"
	"testing"
)

// samePlainVerdict fails when plainRegex accepts re but CheckPCRE's
// full judgement of it is not (true, nil), either way of case.
func samePlainVerdict(t *testing.T, re string) {
	t.Helper()
	if !plainRegex(re) {
		return
	}
	for _, caseless := range []bool{false, true} {
		if checked, err := judgePCRE(re, caseless); !checked || err != nil {
			t.Errorf("plainRegex(%q) is true, but judged (caseless %v): checked %v, %v", re, caseless, checked, err)
		}
	}
}

func TestPlainRegex(t *testing.T) {
	plain := []string{
		`\.(css|js|png|jpg|svg|woff2?)$`, `^/api/`, `\.php$`, `^/(images|javascript|js|css|flash|media|static)/`,
		`^/user/(\d+)/profile$`, `[a-z0-9_-]+\.html?$`, `^/ws(/.*)?$`, `/download/.*\.(zip|tar\.gz)$`,
		`^www\.(.+)$`, `^(.*)$`, `\.(?:)`[:0], `a{2,5}?b{3}c{1,}`, `[^/]+`, `()`, `(|a)`, `a|`,
		`[\d-]`, `[\w.-]+@example\.com`, `"quoted" 'x' <tag>#`,
	}
	for _, re := range plain {
		if !plainRegex(re) {
			t.Errorf("plainRegex(%q) = false, want true", re)
		}
		samePlainVerdict(t, re)
	}
	notPlain := []string{
		`(?i)abc`, `(?<name>x)`, `(?P<n>x)(?P=n)`, `\(?R`, `\*+`, `\}+x`, `a\\K`, `a\\Qx`, `(*UTF)x`, `a**`,
		`a++`, `*a`, `^*`, `$+`, `a|*`, `(*)`, `(a`, `a)`, `[]`, `[^]`, `[z-a]`, `[a-Z]`, `[-a]`, `[a-z-0]`,
		`[a`, `a{1`, `a{5,2}`, `a{1234}`, `a{,3}`, `\b`, `\k<x>`, `\_`, `é`, "a\tb", `[[:alpha:]]`, `[a-z-[aeiou]]`,
		`a\`, `{2}`, `x{2}{3}`, `x*?+`,
	}
	for _, re := range notPlain {
		if plainRegex(re) {
			t.Errorf("plainRegex(%q) = true, want false", re)
		}
	}
}

// Random regexes over the grammar's bytes and some outside it: every one
// plainRegex accepts must get (true, nil) from the full judgement, and
// enough are accepted for that to mean something.
func TestPlainRegexCompiles(t *testing.T) {
	const alphabet = `abzAZ09_/-~%=,;:@!&'"<>#  .^$|()()[][]^\\\\*+?{}{},12345dwsDWSbKQx-`
	rng := rand.New(rand.NewSource(10))
	accepted := 0
	n := 200000
	if testing.Short() {
		n = 20000
	}
	for i := 0; i < n; i++ {
		b := make([]byte, 1+rng.Intn(14))
		for j := range b {
			b[j] = alphabet[rng.Intn(len(alphabet))]
		}
		re := string(b)
		if plainRegex(re) {
			accepted++
			samePlainVerdict(t, re)
		}
	}
	if accepted < n/100 {
		t.Errorf("only %d of %d random regexes were plain: the test checks too little", accepted, n)
	}
}

func FuzzPlainRegex(f *testing.F) {
	for _, s := range []string{`\.(css|js)$`, `^/a/(\d+)?`, `[a-z-]{2,3}?`, `\(?R`, `\*+`, `a\\K`} {
		f.Add(s)
	}
	f.Fuzz(samePlainVerdict)
}
