package parser

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Roots are the directories a configuration is read from: the prefix, the
// targets of --path-map, the directories of the files and the directories
// named on the command line, and any --include-root. An include or a
// symbolic link that leads outside them is not followed: a configuration
// under review (a pull request) must not make ngxlint read, and print,
// /etc/shadow, a CI runner's environment or a secrets file beside the
// checkout.
type Roots struct {
	dirs []string // absolute, symbolic links resolved, sorted
	// Any is --allow-outside-roots: any file may be read (never a system
	// file), for trusted configurations on one's own machine. fix --write
	// still writes only inside the roots.
	Any bool
}

// Add makes dir (and everything under it) a root.
func (r *Roots) Add(dir string) {
	if dir == "" {
		return
	}
	d := canonical(dir)
	for _, x := range r.dirs {
		if x == d {
			return
		}
	}
	r.dirs = append(r.dirs, d)
	sort.Strings(r.dirs)
}

// Dirs returns the root directories.
func (r *Roots) Dirs() []string { return append([]string(nil), r.dirs...) }

// Inside reports whether path, once its symbolic links are resolved, lies
// in a root; Any is not consulted.
func (r *Roots) Inside(path string) bool {
	return r.insideCanonical(canonical(path))
}

// insideCanonical is Inside for a path already canonical.
func (r *Roots) insideCanonical(p string) bool {
	for _, d := range r.dirs {
		if p == d || strings.HasPrefix(p, d+string(filepath.Separator)) || d == string(filepath.Separator) {
			return true
		}
	}
	return false
}

// Allows reports whether path may be read: it is inside the roots, or Any.
func (r *Roots) Allows(path string) bool { return r.Any || r.Inside(path) }

// String lists the roots for messages, at most three.
func (r *Roots) String() string { return r.shown("") }

func (r *Roots) shown(cwd string) string {
	var names []string
	for i, d := range r.dirs {
		if i == 3 {
			names = append(names, "…")
			break
		}
		if cwd != "" {
			if rel, err := filepath.Rel(canonical(cwd), d); err == nil && !strings.HasPrefix(rel, "..") {
				d = rel
			}
		}
		names = append(names, d)
	}
	return strings.Join(names, ", ")
}

// canonical is the absolute path of p with every symbolic link resolved;
// for a path that does not exist, its longest existing parent is resolved
// and the rest appended, so a link anywhere above it still counts.
func canonical(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		abs = filepath.Clean(p)
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	dir, rest := abs, ""
	for {
		parent := filepath.Dir(dir)
		rest = filepath.Join(filepath.Base(dir), rest)
		if parent == dir {
			return abs
		}
		dir = parent
		if _, err := os.Lstat(dir); err != nil {
			continue
		}
		if r, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(r, rest)
		}
		return abs
	}
}

// globBase is the directory part of an include pattern before its first
// wildcard: every match lies under it.
func globBase(pattern string) string {
	i := strings.IndexAny(pattern, "*?[")
	if i < 0 {
		return pattern
	}
	return filepath.Dir(pattern[:i+1])
}
