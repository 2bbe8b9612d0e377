package parser

import (
	"path/filepath"
	"strings"
)

// Files every Debian or nginx.org package installs next to nginx.conf. A
// configuration checked out of a repository often includes them without
// carrying a copy; nginx finds them on the server, so a missing one is not a
// finding. proxy_params matters to WebSocket (its proxy_set_header lines
// replace the inherited ones), so it is stood in for by the four lines Debian
// 12 ships; the others hold nothing that WebSocket rules read.
var builtinFiles = map[string]string{
	"proxy_params": "proxy_set_header Host $host;\n" +
		"proxy_set_header X-Real-IP $remote_addr;\n" +
		"proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n" +
		"proxy_set_header X-Forwarded-Proto $scheme;\n",
	"mime.types":                "",
	"fastcgi_params":            "",
	"fastcgi.conf":              "",
	"uwsgi_params":              "",
	"scgi_params":               "",
	"koi-utf":                   "",
	"koi-win":                   "",
	"win-utf":                   "",
	"snippets/fastcgi-php.conf": "",
	"snippets/snakeoil.conf":    "",
}

// builtin returns the stand-in for a distribution file named by an include
// argument such as "proxy_params" or "/etc/nginx/proxy_params", or nil.
func (l *loader) builtin(arg string) *File {
	name := filepath.ToSlash(arg)
	name = strings.TrimPrefix(name, "/etc/nginx/")
	name = strings.TrimPrefix(name, "/usr/local/nginx/conf/")
	src, ok := builtinFiles[name]
	if !ok {
		return nil
	}
	key := "builtin:" + name
	if pf, ok := l.parsed[key]; ok {
		return pf.file
	}
	f, _ := Parse("(nginx package) "+name, []byte(src))
	l.parsed[key] = &parsedFile{file: f}
	return f
}
