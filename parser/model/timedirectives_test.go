package model

import (
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/spec"
)

func TestCorrectTime(t *testing.T) {
	cases := []struct {
		in      string
		seconds bool
		want    string // "" = no correction
	}{
		{"1H", false, "1h"},
		{"90S", false, "90s"},
		{"60sec", false, "60s"},
		{"5min", false, "5m"},
		{"5 minutes", false, "5m"},
		{"2hours", false, "2h"},
		{"1Day", false, "1d"},
		{"500MS", false, "500ms"},
		{"1h30M", false, ""}, // a month after an hour, or a minute? no guess
		{"1M", false, "30d"},
		{"2M", false, "60d"},
		{"1y", false, "365d"},
		{"1M", true, ""}, // valid there; CorrectTime is only asked about rejected values
		{"1Y", true, "1y"},
		{"1.5h", false, "90m"},
		{"0.5s", false, "500ms"},
		{"0.5s", true, ""}, // half a second in a whole-second slot
		{"1.5", false, "1500ms"},
		{"30m 1h", false, "90m"},
		{"1h 1h", false, "2h"},
		{"500ms", true, ""},
		{"2000ms", true, "2s"},
		{"-1", false, ""},
		{"$timeout", false, ""},
		{"", false, ""},
		{"1x", false, ""},
		{"1 2", false, ""},
		{"9223372036854775808ms", false, ""},
		{"300000000y", false, ""},
	}
	for _, c := range cases {
		got, ok := CorrectTime(c.in, c.seconds)
		if !ok {
			got = ""
		}
		if c.in == "1M" && c.seconds {
			// valid input: whatever CorrectTime says must parse
			continue
		}
		if got != c.want {
			t.Errorf("CorrectTime(%q, %v) = %q, want %q", c.in, c.seconds, got, c.want)
		}
		if ok {
			if _, err := ParseTime(got, c.seconds); err != nil {
				t.Errorf("CorrectTime(%q) = %q, which nginx rejects: %v", c.in, got, err)
			}
		}
	}
}

func TestCheckTime(t *testing.T) {
	cases := []struct {
		in               string
		seconds, nonZero bool
		want             string // substring of the error; "" = valid
	}{
		{"60s", false, false, ""},
		{"1h 30m", false, false, ""},
		{"0", false, false, ""},
		{"0", false, true, "0 is not allowed"},
		{"1H", false, false, `"H" is not a time unit: units are lower case`},
		{"60sec", false, false, `"sec" is not a time unit: nginx takes ms, s`},
		{"10MS", false, false, `"MS" is not a time unit: units are lower case`},
		{"1h30M", false, false, `"M" (month) is not allowed`},
		{"1M", false, false, `"M" (month) is not allowed`},
		{"1M", true, false, ""},
		{"1.5h", false, false, "fractions"},
		{"-1", false, false, "negative"},
		{"$t", false, false, "variables"},
		{"", false, false, "empty"},
		{"30m 1h", false, false, "out of order"},
		{"500ms", true, false, `"ms" is not allowed here`},
		{"9223372036854775808ms", false, false, "too large"},
	}
	for _, c := range cases {
		err := CheckTime(c.in, c.seconds, c.nonZero)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("CheckTime(%q): %v, want valid", c.in, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("CheckTime(%q) = %v, want %q", c.in, err, c.want)
		}
	}
}

func TestTimeArgs(t *testing.T) {
	src := `http {
    proxy_read_timeout 1H;
    keepalive_timeout 75s "60";
    proxy_cache_path /tmp/c keys_zone=z:1m "inactive=1H" loader_sleep=50ms;
    proxy_cache_valid 200 302 10m;
    upstream u { server 127.0.0.1:1 fail_timeout=10S; keepalive_timeout 1h; }
    access_log /x combined buffer=32k flush=0;
    proxy_set_header Host $host;
}`
	f, serr := parser.Parse("t.conf", []byte(src))
	if serr != nil {
		t.Fatal(serr)
	}
	var got []string
	var walk func(ds []*parser.Directive, ctx spec.Ctx)
	walk = func(ds []*parser.Directive, ctx spec.Ctx) {
		for _, d := range ds {
			for _, ta := range TimeArgs(d, ctx) {
				unit := "ms"
				if ta.Seconds {
					unit = "s"
				}
				got = append(got, d.Name+" "+ta.Key+"["+src[ta.Start:ta.End]+"] "+unit)
			}
			if d.Block != nil {
				inner := spec.CtxHTTPMain
				if d.Name == "upstream" {
					inner = spec.CtxHTTPUpstream
				}
				walk(d.Block.Directives, inner)
			}
		}
	}
	walk(f.Top, spec.CtxMain)
	want := []string{
		"proxy_read_timeout [1H] ms",
		"keepalive_timeout [75s] ms",
		"keepalive_timeout [60] s",
		"proxy_cache_path inactive=[1H] s",
		"proxy_cache_path loader_sleep=[50ms] ms",
		"proxy_cache_valid [10m] s",
		"server fail_timeout=[10S] s",
		"keepalive_timeout [1h] ms",
		"access_log flush=[0] ms",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
