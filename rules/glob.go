package rules

import (
	"path"
	"path/filepath"
	"strings"
)

// matchGlob matches a slash-separated path against a glob where "*", "?"
// and "[...]" work within one path segment and "**" matches any number of
// segments. A pattern without a slash matches the base name anywhere, as in
// .gitignore.
func matchGlob(pattern, p string) bool {
	pattern = filepath.ToSlash(pattern)
	p = filepath.ToSlash(p)
	if !strings.Contains(pattern, "/") {
		pattern = "**/" + pattern
	}
	return matchSegments(strings.Split(pattern, "/"), strings.Split(p, "/"))
}

func matchSegments(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(segs); i++ {
				if matchSegments(pat[1:], segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], segs[0]); !ok {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}

// PathRule applies rule severities to the files matching its globs, which
// are relative to Base.
type PathRule struct {
	Base  string
	Globs []string
	Rules map[string]Severity
}

// Matches reports whether a file (by absolute path, or its shown path when
// it has none) matches the rule's globs.
func (r PathRule) Matches(abs, shown string) bool {
	p := shown
	if abs != "" {
		if rel, err := filepath.Rel(r.Base, abs); err == nil && !strings.HasPrefix(rel, "..") {
			p = rel
		}
	}
	for _, g := range r.Globs {
		if matchGlob(g, p) {
			return true
		}
	}
	return false
}
