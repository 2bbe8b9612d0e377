package model

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The directive table (directives_table.go) is generated from the nginx
// source: every ngx_command_t array of every module. With the nginx/nginx
// git repository at $NGINX_SRC (default: the mirror this project was built
// with), TestDirectiveTable checks that the table matches the source, and
//
//	go test ./parser/model -run TestDirectiveTable -update-directives
//
// rewrites it. Without the repository the test is skipped.

var updateDirectives = flag.Bool("update-directives", false, "rewrite directives_table.go from the nginx source in $NGINX_SRC")

const defaultNginxSrc = "/work/.mirror/nginx+nginx/repo"

// tableRev is the nginx commit the table is generated from (1.31.5-dev).
const tableRev = "3f6f7824d4e2"

func nginxSrc(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("NGINX_SRC")
	if dir == "" {
		dir = defaultNginxSrc
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	if err := exec.Command("git", "-C", dir, "cat-file", "-e", tableRev).Run(); err != nil {
		t.Skipf("no nginx source with commit %s at %s (set NGINX_SRC)", tableRev, dir)
	}
	return dir
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).Output()
	if err != nil {
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

var (
	commandArray = regexp.MustCompile(`(?s)ngx_command_t\s+\w+\[\]\s*=\s*\{(.*?)ngx_null_command`)
	commandEntry = regexp.MustCompile(`(?s)\{\s*ngx_string\("([^"]+)"\),\s*([A-Z0-9_|\s]+?),\s*([A-Za-z0-9_]+),`)
)

var ctxFlags = map[string]Ctx{
	"NGX_MAIN_CONF": CtxMain, "NGX_EVENT_CONF": CtxEvents, "NGX_ANY_CONF": CtxAny,
	"NGX_HTTP_MAIN_CONF": CtxHTTPMain, "NGX_HTTP_SRV_CONF": CtxHTTPServer, "NGX_HTTP_LOC_CONF": CtxHTTPLocation,
	"NGX_HTTP_UPS_CONF": CtxHTTPUpstream, "NGX_HTTP_SIF_CONF": CtxHTTPServerIf, "NGX_HTTP_LIF_CONF": CtxHTTPLocationIf,
	"NGX_HTTP_LMT_CONF":    CtxHTTPLimitExcept,
	"NGX_STREAM_MAIN_CONF": CtxStreamMain, "NGX_STREAM_SRV_CONF": CtxStreamServer, "NGX_STREAM_UPS_CONF": CtxStreamUpstream,
	"NGX_MAIL_MAIN_CONF": CtxMailMain, "NGX_MAIL_SRV_CONF": CtxMailServer,
}

var argFlags = map[string]uint32{
	"NGX_CONF_NOARGS": ArgNoArgs, "NGX_CONF_TAKE1": ArgTake1, "NGX_CONF_TAKE2": ArgTake2, "NGX_CONF_TAKE3": ArgTake3,
	"NGX_CONF_TAKE4": ArgTake4, "NGX_CONF_TAKE5": ArgTake5, "NGX_CONF_TAKE6": ArgTake6, "NGX_CONF_TAKE7": ArgTake7,
	"NGX_CONF_TAKE12": ArgTake1 | ArgTake2, "NGX_CONF_TAKE13": ArgTake1 | ArgTake3, "NGX_CONF_TAKE23": ArgTake2 | ArgTake3,
	"NGX_CONF_TAKE123": ArgTake1 | ArgTake2 | ArgTake3, "NGX_CONF_TAKE1234": ArgTake1 | ArgTake2 | ArgTake3 | ArgTake4,
	"NGX_CONF_BLOCK": ArgBlock, "NGX_CONF_FLAG": ArgFlag, "NGX_CONF_ANY": ArgAny, "NGX_CONF_1MORE": Arg1More,
	"NGX_CONF_2MORE": Arg2More,
	// NGX_DIRECT_CONF only says where the module's conf lives; it goes with NGX_MAIN_CONF.
	"NGX_DIRECT_CONF": 0,
}

// specsFromSource reads every directive declared in the nginx source at rev.
func specsFromSource(t *testing.T, dir, rev string) []DirectiveSpec {
	t.Helper()
	var out []DirectiveSpec
	for _, file := range strings.Fields(gitOut(t, dir, "ls-tree", "-r", "--name-only", rev, "src")) {
		if !strings.HasSuffix(file, ".c") {
			continue
		}
		src := gitOut(t, dir, "show", rev+":"+file)
		entries := 0
		for _, arr := range commandArray.FindAllStringSubmatch(src, -1) {
			entries += strings.Count(arr[1], "ngx_string(\"")
			for _, m := range commandEntry.FindAllStringSubmatch(arr[1], -1) {
				s := DirectiveSpec{Name: m[1], Module: strings.TrimSuffix(path.Base(file), ".c"), Setter: m[3]}
				for _, f := range strings.Split(m[2], "|") {
					f = strings.TrimSpace(f)
					if c, ok := ctxFlags[f]; ok {
						s.Ctx |= c
					} else if a, ok := argFlags[f]; ok {
						s.Args |= a
					} else {
						t.Fatalf("%s: directive %s: unknown flag %s", file, s.Name, f)
					}
				}
				out = append(out, s)
			}
		}
		// every directive of a command array must have been read: a
		// mismatch means the entry regex missed a layout
		got := 0
		for _, s := range out {
			if s.Module == strings.TrimSuffix(path.Base(file), ".c") {
				got++
			}
		}
		if got != entries {
			t.Fatalf("%s: read %d of %d directives", file, got, entries)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Module < out[j].Module
	})
	return out
}

func ctxExpr(c Ctx) string {
	if c == CtxAny {
		return "CtxAny"
	}
	names := []struct {
		c Ctx
		n string
	}{
		{CtxMain, "CtxMain"}, {CtxEvents, "CtxEvents"}, {CtxHTTPMain, "CtxHTTPMain"}, {CtxHTTPServer, "CtxHTTPServer"},
		{CtxHTTPLocation, "CtxHTTPLocation"}, {CtxHTTPUpstream, "CtxHTTPUpstream"}, {CtxHTTPServerIf, "CtxHTTPServerIf"},
		{CtxHTTPLocationIf, "CtxHTTPLocationIf"}, {CtxHTTPLimitExcept, "CtxHTTPLimitExcept"},
		{CtxStreamMain, "CtxStreamMain"}, {CtxStreamServer, "CtxStreamServer"}, {CtxStreamUpstream, "CtxStreamUpstream"},
		{CtxMailMain, "CtxMailMain"}, {CtxMailServer, "CtxMailServer"},
	}
	var parts []string
	for _, n := range names {
		if c&n.c != 0 {
			parts = append(parts, n.n)
		}
	}
	return strings.Join(parts, "|")
}

func renderTable(t *testing.T, specs []DirectiveSpec) []byte {
	t.Helper()
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by TestDirectiveTable -update-directives from nginx/nginx %s (1.31.5-dev); DO NOT EDIT.\n\n", tableRev)
	b.WriteString("package model\n\n")
	b.WriteString("// nginxDirectives holds every directive the modules of nginx declare, by name.\n")
	b.WriteString("var nginxDirectives = []DirectiveSpec{\n")
	for _, s := range specs {
		fmt.Fprintf(&b, "\t{Name: %q, Module: %q, Ctx: %s, Args: %#x, Setter: %q},\n", s.Name, s.Module, ctxExpr(s.Ctx), s.Args, s.Setter)
	}
	b.WriteString("}\n")
	out, err := format.Source(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDirectiveTable(t *testing.T) {
	dir := nginxSrc(t)
	specs := specsFromSource(t, dir, tableRev)
	want := renderTable(t, specs)
	if *updateDirectives {
		if err := os.WriteFile("directives_table.go", want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("directives_table.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("directives_table.go does not match the nginx source at %s; run go test ./parser/model -run TestDirectiveTable -update-directives", tableRev)
	}
	if len(nginxDirectives) != len(specs) {
		t.Fatalf("compiled table has %d specs, source %d: rebuild", len(nginxDirectives), len(specs))
	}
}

// TestDirectiveContextsStable checks the claim rules rely on: for every
// directive that already existed in nginx 1.22.1 (Debian 12), the context
// flags are the same as in the generated table, so one table serves every
// supported version for "is it allowed here" questions.
func TestDirectiveContextsStable(t *testing.T) {
	dir := nginxSrc(t)
	old := specsFromSource(t, dir, "release-1.22.1")
	type key struct{ name, module string }
	head := map[key]DirectiveSpec{}
	for _, s := range nginxDirectives {
		head[key{s.Name, s.Module}] = s
	}
	for _, s := range old {
		h, ok := head[key{s.Name, s.Module}]
		if !ok {
			continue // removed since (ssl on;)
		}
		if h.Ctx != s.Ctx {
			t.Errorf("%s (%s): contexts %s in 1.22.1, %s in the table", s.Name, s.Module, s.Ctx, h.Ctx)
		}
		if h.Setter != s.Setter && (isTimeSetter(h.Setter) || isTimeSetter(s.Setter)) {
			t.Errorf("%s (%s): setter %s in 1.22.1, %s in the table", s.Name, s.Module, s.Setter, h.Setter)
		}
	}
}

func isTimeSetter(s string) bool { _, ok := timeSetters[s]; return ok }
