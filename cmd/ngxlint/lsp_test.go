package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// The language server, end to end: the built binary started as `ngxlint
// lsp`, spoken to over its standard input and output by a JSON-RPC client
// written here, and by Neovim's built-in LSP client (Debian's neovim).

// lspNginxConf includes the fragment the editor opens, so the fragment is
// linted inside it (the map of $connection_upgrade comes from here).
const lspNginxConf = `events {}
http {
    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }
    include conf.d/*.conf;
}
`

// lspBroken misspells "upgrade" (WS009) on a line whose earlier characters
// take more UTF-8 bytes than UTF-16 code units (é: 2 bytes, 1 unit; 😀: 4
// bytes, 2 units), so a position counted in bytes is wrong there.
const lspBroken = `server {
    listen 8080;
    # chat for the café — 😀
    location /ws/ {
        proxy_pass http://127.0.0.1:9001;
        proxy_http_version 1.1;
        proxy_read_timeout 1h;
        proxy_set_header Host $http_host;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header X-Greeting "héllo 😀"; proxy_set_header Connection "ugrade";
    }
}
`

// lspClean is what is on disk: the editor's unsaved buffer differs.
var lspClean = strings.Replace(lspBroken, `"ugrade"`, `$connection_upgrade`, 1)

func TestLSP(t *testing.T) {
	bin := buildNgxlint(t)
	t.Run("protocol", func(t *testing.T) { testLSPProtocol(t, bin) })
	t.Run("neovim", func(t *testing.T) { testLSPNeovim(t, bin) })
}

// buildNgxlint builds the command into a temporary directory.
func buildNgxlint(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ngxlint")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// lspTree writes the configuration tree: nginx.conf, the fragment (clean
// on disk) and a .ngxlint.yml that lowers WS004 to a warning and turns
// SEC005 off (proxy_set_header Host $http_host on a port with no
// default_server: the test configuration is no real site).
func lspTree(t *testing.T) (dir, frag string) {
	t.Helper()
	dir = t.TempDir()
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	frag = filepath.Join(dir, "conf.d", "chat.conf")
	for p, c := range map[string]string{
		"nginx.conf":   lspNginxConf,
		frag:           lspClean,
		".ngxlint.yml": "rules:\n  WS004: warning\n  SEC005: off\n",
	} {
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, frag
}

// lspClient speaks JSON-RPC to a server process.
type lspClient struct {
	t       *testing.T
	cmd     *exec.Cmd
	in      io.WriteCloser
	nextID  int
	mu      sync.Mutex
	replies map[string]chan lspMsg
	notes   chan lspMsg
	stderr  bytes.Buffer
	exited  chan error
}

type lspMsg struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

const lspWait = 20 * time.Second

func startLSP(t *testing.T, bin, dir string) *lspClient {
	t.Helper()
	c := &lspClient{t: t, replies: map[string]chan lspMsg{}, notes: make(chan lspMsg, 100), exited: make(chan error, 1)}
	c.cmd = exec.Command(bin, "lsp", "--debounce", "20ms")
	c.cmd.Dir = dir
	c.cmd.Stderr = &c.stderr
	var err error
	if c.in, err = c.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := c.cmd.Process.Pid
	t.Cleanup(func() {
		select {
		case err := <-c.exited:
			_ = err // reported by the test that waited for it
		default:
			_ = c.cmd.Process.Kill() // the server we started, by its PID
			err := <-c.exited
			t.Logf("killed ngxlint lsp (pid %d): %v", pid, err)
		}
	})
	go func() {
		r := bufio.NewReader(out)
		for {
			m, err := readLSP(r)
			if err != nil {
				break
			}
			if m.Method != "" {
				c.notes <- m
				continue
			}
			c.mu.Lock()
			ch := c.replies[string(m.ID)]
			c.mu.Unlock()
			if ch != nil {
				ch <- m
			} else {
				c.notes <- m // an error answered to no request (id null)
			}
		}
		c.exited <- c.cmd.Wait()
	}()
	return c
}

func readLSP(r *bufio.Reader) (lspMsg, error) {
	var m lspMsg
	n := -1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return m, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
			if n, err = strconv.Atoi(v); err != nil {
				return m, err
			}
		}
	}
	if n < 0 {
		return m, fmt.Errorf("no Content-Length")
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return m, err
	}
	return m, json.Unmarshal(body, &m)
}

func (c *lspClient) raw(b []byte) {
	c.t.Helper()
	if _, err := c.in.Write(b); err != nil {
		c.t.Fatalf("writing to the server: %v (stderr: %s)", err, c.stderr.String())
	}
}

func (c *lspClient) send(v any) {
	c.t.Helper()
	body, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	c.raw(append([]byte(fmt.Sprintf("Content-Length: %d\r\n\r\n", len(body))), body...))
}

func (c *lspClient) notify(method string, params any) {
	c.t.Helper()
	c.send(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// call sends a request and waits for its answer.
func (c *lspClient) call(method string, params any) lspMsg {
	c.t.Helper()
	c.nextID++
	id := strconv.Itoa(c.nextID)
	ch := make(chan lspMsg, 1)
	c.mu.Lock()
	c.replies[id] = ch
	c.mu.Unlock()
	c.send(map[string]any{"jsonrpc": "2.0", "id": c.nextID, "method": method, "params": params})
	select {
	case m := <-ch:
		return m
	case <-time.After(lspWait):
		c.t.Fatalf("no answer to %s in %s (stderr: %s)", method, lspWait, c.stderr.String())
	}
	return lspMsg{}
}

// next returns the next notification (or answer to no request).
func (c *lspClient) next(what string) lspMsg {
	c.t.Helper()
	select {
	case m := <-c.notes:
		return m
	case <-time.After(lspWait):
		c.t.Fatalf("waiting for %s: nothing in %s (stderr: %s)", what, lspWait, c.stderr.String())
	}
	return lspMsg{}
}

type lspPos struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

type lspRange struct {
	Start lspPos `json:"start"`
	End   lspPos `json:"end"`
}

type lspDiag struct {
	Range           lspRange `json:"range"`
	Severity        int      `json:"severity"`
	Code            string   `json:"code"`
	CodeDescription struct {
		Href string `json:"href"`
	} `json:"codeDescription"`
	Source  string `json:"source"`
	Message string `json:"message"`
}

type lspPublish struct {
	URI         string    `json:"uri"`
	Version     int       `json:"version"`
	Diagnostics []lspDiag `json:"diagnostics"`
}

// diagnostics waits for the diagnostics of uri at version (any version
// when version is 0).
func (c *lspClient) diagnostics(uri string, version int) lspPublish {
	c.t.Helper()
	deadline := time.Now().Add(lspWait)
	for time.Now().Before(deadline) {
		m := c.next("publishDiagnostics")
		if m.Method != "textDocument/publishDiagnostics" {
			continue
		}
		var p lspPublish
		if err := json.Unmarshal(m.Params, &p); err != nil {
			c.t.Fatal(err)
		}
		if p.URI == uri && (version == 0 || p.Version == version) {
			return p
		}
	}
	c.t.Fatalf("no diagnostics for %s version %d", uri, version)
	return lspPublish{}
}

// utf16Col is the UTF-16 length of s, computed apart from the server's code.
func utf16Col(s string) int { return len(utf16.Encode([]rune(s))) }

// applyLSPEdits applies text edits the way an LSP client does: ranges in
// lines and UTF-16 code units of the original text, applied last first.
func applyLSPEdits(t *testing.T, text string, edits []struct {
	Range   lspRange `json:"range"`
	NewText string   `json:"newText"`
}) string {
	t.Helper()
	lines := strings.SplitAfter(text, "\n")
	offset := func(p lspPos) int {
		off := 0
		for i := 0; i < p.Line; i++ {
			off += len(lines[i])
		}
		units := 0
		line := lines[p.Line]
		i := 0
		for units < p.Character {
			r, size := utf8.DecodeRuneInString(line[i:])
			units += len(utf16.Encode([]rune{r}))
			i += size
		}
		if units != p.Character {
			t.Fatalf("position %+v splits a surrogate pair", p)
		}
		return off + i
	}
	type span struct {
		start, end int
		text       string
	}
	var spans []span
	for _, e := range edits {
		spans = append(spans, span{offset(e.Range.Start), offset(e.Range.End), e.NewText})
	}
	for i := len(spans) - 1; i >= 0; i-- { // edits do not overlap; apply from the end
		for j := 0; j < i; j++ {
			if spans[j].start > spans[i].start {
				spans[i], spans[j] = spans[j], spans[i]
			}
		}
		s := spans[i]
		text = text[:s.start] + s.text + text[s.end:]
	}
	return text
}

func fileURIOf(p string) string { return "file://" + filepath.ToSlash(p) }

func testLSPProtocol(t *testing.T, bin string) {
	dir, frag := lspTree(t)
	uri := fileURIOf(frag)
	c := startLSP(t, bin, t.TempDir()) // started elsewhere: the document's directory finds .ngxlint.yml

	// Before initialize, a request is refused and the server goes on.
	if m := c.call("textDocument/hover", map[string]any{}); m.Error == nil || m.Error.Code != -32002 {
		t.Fatalf("hover before initialize: want error -32002, got %+v", m)
	}
	init := c.call("initialize", map[string]any{
		"processId": os.Getpid(), "rootUri": fileURIOf(dir),
		"capabilities": map[string]any{"textDocument": map[string]any{
			"hover":      map[string]any{"contentFormat": []string{"plaintext"}},
			"codeAction": map[string]any{"codeActionLiteralSupport": map[string]any{"codeActionKind": map[string]any{"valueSet": []string{"quickfix"}}}},
		}},
	})
	if init.Error != nil || !strings.Contains(string(init.Result), `"hoverProvider":true`) || !strings.Contains(string(init.Result), `"quickfix"`) {
		t.Fatalf("initialize: %+v %s", init.Error, init.Result)
	}
	c.notify("initialized", map[string]any{})

	// didOpen: the unsaved text is linted (the file on disk is clean).
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "nginx", "version": 1, "text": lspBroken}})
	pub := c.diagnostics(uri, 1)
	if len(pub.Diagnostics) != 1 {
		t.Fatalf("want one diagnostic (WS009; SEC005 is off in .ngxlint.yml), got %+v", pub.Diagnostics)
	}
	d := pub.Diagnostics[0]
	line := strings.Split(lspBroken, "\n")[9]
	byteCol := strings.Index(line, `"ugrade"`)
	wantRange := lspRange{Start: lspPos{9, utf16Col(line[:byteCol])}, End: lspPos{9, utf16Col(line[:byteCol+len(`"ugrade"`)])}}
	if d.Code != "WS009" || d.Severity != 1 || d.Source != "ngxlint" || d.Range != wantRange ||
		!strings.HasSuffix(d.CodeDescription.Href, "README.md#ws009") || !strings.Contains(d.Message, `"ugrade"`) {
		t.Fatalf("diagnostic: got %+v, want WS009 error from ngxlint at %+v (UTF-16 columns; the byte column is %d)", d, wantRange, byteCol)
	}

	// Hover on the finding shows ngxlint explain WS009.
	h := c.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": lspPos{9, wantRange.Start.Character + 2}})
	var hv struct {
		Contents struct{ Kind, Value string } `json:"contents"`
	}
	if h.Error != nil || json.Unmarshal(h.Result, &hv) != nil || hv.Contents.Kind != "plaintext" ||
		!strings.HasPrefix(hv.Contents.Value, "WS009 value-or-variable-typo\n") || !strings.Contains(hv.Contents.Value, "Why it breaks") {
		t.Fatalf("hover: %+v %s", h.Error, h.Result)
	}
	if h := c.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": lspPos{1, 4}}); string(h.Result) != "null" {
		t.Errorf("hover away from any finding: want null, got %s", h.Result)
	}

	// codeAction: the fix as a quick fix; applied as a client applies it,
	// the text lints clean.
	ca := c.call("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uri}, "range": d.Range, "context": map[string]any{"diagnostics": []lspDiag{d}}})
	var actions []struct {
		Title string `json:"title"`
		Kind  string `json:"kind"`
		Edit  struct {
			Changes map[string][]struct {
				Range   lspRange `json:"range"`
				NewText string   `json:"newText"`
			} `json:"changes"`
		} `json:"edit"`
	}
	if ca.Error != nil || json.Unmarshal(ca.Result, &actions) != nil || len(actions) != 1 || actions[0].Kind != "quickfix" || len(actions[0].Edit.Changes[uri]) == 0 {
		t.Fatalf("codeAction: %+v %s", ca.Error, ca.Result)
	}
	fixed := applyLSPEdits(t, lspBroken, actions[0].Edit.Changes[uri])
	if want := strings.Replace(lspBroken, `"ugrade"`, `"upgrade"`, 1); fixed != want {
		t.Fatalf("the quick fix gives\n%s\nwant\n%s", fixed, want)
	}
	if err := os.WriteFile(frag, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runCLI(dir, "lint", frag); code != 0 {
		t.Fatalf("the fixed text does not lint clean: exit %d\n%s%s", code, out, errOut)
	}

	// A malformed message, a message without Content-Length and a request
	// with bad params are answered with errors; the server goes on.
	garbage := `{"jsonrpc": "2.0", "id": 7, "method": ` // cut off
	c.raw([]byte(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(garbage), garbage)))
	if m := c.next("the parse error"); m.Error == nil || m.Error.Code != -32700 {
		t.Fatalf("malformed JSON: want error -32700, got %+v", m)
	}
	c.raw([]byte("Content-Type: application/json\r\n\r\n"))
	if m := c.next("the framing error"); m.Error == nil || m.Error.Code != -32700 {
		t.Fatalf("no Content-Length: want error -32700, got %+v", m)
	}
	if m := c.call("textDocument/codeAction", "not an object"); m.Error == nil || m.Error.Code != -32602 {
		t.Fatalf("bad params: want error -32602, got %+v", m)
	}
	if m := c.call("textDocument/definition", map[string]any{}); m.Error == nil || m.Error.Code != -32601 {
		t.Fatalf("unknown method: want error -32601, got %+v", m)
	}

	// didChange, incremental: the fix typed in clears the finding.
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": 2},
		"contentChanges": []any{map[string]any{"range": d.Range, "text": `"upgrade"`}},
	})
	if pub := c.diagnostics(uri, 2); len(pub.Diagnostics) != 0 {
		t.Fatalf("after the incremental change: want no diagnostics, got %+v", pub.Diagnostics)
	}
	// didChange, whole text: proxy_http_version 1.0 is WS004, which
	// .ngxlint.yml lowers to a warning.
	v3 := strings.Replace(fixed, "proxy_http_version 1.1;", "proxy_http_version 1.0;", 1)
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": 3},
		"contentChanges": []any{map[string]any{"text": v3}},
	})
	pub = c.diagnostics(uri, 3)
	if len(pub.Diagnostics) != 1 || pub.Diagnostics[0].Code != "WS004" || pub.Diagnostics[0].Range.Start.Line != 5 || pub.Diagnostics[0].Severity != 2 {
		t.Fatalf("after the change: want WS004 as a warning (from .ngxlint.yml) on line 6, got %+v", pub.Diagnostics)
	}

	// The buffer's includes are read under lint's roots: a file outside
	// the configuration's directories is not read (NGX004), however the
	// buffer names it.
	outside := filepath.Join(t.TempDir(), "secret.conf")
	if err := os.WriteFile(outside, []byte("proxy_set_header X-Secret 1;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	v4 := strings.Replace(fixed, "proxy_read_timeout 1h;", "proxy_read_timeout 1h; include "+outside+";", 1)
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": 4},
		"contentChanges": []any{map[string]any{"text": v4}},
	})
	pub = c.diagnostics(uri, 4)
	if len(pub.Diagnostics) != 1 || pub.Diagnostics[0].Code != "NGX004" || !strings.Contains(pub.Diagnostics[0].Message, "outside the configuration's roots") {
		t.Fatalf("an include outside the roots: want NGX004, got %+v", pub.Diagnostics)
	}

	// didClose clears the diagnostics.
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri}})
	if pub := c.diagnostics(uri, 0); len(pub.Diagnostics) != 0 {
		t.Fatalf("after didClose: want the diagnostics cleared, got %+v", pub.Diagnostics)
	}

	// A buffer with no file is linted like standard input.
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": "untitled:Untitled-1", "languageId": "nginx", "version": 1, "text": lspBroken}})
	if pub := c.diagnostics("untitled:Untitled-1", 1); len(pub.Diagnostics) == 0 || pub.Diagnostics[len(pub.Diagnostics)-1].Code != "WS009" {
		t.Fatalf("an untitled buffer: want WS009 among its diagnostics, got %+v", pub.Diagnostics)
	}
	// A broken .ngxlint.yml beside a file is an error on the file, not a
	// dead server.
	badDir := filepath.Join(t.TempDir(), "bad")
	if err := os.MkdirAll(badDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(badDir, ".ngxlint.yml"), []byte("rules: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	badURI := fileURIOf(filepath.Join(badDir, "site.conf"))
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": badURI, "languageId": "nginx", "version": 1, "text": lspClean}})
	if pub := c.diagnostics(badURI, 1); len(pub.Diagnostics) != 1 || pub.Diagnostics[0].Severity != 1 || !strings.Contains(pub.Diagnostics[0].Message, ".ngxlint.yml:1:") {
		t.Fatalf("a broken .ngxlint.yml: want one error naming it, got %+v", pub.Diagnostics)
	}

	// shutdown, exit: the server ends with 0.
	if m := c.call("shutdown", nil); m.Error != nil || string(m.Result) != "null" {
		t.Fatalf("shutdown: %+v %s", m.Error, m.Result)
	}
	c.notify("exit", nil)
	select {
	case err := <-c.exited:
		c.exited <- err // for the cleanup
		if err != nil {
			t.Fatalf("after exit: %v (stderr: %s)", err, c.stderr.String())
		}
	case <-time.After(lspWait):
		t.Fatal("the server did not exit after exit")
	}
}

// lspNeovimScript drives Neovim's LSP client: it opens the fragment,
// attaches ngxlint lsp, waits for diagnostics and writes them down, then
// asks for the quick fix, applies it in UTF-16 as the client does, and
// saves the buffer.
const lspNeovimScript = `
local bin, file, out = vim.env.NGXLINT_BIN, vim.env.NGXLINT_FILE, vim.env.NGXLINT_OUT
local result = io.open(out, 'w')
local function finish(msg)
  if msg then result:write('FAIL ' .. msg .. '\n') end
  result:close()
  vim.cmd('qa!')
end
vim.cmd('edit ' .. vim.fn.fnameescape(file))
local id = vim.lsp.start_client({ name = 'ngxlint', cmd = { bin, 'lsp' }, root_dir = vim.fn.fnamemodify(file, ':h:h') })
if not id then return finish('start_client failed') end
vim.lsp.buf_attach_client(0, id)
if not vim.wait(15000, function() return #vim.diagnostic.get(0) > 0 end, 20) then
  return finish('no diagnostics within 15 s')
end
for _, d in ipairs(vim.diagnostic.get(0)) do
  result:write(string.format('DIAG %s %d %d %d %s\n', d.code or '?', d.lnum + 1, d.col, d.severity, d.source or '?'))
end
local params = vim.lsp.util.make_range_params()
local d = vim.diagnostic.get(0)[1]
params.range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } }
params.context = { diagnostics = {} }
local answers = vim.lsp.buf_request_sync(0, 'textDocument/codeAction', params, 10000)
local applied = false
for _, a in pairs(answers or {}) do
  for _, action in ipairs(a.result or {}) do
    if action.edit and not applied then
      vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
      applied = true
    end
  end
end
if not applied then return finish('no code action') end
vim.cmd('write')
local client = vim.lsp.get_client_by_id(id)
client.stop()
vim.wait(5000, function() return client.is_stopped() end, 20)
result:write('DONE\n')
finish()
`

func testLSPNeovim(t *testing.T, bin string) {
	nvim, err := exec.LookPath("nvim")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("nvim is needed for this test (.ci/run installs Debian's neovim)")
		}
		t.Skip("nvim not installed (apt-get install neovim)")
	}
	dir, frag := lspTree(t)
	if err := os.WriteFile(frag, []byte(lspBroken), 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(t.TempDir(), "t.lua")
	out := filepath.Join(t.TempDir(), "diagnostics.txt")
	if err := os.WriteFile(script, []byte(lspNeovimScript), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", "luafile "+script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NGXLINT_BIN="+bin, "NGXLINT_FILE="+frag, "NGXLINT_OUT="+out,
		"XDG_STATE_HOME="+t.TempDir(), "XDG_CACHE_HOME="+t.TempDir(), "XDG_DATA_HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("nvim: %v after %s\nstdout: %s\nstderr: %s", err, time.Since(start).Round(time.Millisecond), stdout.String(), stderr.String())
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("nvim wrote no result: %v\nstderr: %s", err, stderr.String())
	}
	t.Logf("nvim ran %s:\n%s", time.Since(start).Round(time.Millisecond), got)
	// WS009 on line 10 at byte column 75: Neovim counts columns in bytes
	// (it converts the server's UTF-16 characters).
	line := strings.Split(lspBroken, "\n")[9]
	want := fmt.Sprintf("DIAG WS009 10 %d 1 ngxlint\n", strings.Index(line, `"ugrade"`))
	if !strings.HasPrefix(string(got), want) || !strings.HasSuffix(string(got), "DONE\n") {
		t.Fatalf("Neovim's diagnostics:\n%s\nwant first %q, then DONE", got, want)
	}
	saved, err := os.ReadFile(frag)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(lspBroken, `"ugrade"`, `"upgrade"`, 1); string(saved) != want {
		t.Fatalf("the quick fix Neovim applied gives\n%s\nwant\n%s", saved, want)
	}
}
