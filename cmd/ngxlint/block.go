package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
	"github.com/ngxlint/ngxlint/rules/websocket"
)

func init() { registerCommand(30, "block", (*env).blockCommand) }

func (e *env) blockCommand() *cli.Command {
	flags := append(commonFlags(),
		&cli.StringFlag{Name: "path", Value: "/ws/", Usage: "the location `PATH` clients open the WebSocket on; a modifier may come first: \"= /ws\", \"^~ /ws/\""},
		&cli.StringFlag{Name: "upstream", Usage: "the backend `URL` for proxy_pass: http://127.0.0.1:9001, https://app.internal, or host:port"},
		&cli.StringFlag{Name: "read-timeout", Usage: "proxy_read_timeout `TIME`: how long the socket may be silent in both directions (nginx closes it after 60s by default)", Value: websocket.DefaultReadTimeout},
		&cli.BoolFlag{Name: "keepalive", Usage: "keep connections to the backend open for normal requests: an upstream{} block and the map that sends no Connection: close"},
		&cli.StringFlag{Name: "upstream-name", Value: "websocket_backend", Usage: "`NAME` of the upstream{} block --keepalive writes"},
		&cli.StringFlag{Name: "from", Usage: "print the corrected version of the location that serves --path in configuration `FILE`, every fix applied"},
		&cli.StringFlag{Name: "server", Usage: "with --from: the server{} to look in, by a `NAME` in its server_name (or its listen address)"},
	)
	return &cli.Command{
		Name:  "block",
		Usage: "print a correct WebSocket location block, with the map it needs",
		Flags: flags,
		Description: "ngxlint block --path /ws/ --upstream http://127.0.0.1:9001 [--read-timeout 1h] [--keepalive] [--nginx-version V]\n" +
			"ngxlint block --from site.conf --path /ws/ [--server example.com]\n\n" +
			"The block carries proxy_http_version 1.1 for every target version: it is required before nginx 1.29.7, " +
			"the default from then on, and a configuration often outlives the nginx it was written for. " +
			"The fixes of ngxlint fix insert the same directives.",
		Action: e.blockAction,
	}
}

func (e *env) blockAction(c *cli.Context) error {
	if c.Args().Len() > 0 {
		return &usageError{msg: fmt.Sprintf("ngxlint block takes no arguments (got %q); the file to read is --from FILE", c.Args().First())}
	}
	s, err := e.settings(c)
	if err != nil {
		return err
	}
	path := strings.TrimSpace(c.String("path"))
	if err := checkLocationPath(path); err != nil {
		return err
	}
	if from := c.String("from"); from != "" {
		for _, f := range []string{"upstream", "read-timeout", "keepalive", "upstream-name"} {
			if c.IsSet(f) {
				return &usageError{msg: fmt.Sprintf("--%s describes a new block; with --from the block comes from the file", f)}
			}
		}
		return e.blockFrom(c, s, from, path)
	}
	if c.IsSet("server") {
		return &usageError{msg: "--server chooses a server{} of --from FILE"}
	}
	up := strings.TrimSpace(c.String("upstream"))
	if up == "" {
		return &usageError{msg: "--upstream URL is required: where nginx sends the WebSocket, e.g. --upstream http://127.0.0.1:9001 (or --from FILE to correct an existing location)"}
	}
	up, err = checkUpstream(up)
	if err != nil {
		return err
	}
	timeout := strings.TrimSpace(c.String("read-timeout"))
	if timeout != "" {
		ms, err := model.ParseTime(timeout, false)
		if err != nil {
			return &usageError{msg: fmt.Sprintf("--read-timeout %q: %v (nginx time syntax: 90s, 5m, 1h, 1d)", timeout, err)}
		}
		if ms == 0 {
			return &usageError{msg: "--read-timeout 0 is not \"no timeout\": nginx then times out every handshake at once (504); use a long time such as 1d"}
		}
	}
	name := c.String("upstream-name")
	if c.Bool("keepalive") && (name == "" || strings.ContainsAny(name, " \t;{}'\"$/:")) {
		return &usageError{msg: fmt.Sprintf("--upstream-name %q must be a plain name such as websocket_backend", name)}
	}
	g := websocket.GenerateBlock(websocket.BlockSpec{Path: path, Upstream: up, ReadTimeout: timeout,
		Keepalive: c.Bool("keepalive"), UpstreamName: name, Version: s.opts.Version})
	fmt.Fprint(e.stdout, RenderGenerated(g))
	return nil
}

// RenderGenerated prints a generated configuration with a comment saying
// where each part goes.
func RenderGenerated(g websocket.Generated) string {
	var sb strings.Builder
	sb.WriteString("# In http {}, once per configuration:\n")
	for i, d := range g.HTTP {
		if i > 0 {
			sb.WriteString("\n")
		}
		for _, l := range websocket.RenderBlock(d, "    ") {
			sb.WriteString(l + "\n")
		}
	}
	sb.WriteString("\n# In the server {} that clients connect to:\n")
	for _, l := range websocket.RenderBlock(g.Location, "    ") {
		sb.WriteString(l + "\n")
	}
	return sb.String()
}

// checkLocationPath accepts what a location directive takes: a path, or a
// modifier and a path or regex.
func checkLocationPath(path string) error {
	f := strings.Fields(path)
	bad := &usageError{msg: fmt.Sprintf("--path %q must be a location path such as /ws/, optionally after a modifier: \"= /ws\", \"^~ /ws/\", \"~ ^/ws\"", path)}
	switch len(f) {
	case 1:
		if !strings.HasPrefix(f[0], "/") {
			return bad
		}
	case 2:
		switch f[0] {
		case "=", "^~":
			if !strings.HasPrefix(f[1], "/") {
				return bad
			}
		case "~", "~*":
		default:
			return bad
		}
	default:
		return bad
	}
	return nil
}

// checkUpstream accepts http:// and https:// URLs, and a bare host:port or
// unix:/path (taken as http://).
func checkUpstream(up string) (string, error) {
	scheme, rest, ok := strings.Cut(up, "://")
	if !ok {
		return "http://" + up, nil
	}
	switch strings.ToLower(scheme) {
	case "http", "https":
		if rest == "" {
			return "", &usageError{msg: fmt.Sprintf("--upstream %q names no host", up)}
		}
		return up, nil
	case "ws", "wss":
		return "", &usageError{msg: fmt.Sprintf("--upstream %q: nginx proxies WebSocket to http:// and https:// URLs (proxy_pass does not take ws:// or wss://); use %s://%s",
			up, map[string]string{"ws": "http", "wss": "https"}[strings.ToLower(scheme)], rest)}
	}
	return "", &usageError{msg: fmt.Sprintf("--upstream %q must be an http:// or https:// URL, or host:port", up)}
}

// blockFrom prints the location of file that serves path, with every fix
// applied, and the map the fixes add.
func (e *env) blockFrom(c *cli.Context, s *settings, from, path string) error {
	uri := path
	if f := strings.Fields(path); len(f) == 2 {
		if f[0] == "~" || f[0] == "~*" {
			return &usageError{msg: "with --from, --path is the request path clients use (/ws/), not a regex"}
		}
		uri = f[1]
	}
	paths, _ := s.opts.Setting("ws-paths")
	websocket.SetWSPaths(&s.opts, append(paths[:len(paths):len(paths)], uri), "--path")
	units, err := parser.Load([]string{e.resolve(from)}, s.load)
	if err != nil {
		return pathError(err)
	}
	if err := e.blockSyntaxErrors(s, units, from); err != nil {
		return err
	}
	type hit struct {
		unit     int
		srv, loc *model.Block
		redirect bool
	}
	var hits []hit
	var names []string
	for i, u := range units {
		cfg := model.Build(u, model.Options{Version: s.opts.Version})
		for _, srv := range cfg.Servers {
			if srv.Dir != nil && !u.Report[srv.Dir.File] || srv.Dir == nil && !u.Report[u.Root] {
				continue
			}
			if want := c.String("server"); want != "" && !serverNamed(srv, want) {
				continue
			}
			m := srv.FindLocation(uri)
			if m.Loc == nil {
				continue
			}
			hits = append(hits, hit{i, srv, websocket.Serving(m.Loc), m.Redirect})
			names = append(names, serverLabel(srv))
		}
	}
	switch {
	case len(hits) == 0 && c.String("server") != "":
		return &usageError{msg: fmt.Sprintf("no server{} named %q in %s has a location for %s", c.String("server"), from, uri)}
	case len(hits) == 0:
		return &usageError{msg: fmt.Sprintf("no location in %s serves %s; ngxlint block --path %s --upstream URL writes a new one", from, uri, path)}
	case len(hits) > 1:
		return &usageError{msg: fmt.Sprintf("%s is served by several servers in %s (%s); choose one with --server NAME", uri, from, strings.Join(names, "; "))}
	}
	h := hits[0]
	loc := h.loc
	if loc.Dir == nil {
		return &usageError{msg: fmt.Sprintf("%s is a snippet of location directives, not a location block; ngxlint fix %s prints it corrected", from, from)}
	}
	if _, ok := loc.Handler(); !ok {
		return &usageError{msg: fmt.Sprintf("%s (%s) serves %s but proxies nothing; ngxlint block --path %s --upstream URL writes a new one", loc.Name(), rules.Line(loc.Dir, nil), uri, path)}
	}
	if h.redirect {
		fmt.Fprintf(e.stderr, "ngxlint: nginx answers %s with a 301 to %s/ (%s lacks only the trailing slash), and WebSocket clients do not follow redirects: connect to %s/ or add location = %s\n", uri, uri, loc.Name(), uri, uri)
	}
	res, err := rules.ApplyFixes(units, rules.Info, e.fixLint(s))
	if err != nil {
		var fe *rules.FixError
		if errors.As(err, &fe) {
			fmt.Fprintf(e.stderr, "ngxlint: %v\n", fe)
			return exitCode(exitError)
		}
		return err
	}
	origFile := loc.Dir.File
	at := res.OutputOffset(origFile, loc.Dir.Start())
	fixedCfg := model.Build(res.Units[h.unit], model.Options{Version: s.opts.Version})
	var fixed *model.Block
	for _, b := range fixedCfg.Locations {
		if b.Dir != nil && res.Orig[b.Dir.File] == origFile && b.Dir.Start() == at {
			fixed = b
		}
	}
	if fixed == nil {
		return fmt.Errorf("cannot find %s again after fixing (a bug in ngxlint)", loc.Name())
	}
	origCfg := model.Build(units[h.unit], model.Options{Version: s.opts.Version})
	var sb strings.Builder
	var mapDir *parser.Directive // the map the fixes add, in the fixed text
	if _, had := origCfg.Map(websocket.ConnectionVar); !had {
		if m, ok := fixedCfg.Map(websocket.ConnectionVar); ok && m.Dir != nil {
			mapDir = m.Dir
			sb.WriteString("# In http {}, once per configuration (the fix adds it):\n")
			sb.WriteString(sourceOf(m.Dir))
			sb.WriteString("\n")
		}
	}
	fmt.Fprintf(&sb, "# %s (%s) in %s, corrected:\n", loc.Name(), rules.Line(loc.Dir, nil), serverLabel(h.srv))
	sb.WriteString(inheritedNote(fixed))
	sb.WriteString(sourceOf(fixed.Dir))
	fmt.Fprint(e.stdout, sb.String())
	// what the output does not show
	for _, u := range res.Unfixed {
		f := u.Finding
		if f.Span.File == fixed.Dir.File && f.Span.Start >= fixed.Dir.Start() && f.Span.Start < int(fixed.Dir.End) {
			_, p := res.InputPos(f)
			fmt.Fprintf(e.stderr, "%s:%d:%d: %s: %s [%s %s]\n    not fixed: %s\n", origFile.Path, p.Line, p.Column, f.Severity, f.Message, f.Rule.ID, f.Rule.Name, u.Reason)
		}
	}
	if changedOutside(res, loc.Dir, mapDir) {
		fmt.Fprintf(e.stderr, "ngxlint: the fixes also change the configuration outside this location (a level it inherits from, or other locations); ngxlint fix --diff %s shows every change\n", from)
	}
	return nil
}

// serverNamed reports whether a server has name in its server_name or
// its listen addresses.
func serverNamed(srv *model.Block, name string) bool {
	for _, d := range []string{"server_name", "listen"} {
		for _, e := range srv.Own(d) {
			for _, a := range e.D.Args {
				if strings.EqualFold(a.Value, name) {
					return true
				}
			}
		}
	}
	return false
}

// serverLabel names a server for messages: its first server_name and line.
func serverLabel(srv *model.Block) string {
	name := "server"
	if e, ok := srv.First("server_name"); ok && len(e.D.Args) > 0 {
		name += " " + e.D.Args[0].Value
	}
	if srv.Dir != nil {
		name += " (line " + fmt.Sprint(srv.Dir.File.Position(srv.Dir.Start()).Line) + ")"
	}
	return name
}

// inheritedNote lists, as comments, the WebSocket directives a location
// does not set itself and takes from an enclosing level: the block alone
// is correct only together with them.
func inheritedNote(b *model.Block) string {
	var sb strings.Builder
	for _, name := range []string{"proxy_http_version", "proxy_set_header", "proxy_read_timeout"} {
		es, level := b.Lookup(name)
		if level == nil || level == b {
			continue
		}
		fmt.Fprintf(&sb, "# it inherits from %s (%s):\n", level.Name(), rules.Line(es[0].At(), nil))
		for _, e := range es {
			d := e.D
			fmt.Fprintf(&sb, "#     %s\n", strings.Join(strings.Fields(string(d.File.Src[d.Start():d.End])), " "))
		}
	}
	return sb.String()
}

// sourceOf is a block's text as written, from the start of its line to its
// closing brace, without the indentation of its first line, with a final
// line ending.
func sourceOf(d *parser.Directive) string {
	f := d.File
	ind := f.Indent(d.Start())
	start := f.LineStart(d.Start())
	if f.BOM && start == 0 {
		start = 3
	}
	text := string(f.Src[start:d.End])
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, ind)
	}
	eol := "\n"
	if strings.Contains(text, "\r\n") {
		eol = "\r\n"
	}
	return strings.Join(lines, "") + eol
}

// changedOutside reports whether the fixes changed any input text other
// than the location's and the place where the added map went.
func changedOutside(res *rules.FixResult, loc, mapDir *parser.Directive) bool {
	mapAt, mapFile := -1, (*parser.File)(nil)
	if mapDir != nil {
		mapFile, mapAt = res.Orig[mapDir.File], res.InputOffset(mapDir.File, mapDir.Start())
	}
	from, to := loc.File.LineStart(loc.Start()), loc.End
	for _, ff := range res.Files {
		for _, r := range res.Touched(ff.File) {
			switch {
			case ff.File == loc.File && r[0] >= from && r[1] <= int(to):
			case ff.File == mapFile && r[0] == mapAt && r[1] == mapAt:
			default:
				return true
			}
		}
	}
	return false
}

// blockSyntaxErrors reports, like lint, the syntax errors of the files
// --from reads: a file that does not parse has no location to correct, and
// nginx -t fails on it. Exit 1, as for lint.
func (e *env) blockSyntaxErrors(s *settings, units []*parser.Unit, from string) error {
	has := false
	for _, u := range units {
		for _, pb := range u.Problems {
			has = has || pb.Kind == parser.ProblemSyntax
		}
	}
	if !has {
		return nil
	}
	all, err := rules.Lint(units, &s.opts, s.run)
	if err != nil {
		return err
	}
	var fs []*rules.Finding
	for _, f := range all {
		if r, ok := rules.Lookup(f.Rule.ID); ok {
			if pr, ok := r.(rules.ProblemRule); ok && pr.Problem() == parser.ProblemSyntax {
				fs = append(fs, f)
			}
		}
	}
	if len(fs) == 0 {
		return nil
	}
	if err := (textFormat{}).write(e.stderr, fs, e); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "ngxlint: %s does not parse (nginx -t fails on it too); fix the syntax error first\n", shownPath(from))
	return exitCode(exitFindings)
}
