package nginxtest

import (
	"bytes"
	"context"
	"os/exec"
	"testing"
)

// Dump runs nginx -T on the nginx.conf in dir, with dir as its prefix and
// error log (-p DIR/ -c DIR/nginx.conf -e DIR/error.log, so nothing outside
// dir is read or written), and returns what it prints on standard output:
// the configuration dump. The test fails when nginx -t refuses the
// configuration. nginx -T only tests: it binds no port and starts no
// process that outlives it.
func Dump(t testing.TB, dir string) string {
	t.Helper()
	bin := Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, append([]string{"-T"}, args(dir)...)...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("nginx -T: %v\n%s", err, stderr.String())
	}
	return stdout.String()
}
