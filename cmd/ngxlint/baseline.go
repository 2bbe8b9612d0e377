package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/ngxlint/ngxlint/rules"
)

// baselineFlags are lint's flags for baselines (rules/baseline.go).
func baselineFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "baseline", Usage: "show only the findings that the baseline `FILE` does not hold; its entries that match no finding any more are reported (NGX008)"},
		&cli.StringFlag{Name: "write-baseline", Usage: "write every finding into the baseline `FILE` (JSON, sorted, paths relative to its directory) and show none"},
	}
}

// applyBaseline writes the findings into --write-baseline and returns none,
// or removes those --baseline holds and adds its stale entries.
func (e *env) applyBaseline(c *cli.Context, s *settings, fs []*rules.Finding) ([]*rules.Finding, error) {
	if name := c.String("write-baseline"); name != "" {
		p := e.inCwd(name)
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, &ioError{msg: fmt.Sprintf("cannot write the baseline %s: %v", name, err)}
		}
		b := rules.NewBaseline(fs, filepath.Dir(abs))
		if err := writeFileAtomic(abs, b.Encode()); err != nil {
			return nil, &ioError{msg: fmt.Sprintf("cannot write the baseline %s: %v", name, fixUnwrapPath(err))}
		}
		entries := "entries"
		if len(b.Entries) == 1 {
			entries = "entry"
		}
		fmt.Fprintf(e.stderr, "wrote the baseline %s: %d %s\n", name, len(b.Entries), entries)
		return nil, nil
	}
	if name := c.String("baseline"); name != "" {
		b, err := rules.ReadBaseline(e.inCwd(name), name)
		if err != nil {
			return nil, &ioError{msg: err.Error()}
		}
		return b.Apply(fs, &s.opts), nil
	}
	return fs, nil
}

// inCwd makes a path given on the command line relative to the command's
// working directory.
func (e *env) inCwd(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(e.cwd, p)
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it over path, so that a reader never sees half a file.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".ngxlint-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		_ = os.Remove(tmp)
	}
	return werr
}
