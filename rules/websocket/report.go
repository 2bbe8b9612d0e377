package websocket

// Where findings are shown and how their messages name levels, lists and
// the directives they cite.

import (
	"fmt"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

// anchor is where a finding about a level is shown: the directive that opens
// it, or for a snippet linted as a location its first directive.
func anchor(b *model.Block) rules.Span {
	if b.Dir != nil {
		return rules.DirectiveSpan(b.Dir)
	}
	for _, e := range b.Directives {
		return rules.DirectiveSpan(e.At())
	}
	return rules.Span{}
}

// levelName names a level for messages: "server", "location /ws/", or
// "http level" for the top of a conf.d fragment.
func levelName(b *model.Block) string {
	if b.Synthetic && b.Kind == model.HTTP {
		return "the http level"
	}
	return b.Name()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// viaNote says, for an entry brought in by an include, where it really is.
func viaNote(e model.Entry) string {
	if e.Via == nil {
		return ""
	}
	return fmt.Sprintf(" (from include %s, %s)", e.Via.Arg(0), rules.Line(e.D, e.Via.File))
}

// andList joins names with commas and a final "and".
func andList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// entrySpan is where a finding about argument i of an entry is shown: the
// word itself, or the include line that brings the directive in.
func entrySpan(e model.Entry, i int) rules.Span {
	if e.Via != nil {
		return rules.DirectiveSpan(e.Via)
	}
	if i < len(e.D.Args) {
		return rules.WordSpan(e.D, e.D.Args[i])
	}
	return rules.DirectiveSpan(e.D)
}

// setIn says where an entry in effect at loc is written, when that is not
// loc itself: " (set in server on line 4)".
func setIn(level, loc *model.Block, e model.Entry, from *parser.File) string {
	if level == nil || level == loc {
		return viaNote(e)
	}
	return fmt.Sprintf(" (set in %s on %s)", levelName(level), rules.Line(e.D, from))
}

// deleteFix deletes a directive written at its level; for one brought in by
// an include it explains why it cannot.
func deleteFix(f *rules.Finding, e model.Entry, msg string) {
	if e.Via != nil {
		f.NoFix = fmt.Sprintf("it comes from include %s, which other places may share; remove it there", e.Via.Arg(0))
		return
	}
	f.WithFix(&rules.Fix{Message: msg, Edits: []rules.Edit{rules.DeleteDirective(e.D)}})
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
