package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
)

// Inline suppressions are comments:
//
//	# ngxlint ignore=WS003,WS004 -- why these findings do not apply
//	location /ws/ { ... }
//
//	# ngxlint ignore-file=WS017 -- why, for the whole file
//
// An ignore= comment on the line right above a directive (alone on its
// line; other comments may stand between it and the directive) suppresses
// the listed rules' findings whose span lies inside that directive: its
// whole text, and for a block directive everything up to its closing brace.
// An ignore-file= comment, anywhere in a file, suppresses the listed rules
// in that whole file. Rules are named by id or name, case-insensitively.
// Suppressions work within their own file: a finding in an included file
// needs a comment in that file.
//
// A suppression without a reason is reported by NGX006; one that
// suppresses nothing (unused, misplaced, unknown rule, malformed) by NGX007.
// Neither of those two can be suppressed inline; .ngxlint.yml can turn
// them off. RunOptions.NoInlineIgnores turns the whole mechanism off.

const (
	SuppressionWithoutReasonID = "NGX006"
	UnusedSuppressionID        = "NGX007"
)

// suppression is one "# ngxlint ignore..." comment.
type suppression struct {
	file     *parser.File
	comment  parser.Comment
	fileWide bool
	ids      []*suppressedID
	reason   string
	hasDash  bool   // "--" was written (perhaps with nothing after it)
	extra    string // text after the ids that is not introduced by "--"
	target   *parser.Directive
	// trailing is the directive whose line the comment ends, when it is
	// written after a directive instead of above one.
	trailing *parser.Directive
	// malformed says why the comment cannot be read as a suppression.
	malformed string
}

// suppressedID is one rule named in a suppression.
type suppressedID struct {
	raw        string // as written
	start, end int    // byte span in the file
	rule       *Meta  // nil when no rule has this id or name
	used       bool
}

// keyword returns what a suppression comment is called in messages.
func (s *suppression) keyword() string {
	if s.fileWide {
		return "ignore-file"
	}
	return "ignore"
}

// parseSuppression reads a comment; ok is false when the comment is not
// meant as a suppression at all.
func parseSuppression(f *parser.File, c parser.Comment) (*suppression, bool) {
	text := c.Text
	base := c.Start + 1 // Text starts after '#'
	i := skipSpaces(text, 0)
	if !hasPrefixFold(text[i:], "ngxlint") {
		return nil, false
	}
	i += len("ngxlint")
	j := i
	if j < len(text) && text[j] == ':' {
		j++
	}
	j = skipSpaces(text, j)
	if j == i { // "ngxlintfoo": another word
		return nil, false
	}
	s := &suppression{file: f, comment: c}
	switch {
	case hasPrefixFold(text[j:], "ignore-file"):
		s.fileWide = true
		j += len("ignore-file")
	case hasPrefixFold(text[j:], "ignore"):
		j += len("ignore")
	default:
		return nil, false // "# ngxlint: websocket" and other markers
	}
	j = skipSpaces(text, j)
	if j >= len(text) || text[j] != '=' {
		s.malformed = `no "=" before its rule list`
		return s, true
	}
	j = skipSpaces(text, j+1)
	for {
		k := j
		for k < len(text) && isIDChar(text[k]) && !strings.HasPrefix(text[k:], "--") {
			k++
		}
		if k == j {
			break
		}
		id := &suppressedID{raw: text[j:k], start: base + j, end: base + k}
		if r, ok := Lookup(id.raw); ok {
			id.rule = r.Meta()
		}
		s.ids = append(s.ids, id)
		j = skipSpaces(text, k)
		if j < len(text) && text[j] == ',' {
			j = skipSpaces(text, j+1)
			continue
		}
		break
	}
	if len(s.ids) == 0 {
		s.malformed = "no rule list"
		return s, true
	}
	rest := strings.TrimSpace(text[j:])
	if r, ok := strings.CutPrefix(rest, "--"); ok {
		s.hasDash = true
		s.reason = strings.TrimSpace(r)
	} else {
		s.extra = rest
	}
	return s, true
}

func skipSpaces(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func isIDChar(c byte) bool {
	return c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// fileSuppressions finds the suppression comments of a file and the
// directives they apply to.
func fileSuppressions(f *parser.File) []*suppression {
	var out []*suppression
	byStart := map[int]*suppression{}
	for _, c := range f.Comments {
		if s, ok := parseSuppression(f, c); ok {
			out = append(out, s)
			byStart[c.Start] = s
		}
	}
	if len(out) == 0 {
		return nil
	}
	f.Walk(func(d *parser.Directive) {
		for _, c := range d.LeadingComments() {
			if s := byStart[c.Start]; s != nil && !s.fileWide && s.target == nil {
				s.target = d
			}
		}
		if c, ok := d.TrailingComment(); ok {
			if s := byStart[c.Start]; s != nil && s.trailing == nil {
				s.trailing = d
			}
		}
	})
	return out
}

// covers reports whether a suppression hides finding f.
func (s *suppression) covers(f *Finding) bool {
	if f.Span.File != s.file {
		return false
	}
	if s.fileWide {
		return true
	}
	d := s.target
	return d != nil && f.Span.Start >= d.Start() && f.Span.End <= int(d.End)
}

// applySuppressions removes the findings that inline suppressions hide and
// adds NGX006 and NGX007 findings about the suppressions themselves, in the
// files the units report.
func applySuppressions(units []*parser.Unit, in []*Finding, opts *Options) []*Finding {
	reported := map[*parser.File]bool{}
	var files []*parser.File
	for _, u := range units {
		for f, ok := range u.Report {
			if ok && !reported[f] {
				reported[f] = true
				files = append(files, f)
			}
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	byFile := map[*parser.File][]*suppression{}
	for _, f := range files {
		if ss := fileSuppressions(f); len(ss) > 0 {
			byFile[f] = ss
		}
	}
	if len(byFile) == 0 {
		return in
	}
	var out []*Finding
	for _, f := range in {
		hidden := false
		if f.Rule.ID != SuppressionWithoutReasonID && f.Rule.ID != UnusedSuppressionID {
			for _, s := range byFile[f.Span.File] {
				if s.malformed != "" || !s.covers(f) {
					continue
				}
				for _, id := range s.ids {
					if id.rule != nil && id.rule.ID == f.Rule.ID {
						id.used = true
						hidden = true
					}
				}
			}
		}
		if !hidden {
			out = append(out, f)
		}
	}
	for _, f := range files {
		for _, s := range byFile[f] {
			out = append(out, s.findings(opts)...)
		}
	}
	return out
}

// findings reports a suppression without a reason (NGX006) and the parts
// of a suppression that suppress nothing (NGX007).
func (s *suppression) findings(opts *Options) []*Finding {
	var out []*Finding
	add := func(id string, start, end int, fix *Fix, format string, args ...any) {
		r, ok := Lookup(id)
		if !ok {
			return
		}
		m := r.Meta()
		sev := m.Severity
		if o, set := opts.SeverityOf(id, s.file); set {
			sev = o
		}
		if sev == Off {
			return
		}
		f := &Finding{Rule: m, Severity: sev, Span: Span{File: s.file, Start: start, End: end}, Message: fmt.Sprintf(format, args...)}
		out = append(out, f.WithFix(fix))
	}
	c := s.comment
	if s.malformed != "" {
		add(UnusedSuppressionID, c.Start, c.End, nil,
			"this ngxlint %s comment has %s, so it suppresses nothing; write # ngxlint %s=ID[,ID...] -- reason", s.keyword(), s.malformed, s.keyword())
		return out
	}
	list := s.list()
	if s.reason == "" {
		hint := `write after " -- "`
		if s.extra != "" {
			hint = `text after the rule list counts only after " -- "; write there`
		}
		add(SuppressionWithoutReasonID, c.Start, c.End, nil,
			"ngxlint %s=%s gives no reason: %s why the finding does not apply here, so the next reader knows it was considered",
			s.keyword(), list, hint)
	}
	if !s.fileWide && s.target == nil {
		where := "it is not on the line right above a directive"
		if s.trailing != nil {
			where = fmt.Sprintf("it follows %s on the same line instead of standing on the line above it", s.trailing.Name)
		}
		add(UnusedSuppressionID, c.Start, c.End, nil,
			"ngxlint ignore=%s suppresses nothing: %s; move it to the line before the directive or block it is about, or use ignore-file= for the whole file",
			list, where)
		return out
	}
	unused := 0
	for _, id := range s.ids {
		if id.rule != nil && !id.used && !inlineOnly(id.rule.ID) && ruleEnabled(opts, id.rule, s.file) {
			unused++
		}
	}
	for _, id := range s.ids {
		switch {
		case id.rule == nil:
			add(UnusedSuppressionID, id.start, id.end, nil,
				"ngxlint %s=%s names no rule, so it suppresses nothing; ngxlint rules lists the ids and names", s.keyword(), id.raw)
		case inlineOnly(id.rule.ID):
			add(UnusedSuppressionID, id.start, id.end, nil,
				"%s cannot be suppressed by a comment; turn it off in .ngxlint.yml (rules: {%s: off}) if you must", id.rule.ID, id.rule.ID)
		case id.used || !ruleEnabled(opts, id.rule, s.file):
		default:
			scope := "this file has no " + id.rule.ID + " finding"
			if !s.fileWide {
				scope = describe(s.target) + " has no " + id.rule.ID + " finding"
			}
			what := "remove it from the comment"
			if unused == len(s.ids) {
				what = "remove the comment"
			}
			add(UnusedSuppressionID, id.start, id.end, s.removeFix(id, unused == len(s.ids)),
				"ngxlint %s=%s is unused: %s; %s", s.keyword(), id.raw, scope, what)
		}
	}
	return out
}

// inlineOnly reports the rules about suppressions, which comments cannot
// suppress.
func inlineOnly(id string) bool {
	return id == SuppressionWithoutReasonID || id == UnusedSuppressionID
}

// ruleEnabled reports whether rule m runs on file f: an unused suppression
// of a rule the configuration turns off is not reported.
func ruleEnabled(opts *Options, m *Meta, f *parser.File) bool {
	if sev, ok := opts.SeverityOf(m.ID, f); ok {
		return sev != Off
	}
	return m.Severity != Off
}

// list is the rule list as written.
func (s *suppression) list() string {
	var ids []string
	for _, id := range s.ids {
		ids = append(ids, id.raw)
	}
	return strings.Join(ids, ",")
}

// removeFix deletes an unused id: the whole comment (with its line when it
// stands alone) when nothing in it is used, else the id and one comma.
func (s *suppression) removeFix(id *suppressedID, whole bool) *Fix {
	f := s.file
	if whole {
		start, end := s.comment.Start, s.comment.End
		ls := f.LineStart(start)
		le := lineEnd(f, end)
		if strings.TrimSpace(string(f.Src[ls:start])) != "" || strings.TrimSpace(string(f.Src[end:le])) != "" {
			return nil
		}
		end = le
		if end < len(f.Src) && f.Src[end] == '\r' {
			end++
		}
		if end < len(f.Src) && f.Src[end] == '\n' {
			end++
		}
		return &Fix{Message: "remove the unused suppression", Edits: []Edit{{File: f, Start: ls, End: end}}}
	}
	start, end := id.start, id.end
	// take the comma after the id (and the spaces after it), or else the
	// comma before it (and the spaces before it)
	j := end
	for j < len(f.Src) && (f.Src[j] == ' ' || f.Src[j] == '\t') {
		j++
	}
	if j < len(f.Src) && f.Src[j] == ',' {
		j++
		for j < len(f.Src) && (f.Src[j] == ' ' || f.Src[j] == '\t') {
			j++
		}
		end = j
	} else {
		k := start
		for k > s.comment.Start && (f.Src[k-1] == ' ' || f.Src[k-1] == '\t') {
			k--
		}
		if k > s.comment.Start && f.Src[k-1] == ',' {
			k--
			for k > s.comment.Start && (f.Src[k-1] == ' ' || f.Src[k-1] == '\t') {
				k--
			}
			start = k
		}
	}
	return &Fix{Message: "remove " + id.raw + " from the suppression", Edits: []Edit{{File: f, Start: start, End: end}}}
}

// describe names a directive for messages: "location /ws/ (lines 4-9)" or
// "proxy_pass on line 5".
func describe(d *parser.Directive) string {
	p := d.File.Position(d.Start())
	if d.Block == nil {
		return fmt.Sprintf("%s on line %d", d.Name, p.Line)
	}
	name := d.Name
	if len(d.Args) > 0 {
		name += " " + strings.Join(argValues(d), " ")
	}
	end := d.File.Position(int(d.End)).Line
	if end == p.Line {
		return fmt.Sprintf("%s (line %d)", name, p.Line)
	}
	return fmt.Sprintf("%s (lines %d-%d)", name, p.Line, end)
}

func argValues(d *parser.Directive) []string {
	out := make([]string, len(d.Args))
	for i, a := range d.Args {
		out[i] = d.File.Raw(a)
	}
	return out
}
