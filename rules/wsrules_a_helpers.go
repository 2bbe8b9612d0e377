package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
)

// Helpers shared by WS005, WS006, WS007, WS011, WS012, WS013, WS014 and WS029.

// strongWSSegment is the part of the path heuristics that names WebSocket
// itself (ws, wss, websocket, socket.io, sockjs), without the words that
// also name ordinary pages (live, push, hub, cable...).
var strongWSSegment = regexp.MustCompile(`(?i)(^|[/^(|_.-])(ws|wss|websockets?|socket\.io|sockjs)([/$)|_.?-]|$)`)

// handlerIntent is the WebSocket evidence for a location served by a
// handler that cannot carry proxy_set_header's meaning (fastcgi_pass,
// grpc_pass, memcached_pass). The shared helper counts proxy_set_header
// Upgrade in effect as a declaration, but such a location only inherits it
// from a server that proxies elsewhere; here only what is written for this
// location counts: a --ws-path it serves, a "# ngxlint: websocket" comment,
// an Upgrade or upgrading Connection header set at this level with
// proxy_set_header, grpc_set_header or fastcgi_param HTTP_UPGRADE /
// HTTP_CONNECTION, a known application path that names WebSocket
// (/socket.io/, /api/websocket), or another path segment that does (ws,
// websocket, sockjs). Known paths without such a segment (/push/, /hub,
// /cable, /comms) are only hints, since a location handed to PHP or gRPC
// there may belong to another application; the other words of the path
// heuristics ("live", "push", "hub" in any path) do not count: they name
// ordinary pages too often.
func handlerIntent(p *Pass, b *model.Block) Intent {
	var out Intent
	add := func(ev Evidence, why string) {
		if ev > out.Evidence {
			out.Evidence = ev
			out.Why = append([]string{why}, out.Why...)
		} else {
			out.Why = append(out.Why, why)
		}
	}
	loc := b.EnclosingLocation()
	levels := []*model.Block{b}
	if loc != nil && loc != b {
		levels = append(levels, loc)
	}
	for _, l := range levels {
		for _, path := range p.ws.served[l] {
			src := p.Opts.WSPathSource
			if src == "" {
				src = "--ws-path"
			}
			add(Declared, fmt.Sprintf("%s %s is served here", src, path))
		}
		if c, ok := marker(l); ok {
			add(Declared, fmt.Sprintf("it is marked %q on %s", "#"+c.Text, lineOf(l, c.Start)))
		}
		for _, name := range []string{"proxy_set_header", "grpc_set_header", "fastcgi_param"} {
			for _, e := range l.Own(name) {
				if len(e.D.Args) < 2 {
					continue
				}
				field, value := e.D.Args[0].Value, e.D.Args[1].Value
				if name == "fastcgi_param" {
					field = strings.TrimPrefix(strings.ToUpper(field), "HTTP_")
				}
				if strings.EqualFold(field, "Upgrade") ||
					strings.EqualFold(field, "Connection") && ConnectionIntent(p.Cfg, value) {
					add(Declared, fmt.Sprintf("it sets %s %s on %s", name, e.D.Args[0].Value, Line(e.D, e.D.File)))
				}
			}
		}
	}
	if loc != nil && loc.Loc != nil && !loc.Synthetic {
		app, _ := knownApp(loc.Loc)
		strong := strongWSSegment.MatchString(loc.Loc.Pattern)
		switch {
		case app != nil:
			out.App = app
			ev := KnownPath
			if !strong {
				ev = PathHint // /push/ or /hub may be another application's page
			}
			add(ev, fmt.Sprintf("its path %s is where %s opens WebSockets", loc.Loc.String(), app.Name))
		case strong:
			add(PathHint, fmt.Sprintf("its path %s looks like a WebSocket endpoint", loc.Loc.String()))
		}
	}
	return out
}

// pathEvidence reports whether a location's own path says WebSocket: a
// --ws-path it serves, a known application path, or a WebSocket-looking
// path segment. It ignores headers.
func pathEvidence(p *Pass, loc *model.Block) (string, bool) {
	if loc == nil || loc.Kind != model.Location || loc.Loc == nil || loc.Synthetic {
		return "", false
	}
	if paths := p.ws.served[loc]; len(paths) > 0 {
		src := p.Opts.WSPathSource
		if src == "" {
			src = "--ws-path"
		}
		return fmt.Sprintf("%s %s is served here", src, paths[0]), true
	}
	if app, _ := knownApp(loc.Loc); app != nil {
		return fmt.Sprintf("its path %s is where %s opens WebSockets", loc.Loc.String(), app.Name), true
	}
	if wsSegment.MatchString(loc.Loc.Pattern) {
		return fmt.Sprintf("its path %s looks like a WebSocket endpoint", loc.Loc.String()), true
	}
	return "", false
}

// names lists up to three level names, then "and N more".
func names(bs []*model.Block) string {
	var out []string
	for i, b := range bs {
		if i == 3 {
			out = append(out, fmt.Sprintf("%d more", len(bs)-3))
			break
		}
		out = append(out, b.Name())
	}
	switch len(out) {
	case 0:
		return ""
	case 1:
		return out[0]
	}
	return strings.Join(out[:len(out)-1], ", ") + " and " + out[len(out)-1]
}

// moveBlockBefore returns the edits that move the block directive d (and
// the comments on the lines right above it) to just before anchor, on
// lines of their own with anchor's indentation, followed by a blank line.
// Both must be in the same file, each starting its line.
func moveBlockBefore(d, anchor *parser.Directive) ([]Edit, bool) {
	f := d.File
	start, ok := movableStart(d)
	if !ok || anchor.File != f || !startsLine(f, anchor.Start()) {
		return nil, false
	}
	text := reindent(f, start, lineEnd(f, d.End), f.Indent(start), f.Indent(anchor.Start()))
	at := f.LineStart(anchor.Start())
	if lc := anchor.LeadingComments(); len(lc) > 0 && f.LineStart(lc[0].Start) > 0 {
		at = f.LineStart(lc[0].Start) // keep the anchor's comments with it, but not a file's header
	}
	if f.BOM && at == 0 {
		at = 3
	}
	eol := f.EOL()
	return []Edit{
		{File: f, Start: at, End: at, New: text + eol + eol},
		deleteLines(f, start, d.End),
	}, true
}

// moveBlockInto returns the edits that move the block directive d (and the
// comments right above it) to the start of the body of the block directive
// into, followed by a blank line.
func moveBlockInto(d, into *parser.Directive) ([]Edit, bool) {
	f := d.File
	start, ok := movableStart(d)
	if !ok || into.File != f || into.Block == nil || sameLine(f, into.Block.Open, into.Block.Close) ||
		!restOfLineIsEmpty(f, into.Block.Open+1) {
		return nil, false
	}
	ind := f.Indent(into.Start()) + indentUnit(f)
	if len(into.Block.Directives) > 0 && startsLine(f, into.Block.Directives[0].Start()) {
		ind = f.Indent(into.Block.Directives[0].Start())
	}
	text := reindent(f, start, lineEnd(f, d.End), f.Indent(start), ind)
	at := lineEnd(f, into.Block.Open+1)
	eol := f.EOL()
	return []Edit{
		{File: f, Start: at, End: at, New: eol + text + eol},
		deleteLines(f, start, d.End),
	}, true
}

// movableStart is where a block directive to move begins: its first
// leading comment, or itself. ok is false when it shares its first or
// last line with another directive. What is moved ends at the end of its
// last line, with any comment there.
func movableStart(d *parser.Directive) (int, bool) {
	f := d.File
	if !startsLine(f, d.Start()) || !restOfLineIsEmpty(f, d.End) {
		return 0, false
	}
	start := d.Start()
	if lc := d.LeadingComments(); len(lc) > 0 {
		start = lc[0].Start
	}
	return start, true
}

// deleteLines removes the whole lines from start's to end's, and one of
// the blank lines around them when that would leave two blank lines in a
// row, or a blank line next to a brace.
func deleteLines(f *parser.File, start, end int) Edit {
	from := f.LineStart(start)
	to := lineEnd(f, end)
	to = skipEOL(f, to)
	blank := func(a, b int) bool { return strings.TrimSpace(string(f.Src[a:b])) == "" }
	nextEnd := skipEOL(f, lineEnd(f, to))
	nextBlank := to < len(f.Src) && blank(to, nextEnd)
	prevBlank := false
	prevStart := from
	if from > 0 {
		prevStart = f.LineStart(from - 1)
		prevBlank = blank(prevStart, from)
	}
	before := strings.TrimRight(string(f.Src[:from]), " \t\r\n")
	after := strings.TrimLeft(string(f.Src[to:]), " \t\r\n")
	opens := before == "" || strings.HasSuffix(before, "{")
	closes := after == "" || strings.HasPrefix(after, "}")
	switch {
	case nextBlank && (prevBlank || opens):
		to = nextEnd
	case prevBlank && closes:
		from = prevStart
	}
	return Edit{File: f, Start: from, End: to}
}

func skipEOL(f *parser.File, off int) int {
	if off < len(f.Src) && f.Src[off] == '\r' {
		off++
	}
	if off < len(f.Src) && f.Src[off] == '\n' {
		off++
	}
	return off
}

// reindent returns Src[start:end] with its first line indented by to and
// every later line's leading from replaced by to.
func reindent(f *parser.File, start, end int, from, to string) string {
	raw := string(f.Src[start:end])
	eol := f.EOL()
	lines := strings.Split(strings.ReplaceAll(raw, "\r\n", "\n"), "\n")
	for i, l := range lines {
		if i == 0 {
			lines[i] = to + l
			continue
		}
		if strings.TrimSpace(l) == "" {
			lines[i] = ""
			continue
		}
		lines[i] = to + strings.TrimPrefix(l, from)
	}
	return strings.Join(lines, eol)
}
