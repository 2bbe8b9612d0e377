package parser

import (
	"fmt"
	"strings"
	"testing"
)

// render prints every directive with the line:column of its name and of each
// argument, the raw text, and the value when it differs from the raw text.
func render(f *File) string {
	var sb strings.Builder
	var rec func(ds []*Directive, depth int)
	rec = func(ds []*Directive, depth int) {
		for _, d := range ds {
			p := f.Position(d.Start())
			fmt.Fprintf(&sb, "%s%d:%d %s", strings.Repeat("  ", depth), p.Line, p.Column, f.Raw(d.NameW()))
			for _, a := range d.Args {
				ap := f.Position(int(a.Start))
				raw := f.Raw(a)
				fmt.Fprintf(&sb, " %d:%d %s", ap.Line, ap.Column, raw)
				if raw != a.Value {
					fmt.Fprintf(&sb, "=%q", a.Value)
				}
			}
			end := f.Position(int(d.End) - 1)
			fmt.Fprintf(&sb, " ;%d:%d", end.Line, end.Column)
			if d.Block != nil {
				o := f.Position(int(d.Block.Open))
				fmt.Fprintf(&sb, " {%d:%d", o.Line, o.Column)
				if d.Block.Lua != nil {
					fmt.Fprintf(&sb, " lua=%q", d.Block.Lua.Value)
				}
			}
			sb.WriteString("\n")
			if d.Block != nil {
				rec(d.Block.Directives, depth+1)
			}
		}
	}
	rec(f.Top, 0)
	for _, c := range f.Comments {
		p := f.Position(c.Start)
		fmt.Fprintf(&sb, "#%d:%d %q\n", p.Line, p.Column, c.Text)
	}
	return sb.String()
}

func TestParsePositions(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want string
	}{
		{
			name: "multi-line directive and tabs",
			src:  "http {\n\tproxy_set_header\n\t\tUpgrade\n\t\t$http_upgrade;\n}\n",
			want: `1:1 http ;5:1 {1:6
  2:2 proxy_set_header 3:3 Upgrade 4:3 $http_upgrade ;4:16
`,
		},
		{
			name: "hash, semicolon and brace inside quotes",
			src:  `return 200 "a;b}c#d";  # trailing` + "\n" + `add_header X '{'; # two`,
			want: `1:1 return 1:8 200 1:12 "a;b}c#d"="a;b}c#d" ;1:21
2:1 add_header 2:12 X 2:14 '{'="{" ;2:17
#1:24 " trailing"
#2:19 " two"
`,
		},
		{
			name: "CRLF line endings",
			src:  "server {\r\n    listen 80;\r\n    # note\r\n    location / { }\r\n}\r\n",
			want: `1:1 server ;5:1 {1:8
  2:5 listen 2:12 80 ;2:14
  4:5 location 4:14 / ;4:18 {4:16
#3:5 " note"
`,
		},
		{
			name: "byte-order mark is not a column",
			src:  "\ufeffevents {}\nhttp {}\n",
			want: `1:1 events ;1:9 {1:8
2:1 http ;2:7 {2:6
`,
		},
		{
			name: "comment right after an opening brace",
			src:  "location /ws/ { # websocket\n    proxy_pass http://b;\n}\n",
			want: `1:1 location 1:10 /ws/ ;3:1 {1:15
  2:5 proxy_pass 2:16 http://b ;2:24
#1:17 " websocket"
`,
		},
		{
			name: "if condition with quoted operand before the parenthesis",
			src:  `if ($http_upgrade = "websocket") { return 403; }`,
			want: `1:1 if 1:4 ($http_upgrade 1:19 = 1:21 "websocket"="websocket" 1:32 ) ;1:48 {1:34
  1:36 return 1:43 403 ;1:46
`,
		},
		{
			name: "regex location with braces and a quoted regex",
			src:  "location ~* ^/api/v[0-9]+/(users/)?websocket$ { }\nlocation ~ \"^/x{2,3}$\" { }\n",
			want: `1:1 location 1:10 ~* 1:13 ^/api/v[0-9]+/(users/)?websocket$ ;1:49 {1:47
2:1 location 2:10 ~ 2:12 "^/x{2,3}$"="^/x{2,3}$" ;2:26 {2:24
`,
		},
		{
			name: "map body with empty key and quoted regex key",
			src:  "map $http_upgrade $connection_upgrade {\n    default upgrade;\n    ''      close;\n    \"~*Upgrade\" $http_connection;\n}\n",
			want: `1:1 map 1:5 $http_upgrade 1:19 $connection_upgrade ;5:1 {1:39
  2:5 default 2:13 upgrade ;2:20
  3:5 '' 3:13 close ;3:18
  4:5 "~*Upgrade" 4:17 $http_connection ;4:33
`,
		},
		{
			name: "types body",
			src:  "types {\n    text/html html htm;\n    application/json json;\n}\n",
			want: `1:1 types ;4:1 {1:7
  2:5 text/html 2:15 html 2:20 htm ;2:23
  3:5 application/json 3:22 json ;3:26
`,
		},
		{
			name: "variable in braces and a brace inside a word",
			src:  "set $a ${uri}x;\nreturn 200 foo}bar;\n",
			want: `1:1 set 1:5 $a 1:8 ${uri}x ;1:15
2:1 return 2:8 200 2:12 foo}bar ;2:19
`,
		},
		{
			name: "escapes",
			src:  `return 200 "C:\\" a\"b 'it\'s' "tab\there";`,
			want: `1:1 return 1:8 200 1:12 "C:\\"="C:\\" 1:19 a\"b="a\"b" 1:24 'it\'s'="it's" 1:32 "tab\there"="tab\there" ;1:43
`,
		},
		{
			name: "lua block with braces in strings and comments",
			src:  "content_by_lua_block {\n  local t = { a = \"}\" } -- }\n  ngx.say(t.a) --[[ } ]]\n}\nreturn 200;\n",
			want: `1:1 content_by_lua_block ;4:1 {1:22 lua="\n  local t = { a = \"}\" } -- }\n  ngx.say(t.a) --[[ } ]]\n"
5:1 return 5:8 200 ;5:11
`,
		},
		{
			name: "non-ASCII counts as one column",
			src:  "add_header X \"héllo\"; return 200;",
			want: `1:1 add_header 1:12 X 1:14 "héllo"="héllo" ;1:21
1:23 return 1:30 200 ;1:33
`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse("t.conf", []byte(c.src))
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			got := render(f)
			if got != c.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"unclosed block", "http {\n  server {\n  }\n", "t.conf:4:1: unexpected end of file, expecting \"}\": the block opened by \"http\" on line 1 is never closed"},
		{"extra closing brace", "http {}\n}\n", "t.conf:2:1: unexpected \"}\": no block is open here"},
		{"unterminated quote", "return 200 \"abc;\n}\n", "t.conf:1:12: unterminated quoted string: no closing \" before the end of the file"},
		{"missing semicolon before brace", "location / {\n  return 200\n}\n", "t.conf:3:1: unexpected \"}\": directive \"return\" is not terminated by \";\""},
		{"missing semicolon at end", "listen 80", "t.conf:1:10: unexpected end of file, expecting \";\" or \"}\": directive \"listen\" on line 1 is not terminated by \";\""},
		{"text after closing quote", "return 200 \"a\"b;", "t.conf:1:15: unexpected \"b\" after a quoted string; nginx needs a space, \";\" or \"{\" here"},
		{"semicolon without directive", "http { ; }", "t.conf:1:8: unexpected \";\": no directive name before it"},
		{"binary", "ev\x00ents {}", "t.conf:1:3: this is not a text file (NUL byte); nginx configuration is text"},
		{"unclosed lua", "content_by_lua_block { ngx.say('x')\n", "t.conf:1:22: unterminated *_by_lua_block: no closing \"}\" before the end of the file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("t.conf", []byte(c.src))
			if err == nil {
				t.Fatal("expected an error")
			}
			if err.Error() != c.want {
				t.Errorf("got  %s\nwant %s", err.Error(), c.want)
			}
		})
	}
}

// TestParsePartial: a file with a syntax error keeps the directives nginx
// reads and applies before it stops, as nginx nests them.
func TestParsePartial(t *testing.T) {
	cases := []struct{ name, src, want string }{
		// an extra } closes the location early: the rest of it is read in server
		{"extra close", "server {\n location / {\n root /a;\n }\n index x;\n }\n return 200;\n}\nevents {}\n",
			"server[location[root] index] return"},
		// a lost } leaves the rest of the file inside the block
		{"lost close", "http {\n server {\n listen 80;\n server { }\n", "http[server[listen server[]]]"},
		// a lost { makes the next line's words arguments, and its } the server's
		{"lost open", "server {\n location /\n root /a;\n }\n listen 80;\n}\n", "server[location] listen"},
		{"stop at the error", "a;\nb ; ;\nc;\n", "a b"},
	}
	var render func(ds []*Directive) string
	render = func(ds []*Directive) string {
		var parts []string
		for _, d := range ds {
			s := d.Name
			if d.Block != nil {
				s += "[" + render(d.Block.Directives) + "]"
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, " ")
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse("t.conf", []byte(c.src))
			if err == nil || !f.Partial {
				t.Fatalf("want a syntax error and a partial file, got %v", err)
			}
			if got := render(f.Top); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestPositionOffsetRoundTrip(t *testing.T) {
	src := "\ufeffa b;\r\n\tc \"é\";\n"
	f, _ := Parse("t.conf", []byte(src))
	for off := 3; off <= len(src); off++ {
		if off < len(src) && src[off]&0xC0 == 0x80 {
			continue // inside a UTF-8 sequence
		}
		p := f.Position(off)
		if got := f.Offset(p); got != off && src[min(off, len(src)-1)] != '\n' && src[min(off, len(src)-1)] != '\r' {
			t.Errorf("offset %d -> %v -> %d", off, p, got)
		}
	}
}
