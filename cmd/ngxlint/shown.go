package main

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// What ngxlint prints of a configuration may land in a public CI log, and
// the configuration may be written by anyone. So text that comes from it
// (messages quoting values, file names, source lines) is shown with its
// control characters escaped, never raw, and cut to a bounded width: a
// newline in a quoted value or a file name cannot start a line of its own
// (a "::error::" workflow command in GitHub Actions), an ANSI escape cannot
// repaint the terminal, and a 10 MB line prints a few hundred characters.
const (
	maxShownWord    = 200  // runes of one run of non-blank characters in a message
	maxShownMessage = 2000 // runes of a message
	maxSnippetWidth = 320  // display columns of a source line
)

// escapeRune returns how r is shown: itself, or an escape for a control,
// format (bidirectional overrides, zero-width characters) or line
// separator character.
func escapeRune(r rune) string {
	if r >= ' ' && r < 0x7f {
		return printableASCII[r-' ']
	}
	switch r {
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	case utf8.RuneError:
		return `\ufffd`
	}
	if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
		if r < 0x100 {
			return fmt.Sprintf(`\x%02x`, r)
		}
		return fmt.Sprintf(`\u%04x`, r)
	}
	return string(r)
}

// shownText is s with control characters escaped, each run of non-blank
// characters longer than maxShownWord cut in its middle, and the whole cut
// at maxShownMessage, each cut marked with an ellipsis.
func shownText(s string) string { return shown(s, false) }

// shownTextLines is shownText keeping CR and LF, for a format that escapes
// them itself (a GitHub workflow command's %0D and %0A).
func shownTextLines(s string) string { return shown(s, true) }

func shown(s string, keepEOL bool) string {
	const tail = 20 // runes kept at the end of a cut word
	if plainASCII(s, maxShownWord-tail) {
		return s // nothing to escape or cut
	}
	return shownSlow(s, keepEOL)
}

// shownSlow is shown rune by rune.
func shownSlow(s string, keepEOL bool) string {
	const tail = 20
	var sb strings.Builder
	n, word := 0, 0
	for i := 0; i < len(s); {
		if n >= maxShownMessage {
			sb.WriteString("…")
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == ' ' {
			word = 0
		} else {
			word++
		}
		if word > maxShownWord-tail {
			// a long word: keep its head and its last runes
			end := strings.IndexByte(s[i:], ' ')
			if end < 0 {
				end = len(s) - i
			}
			if utf8.RuneCountInString(s[i:i+end]) > tail {
				sb.WriteString("…")
				n++
				j := i + end
				for k := 0; k < tail; k++ {
					_, sz := utf8.DecodeLastRuneInString(s[i:j])
					j -= sz
				}
				i, word = j, 0
				continue
			}
		}
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&sb, `\x%02x`, s[i])
		case keepEOL && (r == '\n' || r == '\r'):
			sb.WriteRune(r)
		default:
			sb.WriteString(escapeRune(r))
		}
		n++
		i += size
	}
	return sb.String()
}

// printableASCII holds the printable ASCII characters as strings, so that
// escapeRune returns them without allocating.
var printableASCII = func() []string {
	out := make([]string, 0x7f-' ')
	for c := ' '; c < 0x7f; c++ {
		out[c-' '] = string(c)
	}
	return out
}()

// plainASCII reports whether s is shown as it is: printable ASCII only,
// shorter than maxShownMessage, no run of non-blank characters longer than
// word (what most messages are).
func plainASCII(s string, word int) bool {
	if len(s) >= maxShownMessage {
		return false
	}
	run := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c >= 0x7f {
			return false
		}
		if c == ' ' {
			run = 0
		} else if run++; run > word {
			return false
		}
	}
	return true
}

// shownPath is a file name as printed in a human format: escaped like
// shownText, and never starting with "::" (a workflow command when the
// line is read by a GitHub Actions runner).
func shownPath(p string) string {
	p = shownText(p)
	if strings.HasPrefix(strings.TrimLeft(p, " "), "::") {
		p = "./" + p
	}
	return p
}

// shownLine is a source line as printed under a finding, with the caret
// line that marks columns [col, col+width) (1-based, in runes), both cut to
// maxSnippetWidth display columns around the marked part, with control
// characters escaped and the caret kept under what it marks.
func shownLine(line string, col, width int) (string, string) {
	type cell struct {
		text string
		tab  bool
	}
	if width < 1 {
		width = 1
	}
	total := utf8.RuneCountInString(line)
	start := col - 1
	if start > total {
		start = total
	}
	// the window: from a little before the mark, at most maxSnippetWidth
	// characters, the mark itself cut to what fits
	from := 0
	if start > maxSnippetWidth/4 && total > maxSnippetWidth {
		from = start - maxSnippetWidth/4
	}
	to := total
	if to-from > maxSnippetWidth {
		to = from + maxSnippetWidth
	}
	cells := make([]cell, 0, to-from)
	k := 0
	for i, r := range line {
		if k >= to {
			break
		}
		if k++; k <= from {
			continue
		}
		switch {
		case r == utf8.RuneError && isInvalidAt(line, i):
			cells = append(cells, cell{text: fmt.Sprintf(`\x%02x`, line[i])})
		case r == '\t':
			cells = append(cells, cell{text: "\t", tab: true})
		default:
			cells = append(cells, cell{text: escapeRune(r)})
		}
	}
	start -= from
	var src, caret strings.Builder
	if from > 0 {
		src.WriteString("…")
		caret.WriteString(" ")
	}
	marked := 0
	for i, c := range cells {
		src.WriteString(c.text)
		pad := utf8.RuneCountInString(c.text)
		switch {
		case i < start:
			if c.tab {
				caret.WriteString("\t")
			} else {
				caret.WriteString(strings.Repeat(" ", pad))
			}
		case i < start+width:
			for k := 0; k < pad; k++ {
				if marked == 0 {
					caret.WriteString("^")
				} else {
					caret.WriteString("~")
				}
				marked++
			}
		}
	}
	if to < total {
		src.WriteString("…")
	}
	if marked == 0 {
		if start >= len(cells) && to < total {
			caret.WriteString(" ")
		}
		caret.WriteString("^")
	}
	return src.String(), caret.String()
}

// isInvalidAt reports whether line holds an invalid UTF-8 byte at i.
func isInvalidAt(line string, i int) bool {
	r, size := utf8.DecodeRuneInString(line[i:])
	return r == utf8.RuneError && size == 1
}
