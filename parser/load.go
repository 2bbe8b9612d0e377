package parser

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ngxlint/ngxlint/parser/spec"
)

// Context is the configuration level a file's top-level directives belong to.
type Context int

// The contexts a file can be written for.
const (
	CtxMain     Context = iota // a whole nginx.conf
	CtxHTTP                    // a conf.d / sites-enabled file: server, map, upstream blocks
	CtxServer                  // a file of location blocks and server-level directives
	CtxLocation                // a snippet of location-level directives
)

func (c Context) String() string {
	return [...]string{"main", "http", "server", "location"}[c]
}

// ProblemKind classifies what went wrong while loading.
type ProblemKind int

// The kinds of load problems; each maps to a rule id in rules/.
const (
	ProblemSyntax            ProblemKind = iota // the file does not parse
	ProblemIncludeMissing                       // a non-glob include names no file
	ProblemIncludeCycle                         // a file includes itself, directly or not
	ProblemIncludeUnreadable                    // an included file exists but cannot be read
	ProblemBOM                                  // the file starts with a byte-order mark
)

// Problem is something found while loading, reported as a finding.
type Problem struct {
	Kind  ProblemKind
	File  *File
	Start int
	End   int
	Msg   string
	// Via is the file whose include directive read File, when File is an
	// included file that failed to parse: the problem belongs to every
	// unit that reports Via, because nginx -t fails on it there too.
	Via *File
	// Unproven is set when nothing shows that nginx -t fails: a glob
	// include outside the roots, which ngxlint does not look at and nginx
	// accepts when it matches nothing. Such a problem is an info note.
	Unproven bool
}

// PathMap maps an absolute path prefix used in the configuration (for
// instance /etc/nginx) to a directory on this machine.
type PathMap struct{ From, To string }

// ParsePathMap reads "FROM=TO".
func ParsePathMap(s string) (PathMap, error) {
	from, to, ok := strings.Cut(s, "=")
	if !ok || from == "" || to == "" {
		return PathMap{}, fmt.Errorf("path map %q must be FROM=TO, for instance /etc/nginx=./deploy/nginx", s)
	}
	return PathMap{From: filepath.Clean(from), To: filepath.Clean(to)}, nil
}

// Options control loading.
type Options struct {
	Prefix   string    // like nginx -p: relative include paths are resolved against it
	PathMaps []PathMap // applied to every include path after resolution
	Stdin    io.Reader // read for the path "-"
	// Cwd is the directory paths are shown relative to (default: the working directory).
	Cwd string
	// Limits bound what is read (zero values: DefaultLimits).
	Limits Limits
	// IncludeRoots are directories files may be read from besides the
	// roots the paths imply (the prefix, the path map targets, the named
	// files' directories).
	IncludeRoots []string
	// AllowOutsideRoots reads included files and link targets anywhere
	// (never a device, FIFO, socket or system file): for trusted
	// configurations only.
	AllowOutsideRoots bool
	// Dump reads the one path given as an nginx -T dump (--dump); without
	// it, a file or standard input that starts like one is read as one.
	Dump bool
	// Template reads every file as an envsubst template (--template);
	// files named *.template are templates anyway.
	Template bool
	// Overlay holds text read in place of a file's bytes on disk, by the
	// file's absolute path: an editor's unsaved buffer (ngxlint lsp). The
	// text is read like the file would be, under the same roots and size
	// limits; a path named here may not exist on disk yet. Every other
	// file, includes too, is read from disk.
	Overlay map[string][]byte
}

// Unit is one configuration as nginx would read it: a root file (a main
// config, or a fragment wrapped in its natural context) and every file it
// includes.
type Unit struct {
	Root    *File
	Context Context // the level Root's top-level directives belong to
	// Env holds files read only for their definitions (maps, upstreams) when
	// a fragment is linted alone: the files nginx would read beside it. The
	// list is read once per directory and shared by the units of all its
	// fragments, so it may hold Root itself: skip it.
	Env []*File
	// EnvShared is shared by every unit with the same Env list, for what
	// consumers derive from the list once (the model of its definitions).
	EnvShared *Shared
	// Shared is shared by every unit of one load, for what consumers
	// derive from a value the units have in common, once per run (a
	// regex's compiled form: thousands of fragments repeat a few). Nil
	// for a unit made outside the loader.
	Shared *Shared
	// EnvHTTP is the http{} body of the nginx.conf above a fragment that
	// does not include it; like Env it lends definitions, never servers.
	EnvHTTP  []*Directive
	Prefix   string
	Problems []Problem
	// Report holds the files whose findings are shown: those the user asked
	// for and those they include.
	Report map[*File]bool
	// Roots are the directories the configuration was allowed to be read
	// from; fix --write writes only inside them.
	Roots *Roots
	// Dump is the nginx -T dump the unit was read from ("<stdin>" or its
	// path), "" otherwise. Its files are not on disk: Path is the name nginx
	// printed, Abs is "".
	Dump  string
	files map[string]*File
	// load counts, per file of the unit, the files and bytes nginx reads
	// for it, each included file counted each time it is included.
	load map[*File]weight
}

// weight is what reading one file costs once its includes are expanded.
type weight struct {
	files int
	bytes int64
}

// Files returns every file read for the unit, root first.
func (u *Unit) Files() []*File {
	out := []*File{u.Root}
	seen := map[*File]bool{u.Root: true}
	var add func(f *File)
	add = func(f *File) {
		f.Walk(func(d *Directive) {
			for _, inc := range d.Included() {
				if !seen[inc] {
					seen[inc] = true
					out = append(out, inc)
					add(inc)
				}
			}
		})
	}
	add(u.Root)
	return out
}

// UsageError is a problem with the paths given: nothing to lint, a path that
// does not exist or cannot be read. The CLI exits 2 for it. Err is the
// cause, when there is one (an *fs.PathError...), for errors.Is and As.
type UsageError struct {
	Msg string
	Err error
}

func (e *UsageError) Error() string { return e.Msg }

// Unwrap returns the cause.
func (e *UsageError) Unwrap() error { return e.Err }

// Load reads the given paths (files, directories, or "-" for standard input)
// into units, each linted in its natural context.
func Load(paths []string, opt Options) ([]*Unit, error) {
	if opt.Cwd == "" {
		opt.Cwd, _ = os.Getwd()
	}
	l := &loader{opt: opt, parsed: map[string]*parsedFile{}, mains: map[*File]*Unit{}, envs: map[string][]*File{}, envShared: map[string]*Shared{}, rootsOf: map[string]bool{}, ancestors: map[string]ancestor{}, mainFiles: map[*Unit]map[*File]bool{},
		budget: NewBudget(opt.Limits), roots: &Roots{Any: opt.AllowOutsideRoots}, rs: newResolver(), mainAt: map[string]*Unit{}, shared: &Shared{}}
	if len(opt.Overlay) > 0 {
		l.overlay = make(map[string][]byte, len(opt.Overlay))
		for p, src := range opt.Overlay {
			l.overlay[l.realPath(p)] = src
		}
	}
	l.roots.Add(opt.Prefix)
	for _, m := range opt.PathMaps {
		l.roots.Add(m.To)
	}
	for _, r := range opt.IncludeRoots {
		l.roots.Add(r)
	}
	if units, isDump, err := l.loadDump(paths); isDump {
		return units, err // dump.go
	}
	var requested []string // display paths, in order
	for _, p := range paths {
		if p == "-" {
			requested = append(requested, "-")
			l.roots.Add(l.prefixFor("-", CtxHTTP))
			continue
		}
		if _, ok := l.overlaid(p); ok {
			requested = append(requested, p)
			l.addRootsOf(p)
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			return nil, &UsageError{Msg: fmt.Sprintf("cannot read %s: %v", p, unwrapPathErr(err)), Err: err}
		}
		if !st.IsDir() {
			requested = append(requested, p)
			l.addRootsOf(p)
			continue
		}
		if underSystemDir(canonical(p)) {
			return nil, &UsageError{Msg: fmt.Sprintf("cannot read %s: a system directory (under /proc, /dev or /sys) holds no configuration", p)}
		}
		found, err := walkConfigDir(l.rs, p, l.budget.Limits().MaxFiles)
		if err != nil {
			return nil, &UsageError{Msg: err.Error(), Err: err}
		}
		if len(found) == 0 {
			return nil, &UsageError{Msg: fmt.Sprintf("no nginx configuration files in %s (looked for *.conf, *.conf.template, nginx.conf, and the files in sites-enabled/ and sites-available/)", p)}
		}
		l.roots.Add(p)
		for _, f := range found {
			l.addRootsOf(f)
		}
		requested = append(requested, found...)
	}
	return l.units(requested)
}

// addRootsOf makes the directory of a named file a root, and the prefix its
// relative includes resolve against.
func (l *loader) addRootsOf(p string) {
	dir := filepath.Dir(p)
	if l.rootsOf[dir] {
		return // the files of a directory share their roots
	}
	l.rootsOf[dir] = true
	l.roots.Add(dir)
	if prefix := l.prefixFor(p, CtxHTTP); prefix != dir {
		l.roots.Add(prefix) // each Add resolves the links of its path again
	}
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// walkConfigDir lists the configuration files under dir, sorted: at most
// max of them.
func walkConfigDir(rs *resolver, dir string, max int) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", p, unwrapPathErr(err))
		}
		name := d.Name()
		if p != dir && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		parent := filepath.Base(filepath.Dir(p))
		isSite := parent == "sites-enabled" || parent == "sites-available"
		if !strings.HasSuffix(name, ".conf") && !strings.HasSuffix(name, ".conf.template") && !isSite {
			return nil
		}
		if strings.HasSuffix(name, "~") || strings.Contains(name, ".dpkg-") {
			return nil
		}
		// sites-enabled entries are usually links to sites-available: read each file once.
		if d.Type().IsRegular() {
			rs.seen(filepath.Dir(p), name) // known now: no stat of it later
		}
		real, ok := rs.real(p)
		if !ok {
			real = p
		}
		if !d.Type().IsRegular() {
			if st, err := os.Stat(real); err == nil && st.IsDir() {
				return nil
			}
		}
		if seen[real] {
			return nil
		}
		seen[real] = true
		if len(out) == max {
			return fmt.Errorf("more than %d configuration files under %s (--max-files)", max, dir)
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

type parsedFile struct {
	file *File
	err  *SyntaxError
}

type loader struct {
	opt    Options
	parsed map[string]*parsedFile // by real path
	stdin  *parsedFile
	mains  map[*File]*Unit // units built for main configs, by root
	// envs caches the files read beside fragments, by prefix directory.
	envs      map[string][]*File
	envShared map[string]*Shared // beside envs, by prefix directory
	// mainFiles holds the files of each main unit, built once.
	mainFiles map[*Unit]map[*File]bool
	budget    *Budget
	roots     *Roots
	rootsOf   map[string]bool     // the directories addRootsOf has seen
	ancestors map[string]ancestor // ancestorWithNginxConf by directory
	// overlay is Options.Overlay by real path.
	overlay map[string][]byte
	// rs resolves paths, each directory once
	rs *resolver
	// shared is Unit.Shared
	shared *Shared
	// ahead holds files read and parsed ahead of need, by real path
	ahead map[string]*aheadFile
	// mainAt holds, by path, the unit of the main config a fragment's
	// nginx.conf candidate is (nil: none), looked at once
	mainAt map[string]*Unit
	// peek is the one file named on the command line, read whole by
	// peekDump, until the loader's read of it takes it
	peek *peeked
}

// overlaid returns the text Options.Overlay gives for the file at path.
func (l *loader) overlaid(path string) ([]byte, bool) {
	if l.overlay == nil || path == "-" {
		return nil, false
	}
	src, ok := l.overlay[l.realPath(path)]
	return src, ok
}

// readOverlay charges an overlay's text to the budget like a file read
// from disk, under the same size limit.
func (l *loader) readOverlay(src []byte) ([]byte, error) {
	if err := l.budget.admit(int64(len(src))); err != nil {
		return nil, err
	}
	return src, nil
}

func (l *loader) display(p string) string {
	if p == "-" {
		return "<stdin>"
	}
	if filepath.IsAbs(p) {
		if rel, err := filepath.Rel(l.opt.Cwd, p); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return filepath.Clean(p)
}

// realPath is p absolute with its symbolic links resolved (p absolute
// where they do not resolve), each directory resolved once.
func (l *loader) realPath(p string) string {
	r, _ := l.rs.real(p)
	return r
}

// allows reports whether the roots allow reading p.
func (l *loader) allows(p string) bool {
	return l.roots.Any || l.roots.insideCanonical(l.rs.canonical(p))
}

// read parses the file at path (a path as shown to the user) once.
func (l *loader) read(path string) (*parsedFile, error) {
	if path == "-" {
		if l.stdin == nil {
			if l.opt.Stdin == nil {
				return nil, &UsageError{Msg: "cannot read standard input: none given"}
			}
			src, err := ReadConfigStream(l.opt.Stdin, l.budget)
			if err != nil {
				return nil, &UsageError{Msg: fmt.Sprintf("cannot read standard input: %v", err), Err: err}
			}
			f, serr := Parse("<stdin>", src)
			f.Template = l.opt.Template
			l.stdin = &parsedFile{file: f, err: serr}
		}
		return l.stdin, nil
	}
	key, resolves := l.rs.real(path)
	if pf, ok := l.parsed[key]; ok {
		return pf, nil
	}
	if !resolves && !l.roots.Any {
		// not resolved: a link that leads nowhere, or through a name
		// the kernel makes up (/proc/self/fd/0 -> pipe:[123])
		if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			if _, err := filepath.EvalSymlinks(path); err != nil {
				return nil, &ReadError{Kind: ReadOutsideRoots, Msg: "it is a symbolic link that does not resolve to a file; not read"}
			}
		}
	}
	inside := l.roots.insideCanonical // key is canonical when it resolves
	if !resolves {
		inside = l.roots.Inside
	}
	if !l.roots.Any && !inside(key) {
		return nil, &ReadError{Kind: ReadOutsideRoots, Msg: fmt.Sprintf("it resolves to %s, outside the configuration's roots (%s); not read", key, l.roots.shown(l.opt.Cwd))}
	}
	var src []byte
	var stamp FileStamp
	var err error
	var f *File
	var serr *SyntaxError
	if over, ok := l.overlay[key]; ok {
		src, err = l.readOverlay(over)
	} else if pk := l.takePeeked(path); pk != nil {
		src, stamp, err = pk.read(key, l.budget)
	} else if pre := l.prefetched(path, key); pre != nil {
		// read and parsed ahead, concurrently; charged now, in order
		err = l.budget.charge(pre.stamp.Size)
		f, serr, stamp = pre.file, pre.err, pre.stamp
	} else {
		src, stamp, err = readConfigFile(path, key, l.rs.regular(path), l.budget)
	}
	if err != nil {
		return nil, err
	}
	if f == nil {
		f, serr = Parse(l.display(path), src)
	}
	f.Abs = l.rs.abs(path)
	f.Stamp = stamp
	f.Template = l.opt.Template || IsTemplateName(path)
	pf := &parsedFile{file: f, err: serr}
	l.parsed[key] = pf
	return pf, nil
}

func (l *loader) units(requested []string) ([]*Unit, error) {
	type entry struct {
		path string
		pf   *parsedFile
	}
	var entries []entry
	l.readAhead(requested)
	for _, p := range requested {
		pf, err := l.read(p)
		var ue *UsageError
		if errors.As(err, &ue) {
			return nil, ue
		}
		if err != nil {
			msg := fmt.Sprintf("cannot read %s: %v", p, unwrapPathErr(err))
			var re *ReadError
			if errors.As(err, &re) && re.Kind == ReadOutsideRoots {
				msg += " (--allow-outside-roots or --include-root DIR reads it)"
			}
			return nil, &UsageError{Msg: msg, Err: err}
		}
		entries = append(entries, entry{p, pf})
	}
	var units []*Unit
	covered := map[*File]*Unit{}
	// Main configs first: every fragment they reach is linted inside them.
	for _, e := range entries {
		if DetectContext(e.pf.file) != CtxMain {
			continue
		}
		if covered[e.pf.file] != nil {
			continue
		}
		u := l.mainUnit(e.path, e.pf)
		for _, f := range u.Files() {
			u.Report[f] = true
			covered[f] = u
		}
		units = append(units, u)
	}
	for _, e := range entries {
		f := e.pf.file
		if u := covered[f]; u != nil {
			continue
		}
		if e.pf.err == nil && e.path != "-" {
			if u, inc := l.discoverMain(e.path, f); u != nil {
				// Lint the fragment where nginx.conf includes it; show only its findings.
				if unitWithRoot(units, u.Root) == nil {
					units = append(units, u)
				}
				markReported(u, inc)
				covered[f] = u
				continue
			}
		}
		ctx := CtxHTTP
		if e.pf.err == nil {
			ctx = DetectContext(f)
		}
		u := l.build(e.path, e.pf, ctx, l.prefixFor(e.path, ctx))
		if e.pf.err == nil && e.path != "-" {
			u.Env, u.EnvShared = l.siblings(e.path)
			u.EnvHTTP = l.ancestorHTTP(e.path)
		}
		markReported(u, u.Root)
		covered[f] = u
		units = append(units, u)
	}
	return dropIncludedFragments(units), nil
}

// ancestorHTTP returns the http{} body of the nginx.conf above a fragment
// that does not include it (a template, a snippet reached through one): the
// maps and other http-level definitions nginx would see beside it.
func (l *loader) ancestorHTTP(path string) []*Directive {
	root, ok := l.ancestorWithNginxConf(filepath.Dir(path))
	if !ok {
		return nil
	}
	c := filepath.Join(root, "nginx.conf")
	pf, err := l.read(c)
	if err != nil || pf.err != nil || DetectContext(pf.file) != CtxMain || l.realPath(c) == l.realPath(path) {
		return nil
	}
	u := l.mainUnit(c, pf)
	for _, d := range u.Root.Top {
		if d.Name == "http" && d.Block != nil {
			return d.Block.Directives
		}
	}
	return nil
}

// dropIncludedFragments removes the unit of a fragment that another
// fragment's unit includes: it is linted there, in context, and reported
// there, rather than alone.
func dropIncludedFragments(units []*Unit) []*Unit {
	reachedBy := map[*File]*Unit{}
	for _, u := range units {
		if u.Context == CtxMain {
			continue
		}
		for _, f := range u.Files()[1:] {
			if _, taken := reachedBy[f]; !taken {
				reachedBy[f] = u
			}
		}
	}
	var out []*Unit
	for _, u := range units {
		if by := reachedBy[u.Root]; by != nil && by != u && u.Context != CtxMain && u.Root.Abs != "" {
			markReported(by, u.Root)
			continue
		}
		out = append(out, u)
	}
	return out
}

func unitWithRoot(units []*Unit, root *File) *Unit {
	for _, u := range units {
		if u.Root == root {
			return u
		}
	}
	return nil
}

// markReported shows findings of f and of the files it includes.
func markReported(u *Unit, f *File) {
	if u.Report[f] {
		return
	}
	u.Report[f] = true
	f.Walk(func(d *Directive) {
		for _, inc := range d.Included() {
			markReported(u, inc)
		}
	})
}

// prefixFor is the directory relative includes resolve against: --prefix, or
// the directory of a main config, or for a fragment in conf.d/, sites-*/ or
// snippets/ that directory's parent, or else the fragment's own directory.
func (l *loader) prefixFor(path string, ctx Context) string {
	if l.opt.Prefix != "" {
		return l.opt.Prefix
	}
	if path == "-" {
		return l.opt.Cwd
	}
	dir := filepath.Dir(path)
	if ctx != CtxMain {
		if root, ok := l.ancestorWithNginxConf(dir); ok {
			return root
		}
		if isFragmentDir(filepath.Base(dir)) {
			return filepath.Dir(dir)
		}
		if p, ok := l.mappedConfPrefix(); ok {
			return p
		}
	}
	return dir
}

// confPrefixes are the configuration prefixes of packaged nginx builds
// (Debian, nginx.org, the Docker image; a source build; FreeBSD ports):
// where nginx.conf lives, and what relative includes resolve against.
var confPrefixes = []string{"/etc/nginx", "/usr/local/nginx/conf", "/usr/local/etc/nginx"}

// mappedConfPrefix returns the local directory a --path-map gives for a
// packaged configuration prefix (--path-map /etc/nginx=./etc/nginx): a
// fragment that sits elsewhere (a proxy manager's /data/nginx/proxy_host/
// file) is read by that nginx.conf, so its relative includes resolve there.
func (l *loader) mappedConfPrefix() (string, bool) {
	for _, cp := range confPrefixes {
		for _, m := range l.opt.PathMaps {
			if filepath.Clean(m.From) == cp {
				return m.To, true
			}
		}
	}
	return "", false
}

// ancestorWithNginxConf returns the nearest directory at or above dir (at
// most four levels up) that holds an nginx.conf: the configuration prefix
// nginx resolves a fragment's relative includes against, wherever the
// fragment sits below it (conf.d/templates/site.conf included as a copy).
func (l *loader) ancestorWithNginxConf(dir string) (string, bool) {
	if r, ok := l.ancestors[dir]; ok {
		return r.root, r.ok // once per directory: a directory of thousands of fragments
	}
	root, ok := ancestorWithNginxConf(dir)
	l.ancestors[dir] = ancestor{root, ok}
	return root, ok
}

type ancestor struct {
	root string
	ok   bool
}

func ancestorWithNginxConf(dir string) (string, bool) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	for i := 0; i < 5; i++ {
		if st, err := os.Stat(filepath.Join(abs, "nginx.conf")); err == nil && !st.IsDir() {
			if rel, err := filepath.Rel(mustAbs(dir), abs); err == nil && !filepath.IsAbs(dir) {
				return filepath.Join(dir, rel), true
			}
			return abs, true
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			break
		}
		abs = parent
	}
	return "", false
}

func mustAbs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

func isFragmentDir(name string) bool {
	switch name {
	case "conf.d", "sites-enabled", "sites-available", "snippets", "vhosts.d", "vhost.d":
		return true
	}
	return false
}

// discoverMain looks for the nginx.conf that includes the fragment at path:
// in --prefix, in the parent of a conf.d/ or sites-*/ directory, beside the
// fragment, or where --path-map puts /etc/nginx. It returns the unit built from it and the fragment's file in
// that unit.
func (l *loader) discoverMain(path string, frag *File) (*Unit, *File) {
	var cands []string
	if l.opt.Prefix != "" {
		cands = append(cands, filepath.Join(l.opt.Prefix, "nginx.conf"))
	}
	dir := filepath.Dir(path)
	if root, ok := l.ancestorWithNginxConf(dir); ok {
		cands = append(cands, filepath.Join(root, "nginx.conf"))
	}
	if p, ok := l.mappedConfPrefix(); ok {
		cands = append(cands, filepath.Join(p, "nginx.conf"))
	}
	want := l.realPath(path)
	for _, c := range cands {
		if l.realPath(c) == want {
			continue
		}
		u, seen := l.mainAt[c]
		if !seen {
			// once per candidate, not per fragment of a directory
			u = l.mainCandidate(c)
			l.mainAt[c] = u
		}
		if u == nil {
			continue
		}
		files := l.mainFiles[u]
		if files == nil {
			files = map[*File]bool{}
			for _, f := range u.Files() {
				files[f] = true
			}
			l.mainFiles[u] = files
		}
		if files[frag] {
			return u, frag
		}
	}
	return nil, nil
}

// mainCandidate returns the unit of the main config at c, or nil when c
// is not one.
func (l *loader) mainCandidate(c string) *Unit {
	if _, err := os.Stat(c); err != nil {
		return nil
	}
	pf, err := l.read(c)
	if err != nil || pf.err != nil || DetectContext(pf.file) != CtxMain {
		return nil
	}
	return l.mainUnit(c, pf)
}

// siblings returns, for a fragment in <p>/conf.d/ or <p>/sites-*/ with no
// <p>/nginx.conf, the files the stock nginx.conf of Debian and of nginx.org
// packages would read in http{}: <p>/conf.d/*.conf and <p>/sites-enabled/*.
// They provide maps and upstreams, never findings. The list is read once
// per directory and shared by every fragment's unit; it may hold the
// fragment itself (Unit.Env).
func (l *loader) siblings(path string) ([]*File, *Shared) {
	dir := filepath.Dir(path)
	if !isFragmentDir(filepath.Base(dir)) || filepath.Base(dir) == "snippets" {
		return nil, nil
	}
	p := filepath.Dir(dir)
	all, ok := l.envs[p]
	if !ok {
		all = l.readEnv(p)
		l.envs[p] = all
		l.envShared[p] = &Shared{}
	}
	return all, l.envShared[p]
}

// readEnv reads, once per prefix p without an nginx.conf, the http-level
// files the stock nginx.conf would include: p/conf.d/*.conf and
// p/sites-enabled/*.
func (l *loader) readEnv(p string) []*File {
	if _, err := os.Stat(filepath.Join(p, "nginx.conf")); err == nil {
		return nil
	}
	var out []*File
	for _, pat := range []string{filepath.Join(p, "conf.d", "*.conf"), filepath.Join(p, "sites-enabled", "*")} {
		matches, _ := l.rs.globFiles(pat) // sorted, no directory
		l.readAhead(matches)
		for _, m := range matches {
			pf, err := l.read(m)
			if err != nil || pf.err != nil || DetectContext(pf.file) != CtxHTTP {
				continue
			}
			out = append(out, pf.file)
		}
	}
	return out
}

// mainUnit builds the unit of a main config once.
func (l *loader) mainUnit(path string, pf *parsedFile) *Unit {
	if u, ok := l.mains[pf.file]; ok {
		return u
	}
	u := l.build(path, pf, CtxMain, l.prefixFor(path, CtxMain))
	l.mains[pf.file] = u
	return u
}

func (l *loader) build(path string, pf *parsedFile, ctx Context, prefix string) *Unit {
	u := &Unit{Root: pf.file, Context: ctx, Prefix: prefix, Report: map[*File]bool{}, files: map[string]*File{},
		Roots: l.roots, load: map[*File]weight{}, Shared: l.shared}
	if pf.err != nil {
		// the directives before the error are read and checked, as nginx
		// applies them before it stops
		u.Problems = append(u.Problems, syntaxProblem(pf.err))
	}
	l.expand(u, pf.file, []string{l.realPath(path)})
	u.load = nil
	return u
}

func syntaxProblem(e *SyntaxError) Problem {
	end := e.Off + 1
	if end > len(e.File.Src) {
		end = len(e.File.Src)
	}
	return Problem{Kind: ProblemSyntax, File: e.File, Start: e.Off, End: end, Msg: e.Msg}
}

// expand resolves the include directives of f, recursively. stack holds the
// real paths of the files being expanded, to detect cycles. It returns what
// reading f costs with its includes expanded, and refuses an include that
// would take the unit past the limits (an include bomb: a file including
// another ten times, that one including a third ten times, ...).
func (l *loader) expand(u *Unit, f *File, stack []string) weight {
	if f.BOM {
		u.addProblem(Problem{Kind: ProblemBOM, File: f, Start: 0, End: 3,
			Msg: "the file starts with a UTF-8 byte-order mark; nginx does not skip it and reads the first directive name with it (nginx -t: unknown directive); save the file without BOM"})
	}
	lim := l.budget.Limits()
	w := weight{files: 1, bytes: int64(len(f.Src))}
	f.Walk(func(d *Directive) {
		if d.Name != "include" || d.Block != nil || len(d.Args) != 1 {
			return
		}
		d.SetIncluded(nil)
		arg := d.Args[0]
		target := arg.Value
		if !filepath.IsAbs(target) {
			target = filepath.Join(u.Prefix, target)
		}
		target = l.mapPath(target)
		unreadable := func(format string, a ...any) {
			u.addProblem(Problem{Kind: ProblemIncludeUnreadable, File: f, Start: int(arg.Start), End: int(arg.End),
				Msg: fmt.Sprintf("include %q: ", arg.Value) + fmt.Sprintf(format, a...)})
		}
		glob := strings.ContainsAny(arg.Value, "*?[")
		// Outside the roots nothing is looked at, not even whether it exists.
		if where := target; !l.allows(globBase(where)) {
			if bf := l.builtin(arg.Value); bf != nil {
				d.AddIncluded(bf)
				return
			}
			msg := fmt.Sprintf("include %q: %s is outside the configuration's roots (%s), so ngxlint does not read it and what it holds is not checked; %s",
				arg.Value, l.display(target), l.roots.shown(l.opt.Cwd), l.outsideHint(arg.Value))
			// A glob that matches nothing is fine for nginx: unread, it
			// proves nothing (SWAG's /etc/nginx/modules/*.conf lives in the
			// container, not in the checkout).
			u.addProblem(Problem{Kind: ProblemIncludeUnreadable, File: f, Start: int(arg.Start), End: int(arg.End), Msg: msg, Unproven: glob})
			return
		}
		var matches []string
		if glob {
			ms, err := l.rs.globFiles(target) // sorted, no directory
			if err != nil {
				unreadable("not a valid glob: %v", err)
				return
			}
			matches = ms
			l.readAhead(matches)
		} else {
			st, err := os.Stat(target)
			switch {
			case err != nil && errors.Is(err, fs.ErrNotExist):
				if bf := l.builtin(arg.Value); bf != nil {
					d.AddIncluded(bf)
					return
				}
				u.addProblem(Problem{Kind: ProblemIncludeMissing, File: f, Start: int(arg.Start), End: int(arg.End),
					Msg: fmt.Sprintf("include %q: %s does not exist, so nginx -t fails here; %s", arg.Value, l.display(target), l.resolveHint(arg.Value, u.Prefix))})
				return
			case err != nil:
				unreadable("cannot read %s: %v", l.display(target), unwrapPathErr(err))
				return
			case st.IsDir():
				unreadable("%s is a directory; nginx -t fails reading it (include a glob such as %s/*.conf)", l.display(target), arg.Value)
				return
			}
			matches = []string{target}
		}
		for _, m := range matches {
			rp := l.realPath(m)
			if i := indexOf(stack, rp); i >= 0 {
				u.addProblem(Problem{Kind: ProblemIncludeCycle, File: f, Start: d.Start(), End: int(d.End),
					Msg: fmt.Sprintf("include cycle: %s is already being read (%s); nginx -t never finishes reading it and crashes", l.display(m), l.cycleText(stack[i:], rp))})
				continue
			}
			pf, err := l.read(m)
			var re *ReadError
			switch {
			case errors.As(err, &re) && re.Kind == ReadOutsideRoots:
				unreadable("%s links to %s, outside the configuration's roots (%s), so ngxlint does not read it and what it holds is not checked; %s",
					l.display(m), rp, l.roots.shown(l.opt.Cwd), l.outsideHint(arg.Value))
				continue
			case err != nil:
				unreadable("cannot read %s: %v", l.display(m), unwrapPathErr(err))
				continue
			}
			if pf.err != nil {
				pb := syntaxProblem(pf.err)
				pb.Via = f
				u.addProblem(pb)
			}
			cw, done := u.load[pf.file]
			if _, seen := u.files[rp]; !seen {
				u.files[rp] = pf.file
				cw = l.expand(u, pf.file, append(stack, rp))
				u.load[pf.file] = cw
				done = true
			}
			if !done {
				// read above in this unit, still being expanded: a cycle
				// through another path, reported there
				continue
			}
			if w.files+cw.files > lim.MaxFiles || w.bytes+cw.bytes > lim.MaxTotalSize {
				unreadable("reading %s here would make this configuration read more than %d files or %s (counting a file each time it is included, as nginx does), so ngxlint stops; an include bomb? (--max-files, --max-total-size)",
					l.display(m), lim.MaxFiles, FormatSize(lim.MaxTotalSize))
				break
			}
			w.files += cw.files
			w.bytes += cw.bytes
			d.AddIncluded(pf.file)
		}
	})
	return w
}

// outsideHint says how to read an include outside the roots.
func (l *loader) outsideHint(arg string) string {
	if filepath.IsAbs(arg) {
		return "map the absolute directory to your checkout with --path-map FROM=TO (e.g. --path-map /etc/nginx=./nginx), or widen the roots with --include-root DIR"
	}
	return "widen the roots with --include-root DIR, or --allow-outside-roots for a configuration you trust"
}

// globLikeNginx expands an include pattern as glob(3) does for nginx: like
// filepath.Glob, except that a wildcard never matches a leading '.' in a
// file or directory name (conf.d/*.conf does not read conf.d/.old.conf).
func globLikeNginx(pattern string) ([]string, error) {
	ms, err := filepath.Glob(pattern)
	if err != nil {
		return nil, err
	}
	return dropHidden(pattern, ms), nil
}

// dropHidden removes from the matches of pattern those where a wildcard
// matched a leading '.'.
func dropHidden(pattern string, ms []string) []string {
	psegs := strings.Split(filepath.ToSlash(pattern), "/")
	out := ms[:0]
	for _, m := range ms {
		msegs := strings.Split(filepath.ToSlash(m), "/")
		hidden := false
		for i := range msegs {
			if i < len(psegs) && strings.HasPrefix(msegs[i], ".") && !strings.HasPrefix(psegs[i], ".") && strings.ContainsAny(psegs[i], "*?[") {
				hidden = true
			}
		}
		if !hidden {
			out = append(out, m)
		}
	}
	return out
}

// resolveHint tells how an include path was resolved and how to point it
// at the right directory.
func (l *loader) resolveHint(arg, prefix string) string {
	if filepath.IsAbs(arg) {
		return "map the absolute directory to your checkout with --path-map FROM=TO (e.g. --path-map /etc/nginx=./nginx)"
	}
	where := l.display(prefix)
	if where == "." {
		where = "the current directory"
	}
	return fmt.Sprintf("relative includes resolve against the configuration prefix (%s), not the including file; set it with --prefix DIR", where)
}

func (l *loader) cycleText(chain []string, back string) string {
	var names []string
	for _, c := range chain {
		names = append(names, l.display(c))
	}
	names = append(names, l.display(back))
	return strings.Join(names, " includes ")
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// mapPath applies the longest matching --path-map.
func (l *loader) mapPath(p string) string {
	best := -1
	for i, m := range l.opt.PathMaps {
		if p == m.From || strings.HasPrefix(p, m.From+string(filepath.Separator)) {
			if best < 0 || len(m.From) > len(l.opt.PathMaps[best].From) {
				best = i
			}
		}
	}
	if best < 0 {
		return p
	}
	m := l.opt.PathMaps[best]
	return filepath.Join(m.To, strings.TrimPrefix(p, m.From))
}

func (u *Unit) addProblem(p Problem) {
	for _, q := range u.Problems {
		if q.File == p.File && q.Start == p.Start && q.Kind == p.Kind && q.Msg == p.Msg {
			return
		}
	}
	u.Problems = append(u.Problems, p)
}

// DetectContext decides which level a file's top-level directives are
// written for, from where nginx (parser/spec) allows them: a directive only
// the top of nginx.conf takes makes a whole nginx.conf; one http{} takes
// but server{} does not (server, map, upstream...) a conf.d file; one
// server{} takes but location{} does not (listen, server_name), or a
// location block, a server snippet; anything else a location snippet.
func DetectContext(f *File) Context {
	ctx := CtxLocation
	for _, d := range f.Top {
		switch level := levelOf(d.Name); {
		case level == CtxMain:
			return CtxMain
		case level < ctx:
			ctx = level
		}
	}
	return ctx
}

// levelOf is the outermost file level a top-level directive places a file at.
func levelOf(name string) Context {
	c := spec.AllowedIn(name)
	for _, d := range spec.ThirdParty(name) {
		c |= d.Ctx
	}
	switch {
	case c == spec.CtxMain:
		return CtxMain
	case c&spec.CtxHTTPMain != 0 && c&spec.CtxHTTPServer == 0:
		return CtxHTTP
	case name == "location" || c&spec.CtxHTTPServer != 0 && c&spec.CtxHTTPLocation == 0:
		return CtxServer
	}
	return CtxLocation
}
