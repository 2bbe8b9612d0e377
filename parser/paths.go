package parser

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// resolver answers what filepath.Abs and filepath.EvalSymlinks answer for
// the paths one load reads, with one system call per path component ever
// seen instead of one per component per call: filepath.Abs asks the
// kernel for the working directory twice, and EvalSymlinks looks at every
// component of the path again, each time. A tree of thousands of
// fragments asked both several times per file (tens of stat calls per
// fragment, a fifth of the CPU time). A load reads a configuration at one
// moment, so what a directory resolves to is looked up once. It is safe
// for concurrent use.
type resolver struct {
	// cwd is the working directory, "" if unknown (filepath.Abs then),
	// asked of the kernel when a relative path first comes (cwdOnce)
	cwd     string
	cwdOnce sync.Once
	mu      sync.Mutex
	reals   map[string]resolved // by absolute, clean path
}

type resolved struct {
	real string
	ok   bool // false: the path does not resolve (EvalSymlinks fails)
	// regular is set when the path is known to be a regular file (its
	// last component read, after links)
	regular bool
}

func newResolver() *resolver {
	return &resolver{reals: map[string]resolved{}}
}

// abs is filepath.Abs(p), or p cleaned where that fails.
func (r *resolver) abs(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	r.cwdOnce.Do(func() {
		if wd, err := os.Getwd(); err == nil {
			r.cwd = wd
		}
	})
	if r.cwd != "" {
		return filepath.Join(r.cwd, p)
	}
	return mustAbs(p)
}

// real is loader.realPath(p): p absolute with its links resolved, or p absolute
// where it does not resolve; ok says which.
func (r *resolver) real(p string) (string, bool) {
	v := r.eval(r.abs(p))
	if !v.ok {
		return r.abs(p), false
	}
	return v.real, true
}

// eval resolves an absolute, clean path component by component, each
// directory once.
func (r *resolver) eval(abs string) resolved {
	r.mu.Lock()
	v, ok := r.reals[abs]
	r.mu.Unlock()
	if ok {
		return v
	}
	dir, name := filepath.Split(abs)
	if name == "" { // the root directory
		v = resolved{real: abs, ok: true}
	} else {
		parent := r.eval(filepath.Clean(dir))
		if parent.ok {
			v = r.evalIn(parent.real, name)
		}
	}
	r.mu.Lock()
	r.reals[abs] = v
	r.mu.Unlock()
	return v
}

// evalIn resolves name inside dir, a directory with no link left in it.
func (r *resolver) evalIn(dir, name string) resolved {
	p := filepath.Join(dir, name)
	fi, err := os.Lstat(p)
	if err != nil {
		return resolved{}
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		return resolved{real: p, ok: true, regular: fi.Mode().IsRegular()}
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return resolved{}
	}
	return resolved{real: real, ok: true}
}

// seen records what a directory listing showed: dir/name is a regular
// file, not a link, so it resolves to the resolved dir/name.
func (r *resolver) seen(dir, name string) {
	d := r.eval(r.abs(dir))
	if !d.ok {
		return
	}
	abs := filepath.Join(r.abs(dir), name)
	r.mu.Lock()
	if _, ok := r.reals[abs]; !ok {
		r.reals[abs] = resolved{real: filepath.Join(d.real, name), ok: true, regular: true}
	}
	r.mu.Unlock()
}

// regular reports whether p is known to be a regular file, from a lookup
// done before: a stat before opening it can be spared.
func (r *resolver) regular(p string) bool {
	r.mu.Lock()
	v := r.reals[r.abs(p)]
	r.mu.Unlock()
	return v.ok && v.regular
}

// canonical is canonical(p), from the cache when p resolves.
func (r *resolver) canonical(p string) string {
	if real, ok := r.real(p); ok {
		return real
	}
	return canonical(p)
}

// globFiles is globLikeNginx(pattern) without the directories among the
// matches (a file's link to a directory is one too): the files an include
// of the pattern reads. When only the last component of the pattern has
// wildcards, as in conf.d/*.conf, the directory is listed once with the
// types of its entries, and no file is looked at one by one.
func (r *resolver) globFiles(pattern string) ([]string, error) {
	dir, file := filepath.Split(pattern)
	if hasGlobMeta(dir) || !hasGlobMeta(file) {
		return r.globFilesSlow(pattern)
	}
	if _, err := filepath.Match(file, ""); err != nil {
		return nil, err
	}
	// as filepath.Glob cleans it
	switch dir {
	case "":
		dir = "."
	case string(filepath.Separator):
	default:
		dir = dir[:len(dir)-1]
	}
	ents, _ := os.ReadDir(dir) // filepath.Glob ignores a directory it cannot read, and keeps what it read
	var ms []string
	types := map[string]fs.FileMode{}
	for _, e := range ents {
		n := e.Name()
		if ok, _ := filepath.Match(file, n); !ok {
			continue
		}
		m := filepath.Join(dir, n)
		ms = append(ms, m)
		types[m] = e.Type()
	}
	// the same matches as filepath.Glob, filtered as globLikeNginx does
	ms = dropHidden(pattern, ms)
	sort.Strings(ms)
	var out []string
	for _, m := range ms {
		switch t := types[m]; {
		case t.IsRegular():
			r.seen(dir, filepath.Base(m))
		case t.IsDir():
			continue
		default: // a link, or a type the listing does not give
			if st, err := os.Stat(m); err == nil && st.IsDir() {
				continue
			}
		}
		out = append(out, m)
	}
	return out, nil
}

func (r *resolver) globFilesSlow(pattern string) ([]string, error) {
	ms, err := globLikeNginx(pattern)
	if err != nil {
		return nil, err
	}
	sort.Strings(ms)
	var out []string
	for _, m := range ms {
		if st, err := os.Stat(m); err != nil || !st.IsDir() {
			out = append(out, m)
		}
	}
	return out, nil
}

func hasGlobMeta(p string) bool { return strings.ContainsAny(p, `*?[\`) }
