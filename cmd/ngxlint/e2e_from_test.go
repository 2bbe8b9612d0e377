package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/rules/websocket"
)

// fromCase runs ngxlint block --from on a bad fixture for a path nginx
// broke, puts the corrected location it prints in place of the location
// that serves the path (and the http-level part it prints, such as the
// map, at the http level) in a copy of the fixture, and returns that copy
// as a case in which the path must work. When block --from warns that the
// fixes change more than the location (another level, other locations),
// a failure of the path is reported as a skip. It skips when the location
// lives where the suite cannot put it back (an included file).
func fromCase(t *testing.T, c e2eCase, r *e2eResult, w wsTarget, version string) (e2eCase, bool) {
	t.Helper()
	u := r.site.Unit
	if w.srv == nil {
		t.Skip("no server for the path")
	}
	m := w.srv.FindLocation(w.path)
	if m.Loc == nil || m.Redirect {
		t.Skipf("nginx redirects %s or serves it from no location: there is no location to correct", w.path)
	}
	loc := websocket.Serving(m.Loc)
	if loc.Dir == nil || loc.Dir.File != u.Root {
		t.Skipf("the location serving %s is not written in %s", w.path, filepath.Base(c.conf))
	}
	args, _ := e2eArgs(c.args, version)
	args = append([]string{"block", "--from", c.conf, "--path", w.path}, args...)
	if h := r.site.Server(w.srv.Dir); h != nil && len(h.Names) > 0 && w.srv.Dir != nil {
		args = append(args, "--server", h.Names[0])
	}
	code, out, errOut := runCLI(filepath.Dir(c.conf), args...)
	if isUnknownCommand(errOut, "block") {
		t.Skip("ngxlint block is not available yet (issue 4)")
	}
	if code != 0 {
		t.Skipf("ngxlint %s prints no corrected location (exit %d): %s", strings.Join(args, " "), code, strings.TrimSpace(errOut))
	}
	httpPart, locPart := splitFromOutput(out)
	if locPart == "" {
		t.Fatalf("ngxlint %s printed no location:\n%s", strings.Join(args, " "), out)
	}

	src := u.Root.Src
	insertAt := -1
	if strings.TrimSpace(httpPart) != "" {
		switch u.Context {
		case parser.CtxHTTP:
			insertAt = 0
		case parser.CtxMain:
			for _, d := range u.Root.Top {
				if d.Name == "http" && d.Block != nil {
					insertAt = int(d.Block.Open) + 1
				}
			}
		}
		if insertAt < 0 {
			t.Skipf("ngxlint block --from prints a part for http{}, and %s has no http level to put it in", filepath.Base(c.conf))
		}
	}
	var b strings.Builder
	last := 0
	if insertAt >= 0 {
		b.Write(src[:insertAt])
		b.WriteString("\n" + httpPart + "\n")
		last = insertAt
	}
	b.Write(src[last:loc.Dir.Start()])
	b.WriteString(strings.TrimRight(locPart, "\n"))
	b.Write(src[loc.Dir.End:])

	srvStart := -1
	if w.srv.Dir != nil {
		if w.srv.Dir.File != u.Root {
			t.Skip("the server is written in an included file")
		}
		srvStart = w.srv.Dir.Start()
		if insertAt >= 0 && insertAt <= srvStart {
			srvStart += len(httpPart) + 2
		}
	}
	dst := filepath.Join(t.TempDir(), filepath.Base(filepath.Dir(c.conf)))
	if err := copyTree(filepath.Dir(c.conf), dst); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dst, filepath.Base(c.conf))
	if err := os.WriteFile(conf, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	from := e2eCase{name: c.name + " (block --from " + w.path + ")", conf: conf, args: c.args, kind: kindFrom,
		over: e2eOverride{Paths: []string{w.path}, Idle: c.over.Idle, Scale: c.over.Scale, Echo: c.over.Echo, Origin: c.over.Origin,
			Why: "ngxlint " + strings.Join(args, " ") + " printed:\n" + out},
		mustWork: true, fromServer: srvStart}
	if errOut != "" {
		// It says more than the location changes (another level, other
		// locations): the location alone need not repair the path.
		from.soft = "ngxlint block --from warned: " + strings.TrimSpace(errOut)
	}
	return from, true
}

// splitFromOutput separates what ngxlint block --from prints for http{}
// from the corrected location, dropping the comment lines that say where
// each goes.
func splitFromOutput(out string) (httpPart, locPart string) {
	var cur *strings.Builder
	var h, l strings.Builder
	for _, line := range strings.SplitAfter(out, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "# In http"):
			cur = &h
			continue
		case strings.HasPrefix(trimmed, "# location ") || strings.HasPrefix(trimmed, "# In the server"):
			cur = &l
			continue
		case cur == nil && strings.HasPrefix(trimmed, "location"):
			cur = &l
		}
		if cur != nil {
			cur.WriteString(line)
		}
	}
	return strings.TrimSpace(h.String()), strings.TrimSpace(l.String()) + "\n"
}
