package model_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser/model"
)

// Names nginx ignores on a socket, each for its own reason: taken by an
// earlier server (exact, leading and trailing wildcards, ".name" against
// both), listed twice by one server, the implicit "" of two servers without
// server_name. Regexes never conflict, and a socket with one server builds
// no name table, so its repeated name is no conflict.
const nameConflictConf = `
server {
    listen 127.0.0.1:{{PORT}};
    server_name example.com www.Example.com *.a.example .dot.example tail.*;
}
server {
    listen 127.0.0.1:{{PORT}};
    server_name Example.com;
    server_name www.example.com .a.example tail.* ~^x$;
}
server {
    listen 127.0.0.1:{{PORT}};
    server_name dot.example ~^x$ twice.example twice.example;
}
server {
    listen 127.0.0.1:{{PORT}};
}
server {
    listen 127.0.0.1:{{PORT}};
}
server {
    listen 127.0.0.2:{{PORT}};
    server_name alone.example alone.example;
}
`

var conflictLine = regexp.MustCompile(`conflicting server name "([^"]*)" on (\S+), ignored`)

func conflictsOf(c *model.Config, port string) []string {
	var out []string
	for _, nc := range c.NameConflicts() {
		out = append(out, nc.Name+" on "+strings.ReplaceAll(nc.Addr, port, "PORT"))
	}
	return out
}

var wantConflicts = []string{
	"example.com on 127.0.0.1:PORT",
	"www.example.com on 127.0.0.1:PORT",
	".a.example on 127.0.0.1:PORT",
	"tail.* on 127.0.0.1:PORT",
	"dot.example on 127.0.0.1:PORT",
	"twice.example on 127.0.0.1:PORT",
	" on 127.0.0.1:PORT",
}

func TestNameConflictsOffline(t *testing.T) {
	c := offlineModel(t, nameConflictConf, nil)
	got := conflictsOf(c, "8123")
	if !slices.Equal(got, wantConflicts) {
		t.Errorf("conflicts:\n got %q\nwant %q", got, wantConflicts)
	}
	for _, nc := range c.NameConflicts() {
		if nc.Name == "" {
			if nc.D != nil {
				t.Errorf("the implicit name has no directive")
			}
			continue
		}
		if nc.D == nil || !strings.EqualFold(nc.D.Args[nc.Arg].Value, nc.Name) {
			t.Errorf("%s: points at %v", nc.Name, nc.D)
		}
		if (nc.Name == "twice.example") != (nc.Keeper == nc.Server) {
			t.Errorf("%s: keeper %p, server %p", nc.Name, nc.Keeper, nc.Server)
		}
	}
}

func TestNameConflictsAgreeWithNginx(t *testing.T) {
	n, c := liveModel(t, nameConflictConf, nil, nil)
	port := strings.TrimPrefix(n.Addr(), "127.0.0.1:")
	var said []string
	for _, m := range conflictLine.FindAllStringSubmatch(n.TestOutput, -1) {
		said = append(said, m[1]+" on "+strings.ReplaceAll(m[2], port, "PORT"))
	}
	if !slices.Equal(said, wantConflicts) {
		t.Errorf("nginx -t warned:\n%q\nthe test expects %q\n%s", said, wantConflicts, n.TestOutput)
	}
	if got := conflictsOf(c, port); !slices.Equal(got, said) {
		t.Errorf("model: %q\nnginx: %q", got, said)
	}
}
