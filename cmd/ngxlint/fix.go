package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	udiff "github.com/aymanbagabas/go-udiff"
	"github.com/urfave/cli/v2"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { registerCommand(20, "fix", (*env).fixCommand) }

func (e *env) fixCommand() *cli.Command {
	flags := append(commonFlags(),
		&cli.BoolFlag{Name: "diff", Usage: "print a unified diff of every changed file (a/ and b/ paths, for git apply or patch -p1) instead of the patched text"},
		&cli.BoolFlag{Name: "write", Aliases: []string{"w"}, Usage: "write the fixes into the files, atomically, keeping each file's mode"},
	)
	return &cli.Command{
		Name:      "fix",
		Usage:     "repair what lint finds, changing only the bytes that are wrong",
		ArgsUsage: "PATH... (without --diff or --write: one file, or - for standard input)",
		Flags:     flags,
		Description: "Applies the automatic fixes of the findings at or above the fail level, then parses and lints the result " +
			"again in the same context; if it does not parse or a fixed finding is still there, nothing is written. " +
			"Without flags it prints the patched file; --diff prints a unified diff; --write changes the files in place. " +
			"Fixed findings and findings without an automatic fix (with the reason) are listed on standard error.\n\n" +
			"Exit codes: 0 nothing at or above the fail level is left (for --diff: and the diff is empty), " +
			"1 findings are left that need a manual fix (for --diff: or the diff is not empty), 2 usage, configuration " +
			"or I/O error, or a fix that would not be safe to write (a file outside the roots, or changed while ngxlint ran), 3 internal error.",
		Action: e.fixAction,
	}
}

func (e *env) fixAction(c *cli.Context) error {
	s, err := e.settings(c)
	if err != nil {
		return err
	}
	diff, write := c.Bool("diff"), c.Bool("write")
	paths := c.Args().Slice()
	switch {
	case len(paths) == 0:
		return &usageError{msg: "no path given: ngxlint fix [--diff | --write] PATH... (a file, a directory, or - for standard input)"}
	case diff && write:
		return &usageError{msg: "--diff and --write cannot be used together"}
	case !diff && !write && len(paths) > 1:
		return &usageError{msg: "ngxlint fix prints one patched file; for several paths use --diff or --write"}
	case write && containsStdin(paths):
		return &usageError{msg: "--write cannot write to standard input; use --diff, or no flag to print the patched text"}
	}
	resolved := make([]string, len(paths))
	for i, p := range paths {
		resolved[i] = e.resolve(p)
	}
	if !diff && !write && resolved[0] != "-" {
		if st, err := os.Stat(resolved[0]); err == nil && st.IsDir() {
			return &usageError{msg: fmt.Sprintf("%s is a directory: ngxlint fix prints one patched file; use --diff or --write", paths[0])}
		}
	}
	units, err := parser.Load(resolved, s.load)
	if err != nil {
		return pathError(err)
	}
	if len(units) > 0 && units[0].Dump != "" && !diff {
		what := "--write cannot write into an nginx -T dump"
		if !write {
			what = "ngxlint fix on an nginx -T dump prints no single file"
		}
		return &usageError{msg: what + "; use --diff for a patch against the original paths (apply it on the host with patch -p1 -d /)"}
	}
	res, err := rules.ApplyFixes(units, s.failLevel, e.fixLint(s))
	if err != nil {
		var fe *rules.FixError
		if errors.As(err, &fe) {
			fmt.Fprintf(e.stderr, "ngxlint: %v\n", fe)
			return exitCode(exitError)
		}
		return err
	}
	if fixHook != nil {
		fixHook(res)
	}
	code := exitOK
	if len(res.Unfixed) > 0 {
		code = exitFindings
	}
	switch {
	case diff:
		text, withheld, err := e.unifiedDiff(res)
		if err != nil {
			return err
		}
		fmt.Fprint(e.stdout, text)
		if text != "" || withheld {
			code = exitFindings
		}
	case write:
		// report after writing: a failed write fixed nothing
		if err := e.writeFixes(res, unitRoots(units)); err != nil {
			return err
		}
	default:
		if err := e.printPatched(res, units, resolved[0]); err != nil {
			return err
		}
	}
	// positions: in the written files with --write, else in the input
	e.reportFixes(res, write)
	return exitCode(code)
}

// fixLint lints the way lint does: the same run options (inline ignores,
// jobs), ignored files dropped, sorted.
func (e *env) fixLint(s *settings) rules.LintFunc {
	return func(units []*parser.Unit) ([]*rules.Finding, error) {
		fs, err := rules.Lint(units, &s.opts, s.run)
		if err != nil {
			return nil, err
		}
		fs = e.dropIgnored(s, fs)
		rules.SortFindings(fs)
		return fs, nil
	}
}

// fixHook, when set (by tests), sees every fix result.
var fixHook func(*rules.FixResult)

func containsStdin(paths []string) bool {
	for _, p := range paths {
		if p == "-" {
			return true
		}
	}
	return false
}

// reportFixes lists on standard error what was fixed and what was not.
func (e *env) reportFixes(res *rules.FixResult, written bool) {
	for _, f := range res.Fixed {
		p := f.Pos()
		how := "resolved by the fix of another finding"
		if f.Fix != nil {
			how = f.Fix.Message
		}
		fmt.Fprintf(e.stderr, "%s:%d:%d: fixed: %s [%s %s]\n", shownPath(f.Span.File.Path), p.Line, p.Column, shownText(how), f.Rule.ID, f.Rule.Name)
	}
	for _, u := range res.Unfixed {
		f := u.Finding
		file, p := res.InputPos(f)
		if written {
			file, p = f.Span.File, f.Pos()
		}
		fmt.Fprintf(e.stderr, "%s:%d:%d: %s: %s [%s %s]\n    not fixed: %s\n", shownPath(file.Path), p.Line, p.Column, f.Severity, shownText(f.Message), f.Rule.ID, f.Rule.Name, shownText(u.Reason))
	}
}

// diffPath is the path a diff names a file by: relative to the working
// directory when the file is under it.
func (e *env) diffPath(f *parser.File) string {
	p := f.Path
	if f.Abs == "" && filepath.IsAbs(p) {
		// a file of an nginx -T dump: a/etc/nginx/..., for patch -p1 -d /
		return strings.TrimPrefix(filepath.ToSlash(p), "/")
	}
	if f.Abs != "" {
		p = f.Abs
		if rel, err := filepath.Rel(e.cwd, f.Abs); err == nil && !strings.HasPrefix(rel, "..") {
			p = rel
		}
	}
	return filepath.ToSlash(p)
}

// unifiedDiff is one unified diff of every changed file, in path order.
// A file whose diff would carry control characters (an escape sequence in
// a line around the fix) is left out of it and named on stderr: a diff
// shows the file's lines as they are, and they must not reach a terminal
// raw. withheld says whether a file was left out.
func (e *env) unifiedDiff(res *rules.FixResult) (text string, withheld bool, err error) {
	var sb strings.Builder
	for _, ff := range res.Files {
		p := e.diffPath(ff.File)
		if strings.HasPrefix(p, "/") || strings.HasPrefix(p, "../") {
			fmt.Fprintf(e.stderr, "ngxlint: %s is outside the working directory; run ngxlint from a directory that holds it to get a diff git apply takes\n", shownText(p))
		}
		d, err := udiff.ToUnified("a/"+p, "b/"+p, string(ff.File.Src), udiff.Lines(string(ff.File.Src), string(ff.New)), udiff.DefaultContextLines)
		if err != nil {
			return "", false, err
		}
		if rawControl(d) {
			fmt.Fprintf(e.stderr, "ngxlint: %s: no diff printed: the lines around its fix hold control characters, which a diff would print raw; run ngxlint fix --write to apply the fix\n", shownText(p))
			withheld = true
			continue
		}
		sb.WriteString(d)
	}
	return sb.String(), withheld, nil
}

// rawControl reports whether s holds a control character other than a
// tab, a line feed or the carriage return of a CRLF line end.
func rawControl(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\t' || c == '\n':
		case c == '\r' && i+1 < len(s) && s[i+1] == '\n':
		case c < ' ' || c == 0x7f:
			return true
		}
	}
	return false
}

// printPatched prints the patched text of the one file asked for.
func (e *env) printPatched(res *rules.FixResult, units []*parser.Unit, path string) error {
	var target *parser.File
	want := ""
	if path != "-" {
		want = realAbs(path)
	}
	for _, u := range units {
		for _, f := range u.Files() {
			if path == "-" && f == u.Root && f.Abs == "" || want != "" && f.Abs != "" && realAbs(f.Abs) == want {
				target = f
			}
		}
	}
	if target == nil {
		return fmt.Errorf("cannot find %s among the files read", path)
	}
	var others []string
	for _, ff := range res.Files {
		if ff.File != target {
			others = append(others, ff.File.Path)
		}
	}
	if len(others) > 0 {
		return &usageError{msg: fmt.Sprintf("the fixes also change %s; use --diff to see them or --write to apply them", strings.Join(others, ", "))}
	}
	out := target.Src
	if b, ok := res.Changed(target); ok {
		out = b
	}
	_, err := e.stdout.Write(out)
	return err
}

func realAbs(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	return abs
}

// fixBeforeRename, when set (by tests), runs just before the checks that
// precede each rename: a test changes the file there, or waits for a signal.
var fixBeforeRename func(dst string)

// writeFixes writes every changed file in place. All new contents are
// first written to temporary files beside their targets; only when all of
// them are ready are they renamed over the originals, so that a file or a
// directory that cannot be written leaves every file untouched.
//
// A file is written only inside the configuration's roots (a symbolic link
// that leads out of them is refused, even with --allow-outside-roots), and
// only if it is still what was read: its size, modification time and
// content are compared right before the rename, and a file changed since
// is not overwritten (exit 2, nothing written). A file with other hard
// links is replaced with a warning: the other names keep the old text.
// The temporary files are removed on every path, SIGINT and SIGTERM
// included.
func (e *env) writeFixes(res *rules.FixResult, roots *parser.Roots) error {
	type pending struct {
		tmp, dst, shown string
		file            *parser.File
	}
	var (
		mu    sync.Mutex // held while a temporary file is created or renamed
		temps = map[string]bool{}
		ready []pending
	)
	stop := onSignal(func() {
		mu.Lock() // never unlocked: no rename after a signal
		for t := range temps {
			_ = os.Remove(t)
		}
	})
	defer stop()
	cleanup := func() {
		mu.Lock()
		defer mu.Unlock()
		for t := range temps {
			_ = os.Remove(t)
			delete(temps, t)
		}
	}
	for _, ff := range res.Files {
		shown := shownPath(ff.File.Path)
		if ff.File.Abs == "" {
			cleanup()
			return fmt.Errorf("cannot write %s: it is not a file on disk", shown)
		}
		dst, err := filepath.EvalSymlinks(ff.File.Abs)
		if err != nil {
			cleanup()
			return fmt.Errorf("cannot write %s: %w; nothing was written", shown, fixUnwrapPath(err))
		}
		if roots == nil || !roots.Inside(dst) {
			cleanup()
			return &ioError{msg: shownText(fmt.Sprintf("not writing %s: it resolves to %s, outside the configuration's roots; fix --write writes only inside them (--include-root DIR widens them); nothing was written", ff.File.Path, dst))}
		}
		if err := unchangedSinceRead(dst, ff.File); err != nil {
			cleanup()
			return &ioError{msg: shownText(fmt.Sprintf("not writing %s: %v; nothing was written (run ngxlint fix again)", ff.File.Path, err))}
		}
		if n := ff.File.Stamp.Nlink; n > 1 {
			fmt.Fprintf(e.stderr, "ngxlint: warning: %s has %d hard links; the fixed file replaces this name only, the other %d keep the old text\n", shown, n, n-1)
		}
		tmp, err := prepareAtomic(dst, ff.New, func(create func() (*os.File, error)) (*os.File, error) {
			mu.Lock()
			defer mu.Unlock()
			f, err := create()
			if err == nil {
				temps[f.Name()] = true
			}
			return f, err
		})
		if err != nil {
			cleanup()
			return fmt.Errorf("cannot write %s: %w; nothing was written", shown, err)
		}
		ready = append(ready, pending{tmp, dst, shown, ff.File})
	}
	for i, p := range ready {
		if fixBeforeRename != nil {
			fixBeforeRename(p.dst)
		}
		mu.Lock()
		err := unchangedSinceRead(p.dst, p.file)
		if err == nil {
			err = os.Rename(p.tmp, p.dst)
		}
		if err == nil {
			delete(temps, p.tmp)
		}
		mu.Unlock()
		if err != nil {
			cleanup()
			var done []string
			for _, q := range ready[:i] {
				done = append(done, q.shown)
			}
			return &ioError{msg: shownText(fmt.Sprintf("not writing %s: %v (already written: %s)", p.file.Path, err, orNone(done)))}
		}
		syncDir(filepath.Dir(p.dst))
	}
	for _, p := range ready {
		fmt.Fprintf(e.stderr, "wrote %s\n", p.shown)
	}
	return nil
}

// unchangedSinceRead checks that the file at dst is still the one read as f: the
// same size and modification time, and the same bytes.
func unchangedSinceRead(dst string, f *parser.File) error {
	changed := fmt.Errorf("%s changed since ngxlint read it", dst)
	st, err := os.Stat(dst)
	if err != nil {
		return fixUnwrapPath(err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s is no longer a regular file", dst)
	}
	if st.Size() != f.Stamp.Size || !st.ModTime().Equal(f.Stamp.ModTime) || st.Size() != int64(len(f.Src)) {
		return changed
	}
	now, _, err := parser.ReadConfigFile(dst, parser.NewBudget(parser.Limits{MaxFileSize: st.Size() + 1, MaxTotalSize: st.Size() + 1}))
	if err != nil {
		return err
	}
	if !bytes.Equal(now, f.Src) {
		return changed
	}
	return nil
}

// unitRoots are the roots the units were read from.
func unitRoots(units []*parser.Unit) *parser.Roots {
	for _, u := range units {
		if u.Roots != nil {
			return u.Roots
		}
	}
	return nil
}

func orNone(ss []string) string {
	if len(ss) == 0 {
		return "none"
	}
	return strings.Join(ss, ", ")
}

// prepareAtomic writes data to a new temporary file in the directory of
// dst, the real file (a symbolic link such as sites-enabled/x stays a
// link), with the original's mode and, where allowed, its owner. It
// returns the temporary file to rename over dst. create wraps the creation
// of the temporary file, so the caller learns its name before anything can
// interrupt it. A file or directory without write permission is refused
// even for root: its mode says it is not meant to be changed.
func prepareAtomic(dst string, data []byte, create func(func() (*os.File, error)) (*os.File, error)) (tmp string, err error) {
	st, err := os.Stat(dst)
	if err != nil {
		return "", fixUnwrapPath(err)
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("%s is not a regular file", dst)
	}
	if st.Mode().Perm()&0o222 == 0 {
		return "", fmt.Errorf("the file is read-only (mode %04o)", st.Mode().Perm())
	}
	dir := filepath.Dir(dst)
	if dst, err := os.Stat(dir); err == nil && dst.Mode().Perm()&0o222 == 0 {
		return "", fmt.Errorf("its directory %s is read-only (mode %04o)", dir, dst.Mode().Perm())
	}
	f, err := create(func() (*os.File, error) { return os.CreateTemp(dir, "."+filepath.Base(dst)+".ngxlint-*") })
	if err != nil {
		return "", fixUnwrapPath(err)
	}
	tmp = f.Name()
	fail := func(err error) (string, error) {
		_ = f.Close()
		_ = os.Remove(tmp)
		return "", fixUnwrapPath(err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Chmod(st.Mode() & (os.ModePerm | os.ModeSetuid | os.ModeSetgid | os.ModeSticky)); err != nil {
		return fail(err)
	}
	keepOwner(f, st)
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(tmp)
		return "", fixUnwrapPath(err)
	}
	return tmp, nil
}

func fixUnwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// syncDir makes a rename durable; failure only weakens durability.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
