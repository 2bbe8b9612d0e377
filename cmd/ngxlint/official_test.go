package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOfficialConfigs lints the official application configurations of
// NGINX-WEBSOCKET.md §4 and §8 (fixtures/official): no rule may report a
// warning or an error on them. Info findings are allowed but must match the
// reviewed NAME.out exactly (-update rewrites it).
func TestOfficialConfigs(t *testing.T) {
	dir, _ := filepath.Abs("../../fixtures/official")
	confs, _ := filepath.Glob(filepath.Join(dir, "*.conf"))
	if len(confs) < 10 {
		t.Fatalf("expected the official configurations in %s, found %d", dir, len(confs))
	}
	for _, conf := range confs {
		t.Run(filepath.Base(conf), func(t *testing.T) {
			args := append([]string{"lint", "--show", "info"}, caseArgs(conf)...)
			code, out, errOut := runIn(dir, "", append(args, conf)...)
			if code != 0 || errOut != "" {
				t.Errorf("exit %d\n%s%s", code, out, errOut)
			}
			for _, line := range strings.Split(out, "\n") {
				if strings.Contains(line, ": error: ") || strings.Contains(line, ": warning: ") {
					t.Errorf("false alarm on an official configuration: %s", line)
				}
			}
			want := strings.TrimSuffix(conf, ".conf") + ".out"
			if *update {
				if out == "" {
					_ = os.Remove(want)
				} else if err := os.WriteFile(want, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			exp, _ := os.ReadFile(want)
			if out != string(exp) {
				t.Errorf("info findings differ from %s\n--- got\n%s--- want\n%s", filepath.Base(want), out, exp)
			}
		})
	}
}
