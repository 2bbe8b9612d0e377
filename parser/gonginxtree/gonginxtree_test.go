package gonginxtree

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
)

func TestOfPairsEveryDirective(t *testing.T) {
	src := "\ufeffhttp {\n  map $http_upgrade $c { default upgrade; '' close; }\n  upstream b { server 127.0.0.1:1 weight=2; keepalive 8; server 127.0.0.1:2; }\n  server {\n    listen 80;\n    location ~* \"^/ws\" { if ($http_upgrade) { return 200; } proxy_pass http://b; }\n  }\n}\n"
	f, err := parser.Parse("t.conf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	cfg, gerr := Of(f)
	if gerr != nil {
		t.Fatalf("gonginx disagreed: %v", gerr)
	}
	if got := len(cfg.GetDirectives()); got != 1 {
		t.Errorf("gonginx read %d top-level directives, want 1", got)
	}
	n := 0
	f.Walk(func(d *parser.Directive) {
		if Node(d) == nil {
			t.Errorf("%s at %d has no gonginx node", d.Name, d.Start())
		} else if Node(d).GetName() != f.Raw(d.NameW()) {
			t.Errorf("%s paired with gonginx %s", d.Name, Node(d).GetName())
		}
		n++
	})
	if n != 14 {
		t.Errorf("walked %d directives, want 14", n)
	}
	if again, _ := Of(f); again != cfg {
		t.Error("a second call parsed the file again")
	}
}

func TestDisagreementKeepsTheParsersTree(t *testing.T) {
	// gonginx cannot read a '}' inside a word; nginx can.
	f, err := parser.Parse("t.conf", []byte("location / { return 200 foo}bar; }\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Of(f); err == nil {
		t.Fatal("expected gonginx to fail on foo}bar")
	}
	d := f.Top[0].Block.Directives[0]
	if Node(d) != nil {
		t.Error("a directive has a node of a tree gonginx could not build")
	}
	if d.Arg(1) != "foo}bar" {
		t.Fatalf("tree lost: %q", d.Arg(1))
	}
}

// The command lints with package parser alone: linking gonginx's parser
// would run its start-up (a table of every directive it knows) on every
// run of ngxlint, for a tree the command never asks for.
func TestCommandDoesNotLinkGonginxParser(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/ngxlint/ngxlint/cmd/ngxlint").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list printed too little:\n%s", out)
	}
	for _, p := range deps {
		if p == "github.com/tufanbarisyildirim/gonginx/parser" || p == "github.com/ngxlint/ngxlint/parser/gonginxtree" {
			t.Errorf("cmd/ngxlint links %s", p)
		}
	}
}
