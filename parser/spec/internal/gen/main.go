// Command gen writes parser/spec's generated tables (directives_gen.go)
// from the source of nginx and of the third-party modules listed in
// sources.txt. It reads bare git mirrors (fetch them first) and needs git;
// it is run by hand for a new nginx release, never in CI:
//
//	NGX_MIRROR=/work/.mirror go generate ./parser/spec
//
// What it takes from the C source is facts only: directive and variable
// names, the flags of their ngx_command_t entries, the name of the
// function that reads each value, enum/bitmask value names and numeric
// bounds.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"io"
	"os"
	"os/exec"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

func main() {
	sources := flag.String("sources", "internal/gen/sources.txt", "the input list")
	out := flag.String("out", "directives_gen.go", "the file to write")
	mirror := flag.String("mirror", os.Getenv("NGX_MIRROR"), "directory of bare git mirrors, owner+name/repo")
	flag.Parse()
	if *mirror == "" {
		*mirror = "/work/.mirror"
	}
	if err := run(*sources, *out, *mirror); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

type source struct {
	kind    string // nginx, module, plus
	pkg     string
	repo    string
	from    string
	plusDir []string
}

func readSources(file string) ([]source, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var out []source
	for n, line := range strings.Split(string(data), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		switch {
		case f[0] == "nginx" && len(f) == 3:
			out = append(out, source{kind: "nginx", repo: f[1], from: f[2]})
		case f[0] == "module" && len(f) == 3:
			out = append(out, source{kind: "module", pkg: f[1], repo: f[2]})
		case f[0] == "oldprefix" && len(f) == 3:
			out = append(out, source{kind: "oldprefix", pkg: f[1], from: f[2]})
		case f[0] == "notonce" && len(f) > 1:
			out = append(out, source{kind: "notonce", plusDir: f[1:]})
		case f[0] == "plus" && len(f) > 1:
			out = append(out, source{kind: "plus", plusDir: f[1:]})
		default:
			return nil, fmt.Errorf("%s:%d: cannot read %q", file, n+1, line)
		}
	}
	return out, nil
}

// git is one `git cat-file --batch` process on a repository.
type git struct {
	dir string
	in  io.WriteCloser
	out *bufio.Reader
}

func openGit(dir string) (*git, error) {
	cmd := exec.Command("git", "-C", dir, "cat-file", "--batch")
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &git{dir: dir, in: in, out: bufio.NewReaderSize(out, 1<<20)}, nil
}

func (g *git) cmd(args ...string) (string, error) {
	out, err := exec.Command("git", append([]string{"-C", g.dir}, args...)...).Output()
	if err != nil {
		return "", fmt.Errorf("git -C %s %s: %w", g.dir, strings.Join(args, " "), err)
	}
	return string(out), nil
}

func (g *git) blob(obj string) (string, error) {
	if _, err := fmt.Fprintln(g.in, obj); err != nil {
		return "", err
	}
	head, err := g.out.ReadString('\n')
	if err != nil {
		return "", err
	}
	f := strings.Fields(head)
	if len(f) != 3 {
		return "", fmt.Errorf("cat-file %s: %s", obj, strings.TrimSpace(head))
	}
	n, _ := strconv.Atoi(f[2])
	buf := make([]byte, n+1)
	if _, err := io.ReadFull(g.out, buf); err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}

// cFiles lists the .c files under dir ("" = all) at rev: path -> blob id.
func (g *git) cFiles(rev, dir string) (map[string]string, error) {
	args := []string{"ls-tree", "-r", rev}
	if dir != "" {
		args = append(args, dir)
	}
	out, err := g.cmd(args...)
	if err != nil {
		return nil, err
	}
	files := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		tab := strings.IndexByte(line, '\t')
		if tab < 0 {
			continue
		}
		f := strings.Fields(line[:tab])
		if len(f) == 3 && f[1] == "blob" && strings.HasSuffix(line[tab+1:], ".c") {
			files[line[tab+1:]] = f[2]
		}
	}
	return files, nil
}

// Directive is what the generator learns about one directive.
type Directive struct {
	Name, Module, Setter string
	Ctx                  []string // context flags (NGX_HTTP_LOC_CONF...)
	Args                 []string // argument flags (NGX_CONF_TAKE1...)
	Values               []string // enum or bitmask value names
	Min, Max             string   // ngx_conf_num_bounds_t (Max "-1": no upper bound)
	Since, Until         string
	Package              string
	Once                 bool // the setter refuses a second one at the same level ("is duplicate")
	// Post names the enum or bitmask array of an enum or bitmask setter
	// when another file declares it (proxy_cache_methods and
	// ngx_http_upstream_cache_method_mask): resolved over all files.
	Post string
}

// Variable is one variable a module declares.
type Variable struct {
	Name, Module string
	Prefix       bool
	Since, Until string
	Package      string
}

var (
	comments     = regexp.MustCompile(`(?s)/\*.*?\*/|//[^\n]*`)
	includeC     = regexp.MustCompile(`(?m)^#include\s+"([^"]+\.c)"`)
	commandArray = regexp.MustCompile(`(?s)ngx_command_t\s+(\w+)\[\]\s*=\s*\{(.*?)ngx_null_command`)
	varArray     = regexp.MustCompile(`(?s)ngx_(?:http|stream|mail)_variable_t\s+(\w+)\[\]\s*=\s*\{(.*?)(?:ngx_http_null_variable|ngx_stream_null_variable|\{\s*ngx_null_string)`)
	moduleDecl   = regexp.MustCompile(`(?s)ngx_module_t\s+(\w+)\s*=\s*\{\s*NGX_MODULE_V1\s*,\s*[&\w]+\s*,\s*(\w+)\s*,`)
	enumArray    = regexp.MustCompile(`(?s)ngx_conf_(?:enum|bitmask)_t\s+(\w+)\[\]\s*=\s*\{(.*?)\{\s*ngx_null_string`)
	enumValue    = regexp.MustCompile(`\{\s*ngx_string\("([^"]*)"\)`)
	strDecl      = regexp.MustCompile(`ngx_str_t\s+(\w+)\s*=\s*ngx_string\("([^"]+)"\)`)
	addVariable  = regexp.MustCompile(`ngx_(?:http|stream)_add_variable\(\s*cf\s*,\s*&(\w+)\s*,\s*([^)]*)\)`)
	boundsDecl   = regexp.MustCompile(`ngx_conf_num_bounds_t\s+(\w+)\s*=\s*\{\s*ngx_conf_check_num_bounds\s*,\s*(-?\d+)\s*,\s*(-?\d+)\s*\}`)
)

// entries splits the body of a C array of structs into its top-level
// {...} initialisers, each split into its top-level fields.
func entries(body string) [][]string {
	var out [][]string
	depth, start, fieldStart := 0, 0, 0
	var fields []string
	inStr := false
	for i := 0; i < len(body); i++ {
		c := body[i]
		if inStr {
			switch c {
			case '\\':
				i++
			case '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{':
			depth++
			if depth == 1 {
				start, fieldStart, fields = i, i+1, nil
			}
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 1 {
				fields = append(fields, strings.TrimSpace(body[fieldStart:i]))
				fieldStart = i + 1
			}
		case '}':
			if depth == 1 {
				fields = append(fields, strings.TrimSpace(body[fieldStart:i]))
				out = append(out, fields)
				_ = start
			}
			depth--
		}
	}
	return out
}

var ngxString = regexp.MustCompile(`^ngx_string\("([^"]*)"\)$`)

// parsed is what one C file declares.
type parsed struct {
	dirs  []Directive
	vars  []Variable
	dups  []string            // functions that return "is duplicate"
	enums map[string][]string // the enum and bitmask arrays the file declares
	// delegates maps a setter that hands its arguments to another one
	// (rv = other(cf, cmd, conf); ... return rv;) to that one: it says
	// "is duplicate" when the other does (limit_rate through
	// ngx_http_set_complex_value_slot).
	delegates map[string]string
}

var delegateCall = regexp.MustCompile(`\brv = (\w+)\(cf, cmd, conf\);`)

// funcHead is a setter's head; its parameters may wrap onto a second line.
var funcHead = regexp.MustCompile(`(?m)^(\w+)\(ngx_conf_t \*cf,\s+(?:ngx_command_t|void) \*\w+,\s+void \*\w+\)\s*$`)

func parseC(src string, fileModule string) (parsed, error) {
	src = comments.ReplaceAllString(src, " ")
	var p parsed
	modOf := map[string]string{}
	for _, m := range moduleDecl.FindAllStringSubmatch(src, -1) {
		modOf[m[2]] = m[1]
	}
	enums := map[string][]string{}
	for _, m := range enumArray.FindAllStringSubmatch(src, -1) {
		for _, v := range enumValue.FindAllStringSubmatch(m[2], -1) {
			enums[m[1]] = append(enums[m[1]], v[1])
		}
	}
	p.enums = enums
	bounds := map[string][2]string{}
	for _, m := range boundsDecl.FindAllStringSubmatch(src, -1) {
		bounds[m[1]] = [2]string{m[2], m[3]}
	}
	for _, arr := range commandArray.FindAllStringSubmatch(src, -1) {
		module := modOf[arr[1]]
		if module == "" {
			module = fileModule
		}
		want := strings.Count(arr[2], "ngx_string(\"")
		got := 0
		for _, e := range entries(arr[2]) {
			if len(e) < 3 {
				continue
			}
			nm := ngxString.FindStringSubmatch(e[0])
			if nm == nil {
				continue
			}
			got++
			d := Directive{Name: nm[1], Module: module, Setter: e[2]}
			for _, f := range strings.Split(e[1], "|") {
				f = strings.TrimSpace(f)
				switch {
				case strings.HasPrefix(f, "NGX_CONF_"):
					d.Args = append(d.Args, f)
				case f == "NGX_DIRECT_CONF" || f == "":
				default:
					d.Ctx = append(d.Ctx, f)
				}
			}
			if len(e) >= 6 {
				post := strings.TrimPrefix(strings.TrimSpace(e[5]), "&")
				if v, ok := enums[post]; ok {
					d.Values = v
				} else if e[2] == "ngx_conf_set_enum_slot" || e[2] == "ngx_conf_set_bitmask_slot" {
					d.Post = post
				}
				if b, ok := bounds[post]; ok {
					d.Min, d.Max = b[0], b[1]
				}
			}
			p.dirs = append(p.dirs, d)
		}
		if got != want {
			return p, fmt.Errorf("command array %s: read %d of %d directives", arr[1], got, want)
		}
	}
	varModule := fileModule
	if mods := moduleDecl.FindAllStringSubmatch(src, -1); len(mods) == 1 {
		varModule = mods[0][1]
	}
	for _, arr := range varArray.FindAllStringSubmatch(src, -1) {
		for _, e := range entries(arr[2]) {
			if len(e) < 1 {
				continue
			}
			nm := ngxString.FindStringSubmatch(e[0])
			if nm == nil || nm[1] == "" {
				continue
			}
			v := Variable{Name: nm[1], Module: varModule}
			for _, f := range e[1:] {
				if strings.Contains(f, "_VAR_PREFIX") {
					v.Prefix = true
				}
			}
			p.vars = append(p.vars, v)
		}
	}
	// setters that refuse a second directive at the same level
	heads := funcHead.FindAllStringSubmatchIndex(src, -1)
	for i, h := range heads {
		end := len(src)
		if i+1 < len(heads) {
			end = heads[i+1][0]
		}
		body := src[h[1]:end]
		if strings.Contains(body, `"is duplicate"`) {
			p.dups = append(p.dups, src[h[2]:h[3]])
		} else if m := delegateCall.FindStringSubmatch(body); m != nil && strings.Contains(body, "return rv;") {
			if p.delegates == nil {
				p.delegates = map[string]string{}
			}
			p.delegates[src[h[2]:h[3]]] = m[1]
		}
	}
	// variables a module adds by a named string (gzip_ratio, uid_got)
	strs := map[string]string{}
	for _, m := range strDecl.FindAllStringSubmatch(src, -1) {
		strs[m[1]] = m[2]
	}
	for _, m := range addVariable.FindAllStringSubmatch(src, -1) {
		if n, ok := strs[m[1]]; ok {
			p.vars = append(p.vars, Variable{Name: n, Module: varModule, Prefix: strings.Contains(m[2], "_VAR_PREFIX")})
		}
	}
	return p, nil
}

// fileModule names the module of a file when no ngx_module_t in it
// points at the command array (core files declare the module elsewhere).
func fileModule(file string) string { return strings.TrimSuffix(path.Base(file), ".c") }

type release struct {
	tag     string
	version []int
}

func releases(g *git, from string) ([]release, error) {
	out, err := g.cmd("tag", "-l", "release-*")
	if err != nil {
		return nil, err
	}
	min := parseVersion(from)
	var rs []release
	for _, t := range strings.Fields(out) {
		v := parseVersion(strings.TrimPrefix(t, "release-"))
		if v == nil || less(v, min) {
			continue
		}
		rs = append(rs, release{tag: t, version: v})
	}
	sort.Slice(rs, func(i, j int) bool { return less(rs[i].version, rs[j].version) })
	return rs, nil
}

func parseVersion(s string) []int {
	var v []int
	for _, p := range strings.Split(s, ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil
		}
		v = append(v, n)
	}
	return v
}

func less(a, b []int) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}

type nginxResult struct {
	head       string
	headVer    string
	dirs       []Directive
	vars       []Variable
	ctxChanged []string
	dupSetters map[string]bool
}

// walkNginx reads every release from `from` on, then HEAD.
func walkNginx(dir, from string) (*nginxResult, error) {
	g, err := openGit(dir)
	if err != nil {
		return nil, err
	}
	rs, err := releases(g, from)
	if err != nil {
		return nil, err
	}
	head, err := g.cmd("rev-parse", "--short=12", "HEAD")
	if err != nil {
		return nil, err
	}
	head = strings.TrimSpace(head)
	hdr, err := g.cmd("show", "HEAD:src/core/nginx.h")
	if err != nil {
		return nil, err
	}
	headVer := regexp.MustCompile(`NGINX_VERSION\s+"([^"]+)"`).FindStringSubmatch(hdr)
	if headVer == nil {
		return nil, fmt.Errorf("no NGINX_VERSION in HEAD")
	}
	rs = append(rs, release{tag: "HEAD", version: parseVersion(headVer[1])})

	cache := map[string]parsed{}
	type dkey struct{ name, module string }
	type state struct {
		d         Directive
		last      int // index of the last release that had it
		first     int
		atFloor   string
		floorSeen bool
	}
	dirs := map[dkey]*state{}
	type vkey struct{ name, module string }
	type vstate struct {
		v           Variable
		first, last int
	}
	vars := map[vkey]*vstate{}
	floor := parseVersion("1.18.0")
	dupSetters := map[string]bool{}
	delegates := map[string]string{}
	headEnums := map[string][]string{}
	for i, r := range rs {
		files, err := g.cFiles(r.tag, "src")
		if err != nil {
			return nil, err
		}
		names := make([]string, 0, len(files))
		for f := range files {
			names = append(names, f)
		}
		sort.Strings(names)
		for _, f := range names {
			id := files[f]
			p, ok := cache[id]
			if !ok {
				src, err := g.blob(id)
				if err != nil {
					return nil, err
				}
				p, err = parseC(src, fileModule(f))
				if err != nil {
					return nil, fmt.Errorf("%s:%s: %w", r.tag, f, err)
				}
				cache[id] = p
			}
			if i == len(rs)-1 {
				for _, f := range p.dups {
					dupSetters[f] = true
				}
				for f, to := range p.delegates {
					delegates[f] = to
				}
				for a, v := range p.enums {
					headEnums[a] = v
				}
			}
			for _, d := range p.dirs {
				k := dkey{d.Name, d.Module}
				s := dirs[k]
				if s == nil {
					s = &state{first: i}
					dirs[k] = s
				}
				if s.last != i-1 && s.last != i && s.first != i {
					// gone and back: count from the return
					s.first = i
				}
				s.d, s.last = d, i
				if !less(r.version, floor) && !s.floorSeen {
					s.floorSeen = true
					s.atFloor = strings.Join(d.Ctx, "|") + " " + strings.Join(d.Args, "|")
				}
			}
			for _, v := range p.vars {
				k := vkey{v.Name, v.Module}
				s := vars[k]
				if s == nil {
					s = &vstate{first: i}
					vars[k] = s
				}
				if s.last != i-1 && s.last != i && s.first != i {
					s.first = i
				}
				s.v, s.last = v, i
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for f, to := range delegates {
			if dupSetters[to] && !dupSetters[f] {
				dupSetters[f] = true
				changed = true
			}
		}
	}
	res := &nginxResult{head: head, headVer: headVer[1], dupSetters: dupSetters}
	verName := func(i int) string {
		v := rs[i].version
		parts := make([]string, len(v))
		for j, n := range v {
			parts[j] = strconv.Itoa(n)
		}
		return strings.Join(parts, ".")
	}
	last := len(rs) - 1
	for _, s := range dirs {
		d := s.d
		if s.first > 0 {
			d.Since = verName(s.first)
		}
		if s.last < last {
			d.Until = verName(s.last + 1)
		}
		if len(d.Values) == 0 && d.Post != "" {
			d.Values = headEnums[d.Post]
		}
		now := strings.Join(d.Ctx, "|") + " " + strings.Join(d.Args, "|")
		if s.floorSeen && s.atFloor != now {
			res.ctxChanged = append(res.ctxChanged, fmt.Sprintf("%s (%s): %s -> %s", d.Name, d.Module, s.atFloor, now))
		}
		res.dirs = append(res.dirs, d)
	}
	for _, s := range vars {
		v := s.v
		if s.first > 0 {
			v.Since = verName(s.first)
		}
		if s.last < last {
			v.Until = verName(s.last + 1)
		}
		res.vars = append(res.vars, v)
	}
	sort.Strings(res.ctxChanged)
	return res, nil
}

func walkModule(dir, pkg string) ([]Directive, []Variable, error) {
	g, err := openGit(dir)
	if err != nil {
		return nil, nil, err
	}
	files, err := g.cFiles("HEAD", "")
	if err != nil {
		return nil, nil, err
	}
	names := make([]string, 0, len(files))
	for f := range files {
		if strings.Contains(f, "example") || strings.HasPrefix(f, "t/") || strings.Contains(f, "test") {
			continue
		}
		names = append(names, f)
	}
	sort.Strings(names)
	var ds []Directive
	var vs []Variable
	for _, f := range names {
		src, err := g.blob(files[f])
		if err != nil {
			return nil, nil, err
		}
		// a file that #includes a .c file (nchan's command list) is read with it
		for _, m := range includeC.FindAllStringSubmatch(src, -1) {
			if id, ok := files[path.Join(path.Dir(f), m[1])]; ok {
				inc, err := g.blob(id)
				if err != nil {
					return nil, nil, err
				}
				src = strings.Replace(src, m[0], inc, 1)
			}
		}
		p, err := parseC(src, fileModule(f))
		if err != nil {
			return nil, nil, fmt.Errorf("%s:%s: %w", dir, f, err)
		}
		for _, d := range p.dirs {
			d.Package = pkg
			ds = append(ds, d)
		}
		for _, v := range p.vars {
			v.Package = pkg
			vs = append(vs, v)
		}
	}
	return ds, vs, nil
}

func run(sourcesFile, outFile, mirror string) error {
	srcs, err := readSources(sourcesFile)
	if err != nil {
		return err
	}
	repoDir := func(repo string) string {
		return path.Join(mirror, strings.Replace(repo, "/", "+", 1), "repo")
	}
	var ng *nginxResult
	var thirdDirs []Directive
	var thirdVars []Variable
	var provenance []string
	for _, s := range srcs {
		switch s.kind {
		case "nginx":
			ng, err = walkNginx(repoDir(s.repo), s.from)
			if err != nil {
				return err
			}
		case "module":
			ds, vs, err := walkModule(repoDir(s.repo), s.pkg)
			if err != nil {
				return err
			}
			if len(ds) == 0 {
				fmt.Fprintf(os.Stderr, "gen: %s declares no directives\n", s.repo)
			}
			g, _ := openGit(repoDir(s.repo))
			rev, _ := g.cmd("rev-parse", "--short=12", "HEAD")
			provenance = append(provenance, fmt.Sprintf("%s %s", s.repo, strings.TrimSpace(rev)))
			thirdDirs = append(thirdDirs, ds...)
			thirdVars = append(thirdVars, vs...)
		case "plus":
			for _, n := range s.plusDir {
				thirdDirs = append(thirdDirs, Directive{Name: n, Module: "nginx_plus", Package: "NGINX Plus"})
			}
		}
	}
	if ng == nil {
		return fmt.Errorf("%s names no nginx repository", sourcesFile)
	}
	for _, s := range srcs {
		if s.kind != "oldprefix" {
			continue
		}
		found := false
		for i := range ng.vars {
			if ng.vars[i].Name == s.pkg && ng.vars[i].Prefix {
				found = true
				ng.vars[i].Since = strings.TrimPrefix(s.from, "-")
			}
		}
		if !found {
			return fmt.Errorf("oldprefix %s: no such prefix variable", s.pkg)
		}
	}
	for _, s := range srcs {
		if s.kind != "notonce" {
			continue
		}
		for _, f := range s.plusDir {
			if !ng.dupSetters[f] {
				return fmt.Errorf("notonce %s: no such setter says \"is duplicate\"", f)
			}
			delete(ng.dupSetters, f)
		}
	}
	for i := range ng.dirs {
		ng.dirs[i].Once = ng.dirs[i].Until == "" && ng.dirs[i].Setter != "" && ng.dirs[i].Setter[0] != '&' && ng.dirs[i].Setter != "NULL" && ng.dupSetters[ng.dirs[i].Setter]
	}
	for _, c := range ng.ctxChanged {
		fmt.Fprintln(os.Stderr, "changed since 1.18.0:", c)
	}
	sortDirs := func(ds []Directive) []Directive {
		sort.SliceStable(ds, func(i, j int) bool {
			if ds[i].Name != ds[j].Name {
				return ds[i].Name < ds[j].Name
			}
			if ds[i].Module != ds[j].Module {
				return ds[i].Module < ds[j].Module
			}
			return ds[i].Package < ds[j].Package
		})
		// one entry per (name, module, package)
		out := ds[:0]
		for i, d := range ds {
			if i > 0 && d.Name == ds[i-1].Name && d.Module == ds[i-1].Module && d.Package == ds[i-1].Package {
				continue
			}
			out = append(out, d)
		}
		return out
	}
	sortVars := func(vs []Variable) []Variable {
		sort.SliceStable(vs, func(i, j int) bool {
			if vs[i].Name != vs[j].Name {
				return vs[i].Name < vs[j].Name
			}
			return vs[i].Module < vs[j].Module
		})
		out := vs[:0]
		for i, v := range vs {
			if i > 0 && v.Name == vs[i-1].Name && v.Module == vs[i-1].Module {
				continue
			}
			out = append(out, v)
		}
		return out
	}
	// a third-party name nginx itself declares is nginx's (a Plus
	// directive that became open source, a module that copies one)
	core := map[string]bool{}
	for _, d := range ng.dirs {
		if d.Until == "" {
			core[d.Name] = true
		}
	}
	var td []Directive
	for _, d := range thirdDirs {
		if !core[d.Name] {
			td = append(td, d)
		}
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by parser/spec/internal/gen from nginx/nginx %s (%s) and %s; DO NOT EDIT.\n\n", ng.head, ng.headVer, sourcesFile)
	b.WriteString("package spec\n\n")
	fmt.Fprintf(&b, "// SourceVersion is the nginx version the table was generated from.\nconst SourceVersion = %q\n\n", ng.headVer)
	b.WriteString("// The third-party module sources the table was generated from.\nvar thirdPartySources = []string{\n")
	for _, p := range provenance {
		fmt.Fprintf(&b, "\t%q,\n", p)
	}
	b.WriteString("}\n\n")
	b.WriteString("// nginxDirectives holds every directive the modules of nginx declare, by name.\nvar nginxDirectives = []Directive{\n")
	for _, d := range sortDirs(ng.dirs) {
		writeDirective(&b, d)
	}
	b.WriteString("}\n\n")
	b.WriteString("// thirdPartyDirectives holds the directives of third-party modules.\nvar thirdPartyDirectives = []Directive{\n")
	for _, d := range sortDirs(td) {
		writeDirective(&b, d)
	}
	b.WriteString("}\n\n")
	b.WriteString("// nginxVariables holds every variable the modules of nginx declare.\nvar nginxVariables = []Variable{\n")
	for _, v := range sortVars(ng.vars) {
		writeVariable(&b, v)
	}
	b.WriteString("}\n\n")
	b.WriteString("// thirdPartyVariables holds the variables of third-party modules.\nvar thirdPartyVariables = []Variable{\n")
	for _, v := range sortVars(thirdVars) {
		writeVariable(&b, v)
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		return fmt.Errorf("format: %w\n%s", err, b.String())
	}
	return os.WriteFile(outFile, src, 0o644)
}

var ctxNames = map[string]string{
	"NGX_MAIN_CONF": "CtxMain", "NGX_EVENT_CONF": "CtxEvents", "NGX_ANY_CONF": "CtxAny",
	"NGX_HTTP_MAIN_CONF": "CtxHTTPMain", "NGX_HTTP_SRV_CONF": "CtxHTTPServer", "NGX_HTTP_LOC_CONF": "CtxHTTPLocation",
	"NGX_HTTP_UPS_CONF": "CtxHTTPUpstream", "NGX_HTTP_SIF_CONF": "CtxHTTPServerIf", "NGX_HTTP_LIF_CONF": "CtxHTTPLocationIf",
	"NGX_HTTP_LMT_CONF": "CtxHTTPLimitExcept", "NGX_STREAM_MAIN_CONF": "CtxStreamMain", "NGX_STREAM_SRV_CONF": "CtxStreamServer",
	"NGX_STREAM_UPS_CONF": "CtxStreamUpstream", "NGX_MAIL_MAIN_CONF": "CtxMailMain", "NGX_MAIL_SRV_CONF": "CtxMailServer",
}

var argNames = map[string]string{
	"NGX_CONF_NOARGS": "ArgNoArgs", "NGX_CONF_TAKE1": "ArgTake1", "NGX_CONF_TAKE2": "ArgTake2", "NGX_CONF_TAKE3": "ArgTake3",
	"NGX_CONF_TAKE4": "ArgTake4", "NGX_CONF_TAKE5": "ArgTake5", "NGX_CONF_TAKE6": "ArgTake6", "NGX_CONF_TAKE7": "ArgTake7",
	"NGX_CONF_TAKE12": "ArgTake1|ArgTake2", "NGX_CONF_TAKE13": "ArgTake1|ArgTake3", "NGX_CONF_TAKE23": "ArgTake2|ArgTake3",
	"NGX_CONF_TAKE123": "ArgTake1|ArgTake2|ArgTake3", "NGX_CONF_TAKE1234": "ArgTake1|ArgTake2|ArgTake3|ArgTake4",
	"NGX_CONF_TAKE34": "ArgTake3|ArgTake4", "NGX_CONF_TAKE24": "ArgTake2|ArgTake4",
	"NGX_CONF_BLOCK": "ArgBlock", "NGX_CONF_FLAG": "ArgFlag", "NGX_CONF_ANY": "ArgAny", "NGX_CONF_1MORE": "Arg1More",
	"NGX_CONF_2MORE": "Arg2More", "NGX_CONF_MULTI": "ArgAny",
}

func writeDirective(b *bytes.Buffer, d Directive) {
	var ctx, args []string
	seen := map[string]bool{}
	for _, c := range d.Ctx {
		n, ok := ctxNames[c]
		if !ok || seen[n] {
			continue // a third-party module's own context (rtmp{}): not modeled
		}
		seen[n] = true
		ctx = append(ctx, n)
	}
	for _, a := range d.Args {
		n, ok := argNames[a]
		if !ok {
			continue
		}
		for _, p := range strings.Split(n, "|") {
			if !seen[p] {
				seen[p] = true
				args = append(args, p)
			}
		}
	}
	fmt.Fprintf(b, "\t{Name: %q, Module: %q", d.Name, d.Module)
	if len(ctx) > 0 {
		fmt.Fprintf(b, ", Ctx: %s", strings.Join(ctx, "|"))
	}
	if len(args) > 0 {
		fmt.Fprintf(b, ", Args: %s", strings.Join(args, "|"))
	}
	if d.Setter != "" {
		fmt.Fprintf(b, ", Setter: %q", d.Setter)
	}
	if len(d.Values) > 0 {
		fmt.Fprintf(b, ", Values: %#v", d.Values)
	}
	if d.Min != "" {
		fmt.Fprintf(b, ", Bounded: true, Min: %s, Max: %s", d.Min, d.Max)
	}
	if d.Since != "" {
		fmt.Fprintf(b, ", Since: %q", d.Since)
	}
	if d.Until != "" {
		fmt.Fprintf(b, ", Until: %q", d.Until)
	}
	if d.Package != "" {
		fmt.Fprintf(b, ", Package: %q", d.Package)
	}
	if d.Once {
		b.WriteString(", Once: true")
	}
	b.WriteString("},\n")
}

func writeVariable(b *bytes.Buffer, v Variable) {
	fmt.Fprintf(b, "\t{Name: %q, Module: %q", v.Name, v.Module)
	if v.Prefix {
		b.WriteString(", Prefix: true")
	}
	if v.Since != "" {
		fmt.Fprintf(b, ", Since: %q", v.Since)
	}
	if v.Until != "" {
		fmt.Fprintf(b, ", Until: %q", v.Until)
	}
	if v.Package != "" {
		fmt.Fprintf(b, ", Package: %q", v.Package)
	}
	b.WriteString("},\n")
}
