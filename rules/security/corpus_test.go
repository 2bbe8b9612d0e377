package security

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/spec"
	"github.com/ngxlint/ngxlint/rules"
)

// corpusDirs hold working configurations: the security family must not
// warn on them. NGXLINT_IDIOMS adds another directory (an idiom corpus
// being written elsewhere).
func corpusDirs() []string {
	dirs := []string{"../../fixtures/official", "../../fixtures/examples", "../../fixtures/idioms"}
	if d := os.Getenv("NGXLINT_IDIOMS"); d != "" {
		dirs = append(dirs, d)
	}
	return dirs
}

func TestCorpusHasNoSecurityWarnings(t *testing.T) {
	infos := 0
	for _, dir := range corpusDirs() {
		var confs []string
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".conf") && !strings.Contains(p, "/conf.d/") && !strings.Contains(p, "/sites-") && !strings.Contains(p, "/snippets/") {
				confs = append(confs, p)
			}
			return nil
		})
		for _, c := range confs {
			v := spec.MustVersion("1.22.1")
			if b, err := os.ReadFile(strings.TrimSuffix(c, ".conf") + ".args"); err == nil {
				if f := strings.Fields(string(b)); len(f) == 2 && f[0] == "--nginx-version" {
					v = spec.MustVersion(f[1])
				}
			}
			units, err := parser.Load([]string{c}, parser.Options{})
			if err != nil {
				continue
			}
			for _, u := range units {
				fs, err := rules.Lint([]*parser.Unit{u}, &rules.Options{Version: v}, rules.RunOptions{})
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range fs {
					if !strings.HasPrefix(f.Rule.ID, "SEC") {
						continue
					}
					if f.Severity >= rules.Warning {
						t.Errorf("%s:%d: %s %s: %s", f.Span.File.Path, f.Pos().Line, f.Rule.ID, f.Severity, f.Message)
					} else {
						infos++
						t.Logf("%s:%d: %s info: %s", f.Span.File.Path, f.Pos().Line, f.Rule.ID, f.Message)
					}
				}
			}
		}
	}
	t.Logf("%d info notes", infos)
}
