package parser

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
)

// An nginx -T dump is what nginx prints after a successful test: for every
// file it read, in the order it first read them (the main configuration
// first, each file once), the line "# configuration file NAME:" and the
// file's bytes exactly as read, then one line feed (src/core/nginx.c, the
// ngx_dump_config loop in main; src/core/ngx_conf_file.c,
// ngx_conf_add_dump). A file that ends with a line feed is therefore
// followed by an empty line; one that does not is followed directly by the
// next header. NAME is the name nginx opened: the -c path made absolute
// against the prefix, and for an include its argument made absolute
// against the directory of the main configuration (the "conf prefix"), or
// the names glob(3) returned for a pattern.
const dumpHeader = "# configuration file "

// dumpPeek is how much of a file is read to decide whether it is a dump:
// the header comes first, after at most a few "nginx: ..." lines of
// standard error captured with 2>&1.
const dumpPeek = 64 << 10

// maxDumpJoins bounds how many header-like lines inside files are joined
// back (dumpUnit); each join reads the dump again.
const maxDumpJoins = 8

// maxDumpSize bounds what is read of one dump.
const maxDumpSize = 256 << 20

// dumpSection is one file of a dump: its header line and its bytes.
type dumpSection struct {
	name       string
	hdr        int // offset of the header line
	start, end int // the file's bytes
}

// looksLikeDump reports whether src (the start of a file) begins like nginx
// -T output: optional "nginx: " lines, then a header.
func looksLikeDump(src []byte) bool {
	p := skipDumpPreamble(src)
	_, _, ok := dumpHeaderAt(src, p)
	return ok
}

// skipDumpPreamble skips the lines nginx -T writes to standard error before
// the dump ("nginx: the configuration file ... syntax is ok", warnings),
// present when both streams were captured together.
func skipDumpPreamble(src []byte) int {
	p := 0
	for bytes.HasPrefix(src[p:], []byte("nginx: ")) {
		nl := bytes.IndexByte(src[p:], '\n')
		if nl < 0 {
			return p
		}
		p += nl + 1
	}
	return p
}

// dumpHeaderAt reads a header line at offset p: the file name, and the
// offset just past the line's line feed.
func dumpHeaderAt(src []byte, p int) (name string, next int, ok bool) {
	if !bytes.HasPrefix(src[p:], []byte(dumpHeader)) {
		return "", 0, false
	}
	nl := bytes.IndexByte(src[p:], '\n')
	if nl < 0 {
		return "", 0, false
	}
	line := bytes.TrimSuffix(src[p:p+nl], []byte("\r"))
	if len(line) < len(dumpHeader)+2 || line[len(line)-1] != ':' {
		return "", 0, false
	}
	return string(line[len(dumpHeader) : len(line)-1]), p + nl + 1, true
}

// splitDump finds every header of a dump, in order. A header is a line of
// its own that starts with "# configuration file " and ends with ":"; each
// file's bytes run to the line feed nginx printed before the next header
// (or to the end). A file whose own text holds such a line is split there
// too; loadDump joins it back when nothing includes the piece.
func splitDump(src []byte) []dumpSection {
	p := skipDumpPreamble(src)
	var out []dumpSection
	for p < len(src) {
		name, next, ok := dumpHeaderAt(src, p)
		if ok {
			out = append(out, dumpSection{name: name, hdr: p, start: next})
			p = next
			continue
		}
		nl := bytes.IndexByte(src[p:], '\n')
		if nl < 0 {
			break
		}
		p += nl + 1
	}
	for i := range out {
		end := len(src)
		if i+1 < len(out) {
			end = out[i+1].hdr
		}
		out[i].end = end
	}
	return trimDumpSections(src, out)
}

// trimDumpSections drops the line feed nginx printed after each file.
func trimDumpSections(src []byte, secs []dumpSection) []dumpSection {
	for i := range secs {
		s := &secs[i]
		crlf := bytes.HasSuffix(src[s.hdr:s.start], []byte("\r\n")) // NGX_LINEFEED on Windows
		switch {
		case crlf && s.end-s.start >= 2 && string(src[s.end-2:s.end]) == "\r\n":
			s.end -= 2
		case s.end > s.start && src[s.end-1] == '\n':
			s.end--
		}
	}
	return secs
}

// dumpSet is the files of one dump, by the names nginx printed.
type dumpSet struct {
	name   string // the dump as shown: "<stdin>" or its path
	files  []*File
	errs   map[*File]*SyntaxError
	byName map[string]*File
	clean  map[string]*File    // by path.Clean(name), for includes written with "./" or ".."
	prefix string              // the directory of the main configuration
	order  []string            // every name, sorted, for globs
	byDir  map[string][]string // names by directory, sorted: a glob's candidates
}

func newDumpSet(name string, src []byte, secs []dumpSection) *dumpSet {
	ds := &dumpSet{name: name, errs: map[*File]*SyntaxError{}, byName: map[string]*File{}, clean: map[string]*File{}, byDir: map[string][]string{}}
	for _, s := range secs {
		if _, dup := ds.byName[s.name]; dup {
			continue // nginx prints each file once; keep the first
		}
		f, serr := Parse(s.name, src[s.start:s.end])
		if serr != nil {
			ds.errs[f] = serr
		}
		ds.files = append(ds.files, f)
		ds.byName[s.name] = f
		if _, ok := ds.clean[path.Clean(s.name)]; !ok {
			ds.clean[path.Clean(s.name)] = f
		}
		ds.order = append(ds.order, s.name)
	}
	sort.Strings(ds.order)
	for _, n := range ds.order {
		dir := n[:strings.LastIndexByte(n, '/')+1]
		ds.byDir[dir] = append(ds.byDir[dir], n)
	}
	ds.prefix = path.Dir(secs[0].name)
	return ds
}

// loadDump is the loader's hook for dumps: when the one path given is an
// nginx -T dump (or --dump says so), it returns the dump's unit and true.
// Nothing on disk is read beyond the dump itself.
func (l *loader) loadDump(paths []string) ([]*Unit, bool, error) {
	found := -1
	var src []byte
	for i, p := range paths {
		b, isDump, err := l.peekDump(p, len(paths) == 1)
		if err != nil {
			return nil, true, err
		}
		if isDump || l.opt.Dump {
			found, src = i, b
			break
		}
	}
	if found < 0 {
		return nil, false, nil
	}
	if len(paths) > 1 {
		return nil, true, &UsageError{Msg: fmt.Sprintf("%s is an nginx -T dump: it holds a whole configuration and is linted alone; lint the other paths in another run", l.display(paths[found]))}
	}
	shown := l.display(paths[found])
	if over, ok := l.overlaid(paths[found]); ok {
		if len(over) > maxDumpSize {
			return nil, true, &UsageError{Msg: fmt.Sprintf("cannot read %s: larger than %d MiB", shown, maxDumpSize>>20)}
		}
		src = over
	} else if paths[found] != "-" {
		var err error
		if src, err = readDumpFile(paths[found]); err != nil {
			return nil, true, &UsageError{Msg: fmt.Sprintf("cannot read %s: %v", shown, unwrapPathErr(err))}
		}
	}
	secs := splitDump(src)
	if len(secs) == 0 {
		return nil, true, &UsageError{Msg: fmt.Sprintf("%s is not an nginx -T dump: it does not start with a %q line (the output of nginx -T, optionally after the nginx: lines of its standard error)", shown, dumpHeader+"/path/to/nginx.conf:")}
	}
	u := l.dumpUnit(shown, src, secs)
	return []*Unit{u}, true, nil
}

// peekDump reads enough of a path to tell whether it is a dump. Standard
// input is read whole (it can be read only once) and handed back to the
// loader for an ordinary read when it is not a dump. With keep, a regular
// file read whole (no larger than dumpPeek) is kept for the loader's
// ordinary read of the same path (takePeeked), so it is opened and read
// once.
func (l *loader) peekDump(p string, keep bool) ([]byte, bool, error) {
	if p == "-" {
		if l.opt.Stdin == nil {
			return nil, false, nil
		}
		// Read once, under the same bound as any configuration file.
		b, err := ReadConfigStream(l.opt.Stdin, l.budget)
		if err != nil {
			return nil, false, &UsageError{Msg: fmt.Sprintf("cannot read standard input: %v", err), Err: err}
		}
		l.opt.Stdin = bytes.NewReader(b)
		return b, looksLikeDump(b), nil
	}
	if over, ok := l.overlaid(p); ok {
		if len(over) > dumpPeek {
			over = over[:dumpPeek]
		}
		return nil, looksLikeDump(over), nil
	}
	st, err := os.Stat(p)
	if err != nil || !st.Mode().IsRegular() {
		if l.opt.Dump {
			if err == nil {
				err = fmt.Errorf("not a regular file")
			}
			return nil, false, &UsageError{Msg: fmt.Sprintf("--dump: cannot read %s as an nginx -T dump: %v", l.display(p), unwrapPathErr(err))}
		}
		return nil, false, nil // a directory, or an error the ordinary path reports
	}
	head, stamp, whole := readHead(p, dumpPeek)
	if keep && whole {
		l.peek = &peeked{path: p, src: head, stamp: stamp}
	}
	return nil, looksLikeDump(head), nil
}

func readDumpFile(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	b, err := io.ReadAll(io.LimitReader(f, maxDumpSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxDumpSize {
		return nil, fmt.Errorf("larger than %d MiB", maxDumpSize>>20)
	}
	return b, nil
}

// dumpUnit builds the unit of a dump: its first file is the main
// configuration, and includes resolve among the dump's files only. A header
// that nothing includes is a line of the file before it that happens to
// read like a header (a pasted dump in a comment): the two are joined
// back, as long as the joined text parses, and the dump is read again.
func (l *loader) dumpUnit(shown string, src []byte, secs []dumpSection) *Unit {
	for joins := 0; ; joins++ {
		ds := newDumpSet(shown, src, secs)
		u := ds.unit()
		if joins == maxDumpJoins {
			return u // a crafted dump must not make this quadratic
		}
		reached := map[*File]bool{}
		for _, f := range u.Files() {
			reached[f] = true
		}
		join := -1
		for i := 1; i < len(secs) && join < 0; i++ {
			f := ds.byName[secs[i].name]
			if reached[f] || ds.byName[secs[i-1].name] == f {
				continue
			}
			if _, serr := Parse(secs[i-1].name, src[secs[i-1].start:secs[i].end]); serr == nil {
				join = i
			}
		}
		if join < 0 {
			return u
		}
		secs[join-1].end = secs[join].end
		secs = append(secs[:join], secs[join+1:]...)
	}
}

func (ds *dumpSet) unit() *Unit {
	root := ds.files[0]
	u := &Unit{Root: root, Context: CtxMain, Prefix: ds.prefix, Report: map[*File]bool{}, files: map[string]*File{}, Dump: ds.name}
	if serr := ds.errs[root]; serr != nil {
		u.Problems = append(u.Problems, syntaxProblem(serr))
		u.Report[root] = true
		return u
	}
	ds.expand(u, root, []string{root.Path})
	for _, f := range u.Files() {
		u.Report[f] = true
	}
	return u
}

// expand resolves the includes of f among the dump's files, as nginx did
// when it printed them: relative names against the directory of the main
// configuration, patterns against the names in the dump.
func (ds *dumpSet) expand(u *Unit, f *File, stack []string) {
	if f.BOM {
		u.addProblem(Problem{Kind: ProblemBOM, File: f, Start: 0, End: 3,
			Msg: "the file starts with a UTF-8 byte-order mark; nginx does not skip it and reads the first directive name with it (nginx -t: unknown directive); save the file without BOM"})
	}
	f.Walk(func(d *Directive) {
		if d.Name != "include" || d.Block != nil || len(d.Args) != 1 {
			return
		}
		d.SetIncluded(nil)
		arg := d.Args[0]
		target := arg.Value
		if !strings.HasPrefix(target, "/") {
			target = ds.prefix + "/" + target
		}
		var matches []*File
		if strings.ContainsAny(arg.Value, "*?[") {
			cands := ds.order
			if dir := target[:strings.LastIndexByte(target, '/')+1]; !strings.ContainsAny(dir, "*?[") {
				cands = ds.byDir[dir] // the usual conf.d/*.conf: only that directory's names
			}
			for _, name := range cands {
				if dumpGlobMatch(target, name) {
					matches = append(matches, ds.byName[name])
				}
			}
		} else {
			m := ds.byName[target]
			if m == nil {
				m = ds.clean[path.Clean(target)]
			}
			if m == nil {
				u.addProblem(Problem{Kind: ProblemIncludeMissing, File: f, Start: int(arg.Start), End: int(arg.End),
					Msg: fmt.Sprintf("include %q: %s is not in the nginx -T dump %s, though nginx prints every file it reads; the dump is incomplete or was edited", arg.Value, target, ds.name)})
				return
			}
			matches = []*File{m}
		}
		for _, m := range matches {
			if i := indexOf(stack, m.Path); i >= 0 {
				u.addProblem(Problem{Kind: ProblemIncludeCycle, File: f, Start: d.Start(), End: int(d.End),
					Msg: fmt.Sprintf("include cycle: %s is already being read (%s); nginx -t never finishes reading it and crashes", m.Path, strings.Join(append(append([]string{}, stack[i:]...), m.Path), " includes "))})
				continue
			}
			if serr := ds.errs[m]; serr != nil {
				pb := syntaxProblem(serr)
				pb.Via = f
				u.addProblem(pb)
				continue
			}
			d.AddIncluded(m)
			if _, done := u.files[m.Path]; !done {
				u.files[m.Path] = m
				ds.expand(u, m, append(stack, m.Path))
			}
		}
	})
}

// dumpGlobMatch matches a dump name against an include pattern as glob(3)
// does: segment by segment, a wildcard never matching a leading '.'.
func dumpGlobMatch(pattern, name string) bool {
	ps, ns := strings.Split(pattern, "/"), strings.Split(name, "/")
	if len(ps) != len(ns) {
		return false
	}
	for i := range ps {
		ok, err := path.Match(ps[i], ns[i])
		if err != nil || !ok {
			return false
		}
		if strings.HasPrefix(ns[i], ".") && !strings.HasPrefix(ps[i], ".") && strings.ContainsAny(ps[i], "*?[") {
			return false
		}
	}
	return true
}
