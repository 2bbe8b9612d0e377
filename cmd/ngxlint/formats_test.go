package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ngxlint/ngxlint/parser"
	"github.com/ngxlint/ngxlint/rules"
)

// formatGoldens are the files in fixtures/formats that hold the exact
// output of each format for fixtures/formats/conf/.
var formatGoldens = map[string]string{
	"text":       "expected.txt",
	"json":       "expected.json",
	"sarif":      "expected.sarif",
	"github":     "expected.github.txt",
	"checkstyle": "expected.checkstyle.xml",
}

var (
	sarifRuleList  = regexp.MustCompile(`(?s)\n          "rules": \[\n.*?\n          \]`)
	sarifRuleIndex = regexp.MustCompile(`"ruleIndex": \d+`)
)

// normalizeSARIF replaces the absolute source root (the working
// directory) with a fixed one, and leaves out what changes with every rule
// added or documented: the rule list and the results' indexes into it
// (TestSARIFRulesMatchRegistry and TestSARIFContent check those).
func normalizeSARIF(out, dir string) string {
	abs, _ := filepath.Abs(dir)
	out = strings.ReplaceAll(out, fileURI(abs)+"/", "file:///SRCROOT/")
	out = sarifRuleList.ReplaceAllString(out, "\n          \"rules\": [ \"(every registered rule: see TestSARIFRulesMatchRegistry)\" ]")
	return sarifRuleIndex.ReplaceAllString(out, `"ruleIndex": "(index of ruleId in rules)"`)
}

// TestFormatGoldens: every format's output for the same findings matches its
// golden file (-update rewrites them), and every format exits the same.
func TestFormatGoldens(t *testing.T) {
	dir, _ := filepath.Abs("../../fixtures/formats")
	for _, name := range formatNames() {
		golden, ok := formatGoldens[name]
		if !ok {
			t.Errorf("format %s has no golden file in fixtures/formats", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runIn(dir, "", "lint", "--config", "formats.yml", "--show", "info", "--format", name, "conf/")
			if code != exitFindings || errOut != "" {
				t.Errorf("exit %d (want %d), stderr %q", code, exitFindings, errOut)
			}
			out = normalizeSARIF(out, dir)
			path := filepath.Join(dir, golden)
			if *update {
				if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test ./cmd/ngxlint -run TestFormatGoldens -update, then review it)", err)
			}
			if out != string(want) {
				t.Errorf("output differs from %s (go test ./cmd/ngxlint -run TestFormatGoldens -update, then review the diff)\n--- got\n%s", golden, out)
			}
		})
	}
}

// TestFormatsExitCodes: the exit code depends on the findings and the fail
// level, never on the format; a clean run prints an empty document.
func TestFormatsExitCodes(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"clean.conf": "server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:9001;\n    }\n}\n",
		"bad.conf":   "server {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9001;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"ugrade\";\n    }\n}\n",
	})
	empty := map[string]string{
		"text":       "",
		"github":     "",
		"json":       "{\n  \"findings\": []\n}\n",
		"checkstyle": "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\"></checkstyle>\n",
	}
	for _, name := range formatNames() {
		code, out, errOut := runIn(dir, "", "lint", "--format", name, "clean.conf")
		if code != exitOK || errOut != "" {
			t.Errorf("%s, clean: exit %d, stderr %q", name, code, errOut)
		}
		if want, ok := empty[name]; ok && out != want {
			t.Errorf("%s, clean: got %q, want %q", name, out, want)
		}
		if name == "sarif" && !strings.Contains(out, `"results": []`) {
			t.Errorf("sarif, clean: no empty results array\n%s", out)
		}
		for _, c := range []struct {
			level string
			code  int
		}{{"error", exitFindings}, {"warning", exitFindings}, {"info", exitFindings}} {
			code, _, errOut = runIn(dir, "", "lint", "--format", name, "--fail-level", c.level, "bad.conf")
			if code != c.code || errOut != "" {
				t.Errorf("%s, bad, --fail-level %s: exit %d, stderr %q", name, c.level, code, errOut)
			}
		}
		code, out, errOut = runIn(dir, "", "lint", "--format", name, "missing.conf")
		if code != exitError || out != "" || errOut == "" {
			t.Errorf("%s, missing file: exit %d, stdout %q, stderr %q", name, code, out, errOut)
		}
	}
}

func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	src, err := os.ReadFile("../../fixtures/formats/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validateSARIF(sch *jsonschema.Schema, out string) error {
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// TestSARIFSchema validates SARIF output against the official SARIF 2.1.0
// JSON schema (fixtures/formats/sarif-schema-2.1.0.json, see its .source
// file): for the format fixtures, for every rule's bad fixtures (so every
// rule's messages, regions and fixes are covered), for standard input and
// for a run with no findings.
func TestSARIFSchema(t *testing.T) {
	sch := sarifSchema(t)
	// The validator must be able to fail: an invalid level and a
	// zero line are rejected.
	_, good, _ := runIn("../../fixtures/formats", "", "lint", "--config", "formats.yml", "--format", "sarif", "conf/")
	for _, broken := range []string{
		strings.Replace(good, `"level": "error"`, `"level": "fatal"`, 1),
		regexp.MustCompile(`"startLine": \d+`).ReplaceAllString(good, `"startLine": 0`),
		strings.Replace(good, `"version": "2.1.0"`, `"version": "2.0.0"`, 1),
	} {
		if broken == good {
			t.Fatal("the mutation did not apply; update this test")
		}
		if validateSARIF(sch, broken) == nil {
			t.Errorf("the schema accepts broken SARIF; the validation proves nothing")
		}
	}
	check := func(what, out string) {
		t.Helper()
		if err := validateSARIF(sch, out); err != nil {
			t.Errorf("%s: SARIF output is not valid SARIF 2.1.0: %v", what, err)
		}
	}
	check("fixtures/formats", good)
	bads, _ := filepath.Glob("../../fixtures/rules/*/bad*.conf")
	if len(bads) == 0 {
		t.Fatal("no rule fixtures found")
	}
	for _, bad := range withoutFixed(bads) {
		dir, _ := filepath.Abs(filepath.Dir(bad))
		args := append([]string{"lint", "--format", "sarif"}, caseArgs(bad)...)
		_, out, errOut := runIn(dir, "", append(args, filepath.Base(bad))...)
		if errOut != "" {
			t.Errorf("%s: %s", bad, errOut)
		}
		check(bad, out)
	}
	_, out, _ := runIn(".", "location /ws/ {\n    proxy_pass http://b;\n}\n", "lint", "--format", "sarif", "-")
	check("stdin", out)
	if !strings.Contains(out, `"description": {`) {
		t.Errorf("stdin: no description for standard input\n%s", out)
	}
	dir := writeTree(t, map[string]string{"a b/ok.conf": "server {\n    listen 80;\n}\n"})
	_, out, _ = runIn(dir, "", "lint", "--format", "sarif", "a b/ok.conf")
	check("no findings", out)
}

// TestSARIFContent checks what the schema cannot: one rule entry per
// registered rule with its documentation, result indexes, exact regions,
// and fixes that reproduce ngxlint's edits.
func TestSARIFContent(t *testing.T) {
	dir, _ := filepath.Abs("../../fixtures/formats")
	_, out, _ := runIn(dir, "", "lint", "--config", "formats.yml", "--format", "sarif", "conf/")
	var log sarifLog
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("columnKind %q", run.ColumnKind)
	}
	if got := run.OriginalURIBaseIDs[sarifSrcRoot].URI; got != fileURI(dir)+"/" {
		t.Errorf("source root %q", got)
	}
	for _, res := range run.Results {
		if r := run.Tool.Driver.Rules[res.RuleIndex]; r.ID != res.RuleID {
			t.Errorf("result %s points at rule %d, which is %s", res.RuleID, res.RuleIndex, r.ID)
		}
	}
	// Apply every text fix to its file and compare with ngxlint's own edits.
	src, err := os.ReadFile(filepath.Join(dir, "conf/site.conf"))
	if err != nil {
		t.Fatal(err)
	}
	f, perr := parser.Parse("conf/site.conf", src)
	if perr != nil {
		t.Fatal(perr)
	}
	// each fix, applied alone through its SARIF regions, makes exactly this
	// change to the file
	want := map[string]struct{ old, new string }{
		"WS009": {`Connection "ugrade";`, `Connection "upgrade";`},
		"WS004": {`proxy_http_version 1.0;`, `proxy_http_version 1.1;`},
		"WS003": {"        proxy_set_header Host $host;\n",
			"        proxy_set_header Host $host;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;\n"},
		"NGX007": {"    # ngxlint ignore=WS001\n", ""},
	}
	seen := 0
	for _, res := range run.Results {
		w, ok := want[res.RuleID]
		if !ok {
			continue
		}
		seen++
		if len(res.Fixes) != 1 || len(res.Fixes[0].ArtifactChanges) != 1 {
			t.Errorf("%s: want one fix with one artifact change", res.RuleID)
			continue
		}
		ch := res.Fixes[0].ArtifactChanges[0]
		if ch.ArtifactLocation.URI != "conf/site.conf" || ch.ArtifactLocation.URIBaseID != sarifSrcRoot {
			t.Errorf("%s: fix names %+v", res.RuleID, ch.ArtifactLocation)
		}
		fixed := string(src)
		for i := len(ch.Replacements) - 1; i >= 0; i-- {
			rep := ch.Replacements[i]
			r := rep.DeletedRegion
			start := f.Offset(parser.Position{Line: r.StartLine, Column: r.StartColumn})
			end := f.Offset(parser.Position{Line: r.EndLine, Column: r.EndColumn})
			ins := ""
			if rep.InsertedContent != nil && rep.InsertedContent.Text != nil {
				ins = *rep.InsertedContent.Text
			}
			fixed = fixed[:start] + ins + fixed[end:]
		}
		if !strings.Contains(string(src), w.old) {
			t.Fatalf("%s: conf/site.conf no longer holds %q; update this test", res.RuleID, w.old)
		}
		if exp := strings.Replace(string(src), w.old, w.new, 1); fixed != exp {
			t.Errorf("%s: the SARIF fix does not make the expected change\n--- got\n%s\n--- want\n%s", res.RuleID, fixed, exp)
		}
	}
	if seen != len(want) {
		t.Errorf("want results of %d fixable rules, saw %d", len(want), seen)
	}
}

// TestGitHubEscaping: workflow command properties escape %, CR, LF, ':'
// and ','; messages escape %, CR and LF.
func TestGitHubEscaping(t *testing.T) {
	src := []byte("server {\n    listen 80;\n}\n")
	f, perr := parser.Parse("dir,1/a:b%.conf", src)
	if perr != nil {
		t.Fatal(perr)
	}
	meta := &rules.Meta{ID: "WS999", Name: "test:rule,x", Severity: rules.Info}
	fs := []*rules.Finding{{Rule: meta, Severity: rules.Info, Span: rules.Span{File: f, Start: 13, End: 23},
		Message: "100% sure: a, b\r\nsecond line\nthird"}}
	var buf bytes.Buffer
	if err := (githubFormat{}).write(&buf, fs, nil); err != nil {
		t.Fatal(err)
	}
	want := "::notice file=dir%2C1/a%3Ab%25.conf,line=2,col=5,endLine=2,endColumn=15,title=WS999 test%3Arule%2Cx::100%25 sure: a, b%0D%0Asecond line%0Athird\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	for sev, cmd := range map[rules.Severity]string{rules.Error: "::error ", rules.Warning: "::warning ", rules.Info: "::notice "} {
		fs[0].Severity = sev
		buf.Reset()
		_ = (githubFormat{}).write(&buf, fs, nil)
		if !strings.HasPrefix(buf.String(), cmd) {
			t.Errorf("%s: got %q", sev, buf.String())
		}
	}
}

// TestCheckstyleEscaping: messages with quotes, ampersands and angle
// brackets stay well-formed XML.
func TestCheckstyleEscaping(t *testing.T) {
	f, _ := parser.Parse("a&b.conf", []byte("server {}\n"))
	meta := &rules.Meta{ID: "WS999", Name: "x", Severity: rules.Error}
	fs := []*rules.Finding{{Rule: meta, Severity: rules.Error, Span: rules.Span{File: f, Start: 0, End: 6}, Message: `say "<upgrade>" & 'go'`}}
	var buf bytes.Buffer
	if err := (checkstyleFormat{}).write(&buf, fs, nil); err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>
<checkstyle version="4.3">
  <file name="a&amp;b.conf">
    <error line="1" column="1" severity="error" message="say &#34;&lt;upgrade&gt;&#34; &amp; &#39;go&#39; [WS999 x]" source="ngxlint.WS999"></error>
  </file>
</checkstyle>
`
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}
