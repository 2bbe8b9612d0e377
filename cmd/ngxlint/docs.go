package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/ngxlint/ngxlint/rules"
)

func init() {
	registerCommand(50, "rules", (*env).rulesCommand)
	registerCommand(60, "explain", (*env).explainCommand)
}

func (e *env) rulesCommand() *cli.Command {
	return &cli.Command{
		Name:  "rules",
		Usage: "list every rule with its id, name, default severity and summary",
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return &usageError{msg: "rules takes no arguments; use ngxlint explain ID for one rule"}
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tSEVERITY\tFIX\tSUMMARY")
			for _, r := range rules.All() {
				m := r.Meta()
				fix := ""
				if m.Fixable {
					fix = "yes"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.ID, m.Name, m.Severity, fix, m.Doc.Summary)
			}
			return tw.Flush()
		},
	}
}

func (e *env) explainCommand() *cli.Command {
	return &cli.Command{
		Name:      "explain",
		Usage:     "explain a rule: why it breaks, a bad and a good example, the fix",
		ArgsUsage: "ID|NAME",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return &usageError{msg: "explain takes one rule id or name, e.g. ngxlint explain WS003"}
			}
			r, ok := rules.Lookup(c.Args().First())
			if !ok {
				return &usageError{msg: fmt.Sprintf("no rule %q; ngxlint rules lists them", c.Args().First())}
			}
			_, err := fmt.Fprint(e.stdout, Explain(r.Meta()))
			return err
		},
	}
}

// Explain renders a rule's documentation as plain text.
func Explain(m *rules.Meta) string {
	var sb strings.Builder
	d := m.Doc
	fix := "no"
	if m.Fixable {
		fix = "yes (ngxlint fix)"
	}
	fmt.Fprintf(&sb, "%s %s\n\n%s\n\nSeverity: %s    Automatic fix: %s    Since: ngxlint %s\n", m.ID, m.Name, d.Summary, m.Severity, fix, d.Since)
	if d.SeverityNote != "" {
		fmt.Fprintf(&sb, "%s\n", d.SeverityNote)
	}
	fmt.Fprintf(&sb, "\nWhy it breaks\n%s\n", indent(wrap(d.Why, 76)))
	fmt.Fprintf(&sb, "\nBad\n%s\n", indent(d.Bad))
	fmt.Fprintf(&sb, "\nGood\n%s\n", indent(d.Good))
	fmt.Fprintf(&sb, "\nFix\n%s\n", indent(wrap(d.Fix, 76)))
	if len(d.Refs) > 0 {
		fmt.Fprintf(&sb, "\nSources\n")
		for _, r := range d.Refs {
			fmt.Fprintf(&sb, "    %s\n", r)
		}
	}
	return sb.String()
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "    " + l
		}
	}
	return strings.Join(lines, "\n")
}

func wrap(s string, width int) string {
	var out, line []string
	n := 0
	for _, w := range strings.Fields(s) {
		if n+len(w)+len(line) > width && len(line) > 0 {
			out = append(out, strings.Join(line, " "))
			line, n = nil, 0
		}
		line = append(line, w)
		n += len(w)
	}
	if len(line) > 0 {
		out = append(out, strings.Join(line, " "))
	}
	return strings.Join(out, "\n")
}
