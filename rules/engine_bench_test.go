package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
)

// BenchmarkLintUnits measures the rule phase alone (files loaded once) on
// 300 small conf.d files, serially and with the default pool.
func BenchmarkLintUnits(b *testing.B) {
	dir := b.TempDir()
	var paths []string
	for i := 0; i < 300; i++ {
		p := filepath.Join(dir, "conf.d", fmt.Sprintf("s%03d.conf", i))
		src := fmt.Sprintf("map $http_upgrade $cu%d {\n    default upgrade;\n    '' close;\n}\nserver {\n    listen 80;\n    location /ws%d/ {\n        proxy_pass http://127.0.0.1:%d;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $cu%d;\n    }\n}\n", i, i, 9000+i, i)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			b.Fatal(err)
		}
		paths = append(paths, p)
	}
	units, err := parser.Load(paths, parser.Options{Cwd: dir})
	if err != nil {
		b.Fatal(err)
	}
	for _, jobs := range []int{1, 0} {
		name := map[int]string{1: "serial", 0: "pool"}[jobs]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Lint(units, &Options{}, RunOptions{Jobs: jobs}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
