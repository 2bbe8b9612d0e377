package model_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/parser/nginxtest"
	"github.com/ngxlint/ngxlint/parser/spec"
)

// recorded is the nginx version the hand-written expectations in these
// tests were checked against (Debian 12's package).
var recorded = spec.MustVersion("1.22.1")

// loadConf reads a configuration file the way ngxlint does and builds its model.
func loadConf(t *testing.T, path string, v spec.Version) *model.Config {
	t.Helper()
	units, err := parser.Load([]string{path}, parser.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 1 {
		t.Fatalf("%s: %d units, want 1", path, len(units))
	}
	for _, p := range units[0].Problems {
		t.Fatalf("%s: %s", path, p.Msg)
	}
	return model.Build(units[0], model.Options{Version: v})
}

// offlineModel builds the model of body (the inside of http{}) and files
// written beside its nginx.conf, without running nginx. {{PORT}} and
// {{BACKEND}} get dummy values.
func offlineModel(t *testing.T, body string, files map[string]string) *model.Config {
	t.Helper()
	dir := t.TempDir()
	r := strings.NewReplacer("{{PORT}}", "8123", "{{BACKEND}}", "127.0.0.1:9", "{{DIR}}", dir)
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(r.Replace(content)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte("events {}\nhttp {\n"+r.Replace(body)+"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return loadConf(t, conf, recorded)
}

// liveModel runs nginx on body (the inside of http{}) with files beside its
// nginx.conf, {{BACKEND}} being the echo backend, and returns it with the
// model built from the very file nginx runs, for nginx's own version.
func liveModel(t *testing.T, body string, files map[string]string, echo *nginxtest.Echo) (*nginxtest.Nginx, *model.Config) {
	t.Helper()
	nginxtest.Require(t)
	backend := "127.0.0.1:9"
	if echo != nil {
		backend = echo.Addr
	}
	var opts []nginxtest.Option
	for name, content := range files {
		opts = append(opts, nginxtest.WithFile(name, strings.ReplaceAll(content, "{{BACKEND}}", backend)))
	}
	n := nginxtest.Start(t, strings.ReplaceAll(body, "{{BACKEND}}", backend), opts...)
	v, err := spec.ParseVersion(nginxtest.Version(t))
	if err != nil {
		t.Fatal(err)
	}
	return n, loadConf(t, n.ConfPath(), v)
}

// serverNamed returns the server block with the given server_name.
func serverNamed(t *testing.T, c *model.Config, name string) *model.Block {
	t.Helper()
	for _, s := range c.Servers {
		for _, e := range s.Own("server_name") {
			for _, a := range e.D.Args {
				if a.Value == name {
					return s
				}
			}
		}
	}
	t.Fatalf("no server %s in the model", name)
	return nil
}
