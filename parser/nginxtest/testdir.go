package nginxtest

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
)

// TestDir runs nginx -t on DIR/nginx.conf with DIR as the prefix and
// DIR/error.log as the error log, for a configuration written to keep
// everything inside DIR (relative pid, log and temp paths; loopback
// listens). It returns whether nginx accepted it and what nginx printed; err
// is set only when nginx could not be run or did not finish in time. Unlike
// Test it neither writes nor wraps the configuration, and it is safe to call
// from several goroutines (it never calls t.Fatal).
func TestDir(bin, dir string) (ok bool, output string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"-t"}, args(dir)...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return false, string(out), fmt.Errorf("nginx -t did not finish in %v", testTimeout)
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return false, string(out), fmt.Errorf("cannot run nginx -t: %w", err)
	}
	return err == nil, string(out), nil
}
