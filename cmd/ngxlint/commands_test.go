package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Each command is registered under the name it builds: commandsFor builds
// in full only the command whose registered name the command line starts
// with.
func TestRegisteredCommandNames(t *testing.T) {
	e := &env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, cwd: os.TempDir(), getenv: os.Getenv}
	seen := map[string]bool{}
	for _, m := range commandMakers {
		if c := m.build(e); c.Name != m.name {
			t.Errorf("registered as %q, builds %q", m.name, c.Name)
		}
		if seen[m.name] {
			t.Errorf("%q registered twice", m.name)
		}
		seen[m.name] = true
	}
	if len(seen) < 5 {
		t.Errorf("only %d commands: the test checks too little", len(seen))
	}
	for _, m := range commandMakers {
		cmds := e.commandsFor(m.name)
		if len(cmds) != len(commandMakers) {
			t.Fatalf("commandsFor(%q): %d commands, want %d", m.name, len(cmds), len(commandMakers))
		}
		for i, c := range cmds {
			if c.Name != commandMakers[i].name {
				t.Errorf("commandsFor(%q)[%d] = %q, want %q", m.name, i, c.Name, commandMakers[i].name)
			}
			if built := c.Action != nil || len(c.Subcommands) > 0; built != (c.Name == m.name) {
				t.Errorf("commandsFor(%q): %s built in full = %v", m.name, c.Name, built)
			}
		}
	}
}

// A command line that starts with a command's name prints and exits the
// same whether the other commands are built in full or are their names
// alone (commandsFor).
func TestOnlyTheRunCommandIsBuilt(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "nginx.conf")
	src := "events {}\nhttp {\n  server {\n    listen 80;\n    location /ws/ {\n      proxy_pass http://127.0.0.1:9001;\n      proxy_set_header Upgrade $http_upgrade;\n    }\n  }\n}\n"
	if err := os.WriteFile(conf, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(all bool, args []string) string {
		var out, errOut bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, cwd: dir, getenv: func(string) string { return "" }, allCommands: all}
		code := e.run(append([]string{"ngxlint"}, args...))
		return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	var cases [][]string
	for _, m := range commandMakers {
		x := m.name
		cases = append(cases, []string{x}, []string{x, "--help"}, []string{x, "-h"}, []string{x, "help"},
			[]string{x, "help", "fix"}, []string{x, "help", "nope"}, []string{x, "--nope"}, []string{x, "nope"},
			[]string{x, "--show", "info", conf}, []string{x, conf, "--format", "json"})
	}
	cases = append(cases, []string{"config", "init", "--help"}, []string{"config", "check", "--help"}, []string{"explain", "WS001"})
	differ, helps := map[string]bool{}, 0
	for _, args := range cases {
		want := run(true, args)
		got := run(false, args)
		if got != want {
			t.Errorf("ngxlint %q with only %s built:\n%s\nwith every command built:\n%s", args, args[0], got, want)
		}
		differ[want] = true
		if strings.Contains(want, "USAGE:") {
			helps++
		}
	}
	if len(differ) < len(cases)/3 || helps < 10 {
		t.Errorf("%d distinct outputs of %d command lines, %d helps: the test compares too little", len(differ), len(cases), helps)
	}
}
