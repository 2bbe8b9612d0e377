package websocket

import (
	"strings"
	"testing"

	"github.com/tufanbarisyildirim/gonginx/config"
	"github.com/tufanbarisyildirim/gonginx/dumper"

	"github.com/ngxlint/ngxlint/parser/spec"
)

// dumpDirective prints every directive this package builds exactly as
// gonginx's dumper does, in both styles it was used with.
func TestDumpDirectiveAsDumper(t *testing.T) {
	var ds []config.IDirective
	add := func(xs ...*config.Directive) {
		for _, d := range xs {
			ds = append(ds, d)
		}
	}
	add(upgradeHeader(), connectionHeader(), httpVersion(), forwardedProtoHeader(), sslServerName(),
		readTimeout("1h"), readTimeout(`"10 m"`), connectionMap(false), connectionMap(true),
		directive("location"), directive(""), directive("empty_block"))
	ds[len(ds)-1].(*config.Directive).Block = &config.Block{}
	for _, v := range []string{"", "1.22.1", "1.29.7"} {
		ver, err := spec.ParseVersion(v)
		if err != nil {
			t.Fatal(err)
		}
		add(hostHeader(ver))
		for _, bs := range []BlockSpec{
			{Path: "/ws/", Upstream: "http://127.0.0.1:9001"},
			{Path: "= /socket.io/", Upstream: "https://app.internal:8443/x/", ReadTimeout: "2h", Keepalive: true, UpstreamName: "ws_backend"},
			{Path: "~ ^/(chat|feed)$", Upstream: "https://app.internal", Keepalive: false},
			{Path: "/a b/", Upstream: "http://unix:/run/app.sock:/", Keepalive: true, UpstreamName: "u"},
			{Path: "", Upstream: "http://$backend", Keepalive: true, UpstreamName: "u"},
		} {
			bs.Version = ver
			g := GenerateBlock(bs)
			add(g.HTTP...)
			add(g.Location)
		}
	}
	// a block in a block
	outer := directive("http")
	outer.Block = &config.Block{Directives: []config.IDirective{connectionMap(true), directive("server_tokens", "off")}}
	add(outer)
	for _, d := range ds {
		for _, st := range []struct{ start, indent int }{{0, 0}, {0, 4}, {2, 4}} {
			var sb strings.Builder
			dumpDirective(&sb, d, st.start, st.indent)
			want := dumper.DumpDirective(d, &dumper.Style{StartIndent: st.start, Indent: st.indent})
			if sb.String() != want {
				t.Errorf("%s (start %d, indent %d):\n%q\nthe dumper prints\n%q", d.GetName(), st.start, st.indent, sb.String(), want)
			}
		}
		if got, want := render(d), strings.TrimSpace(dumper.DumpDirective(d, dumper.NoIndentStyle)); got != want {
			t.Errorf("render(%s) = %q, the dumper prints %q", d.GetName(), got, want)
		}
	}
	if len(ds) < 40 {
		t.Fatalf("%d directives: the cases are not built", len(ds))
	}
}
