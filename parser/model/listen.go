package model

import (
	"strconv"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
)

// Listen is one listen directive of a server, as nginx reads it
// (ngx_http_core_listen, ngx_parse_url): "listen 8080", "listen
// 127.0.0.1:8443 ssl", "listen [::]:443 ssl http2", "listen unix:/run/x.sock".
type Listen struct {
	D    *parser.Directive
	Host string // "" or "*" for every address; an IPv6 address keeps its brackets
	Port int    // 0 for a unix socket
	Unix bool
	// SSL is set by the ssl parameter; QUIC by quic (HTTP/3, always TLS).
	SSL, QUIC, HTTP2 bool
	// Variable is true when the address uses a variable or cannot be read;
	// Port is then unknown (0).
	Variable bool
}

// DefaultListenPort is the port of a server without a listen directive:
// nginx listens on *:80 when started as root (*:8000 otherwise; ngxlint
// assumes the usual root start).
const DefaultListenPort = 80

// Listens returns the listen directives written in server s (directly or
// through an include), in order. A server with none listens on
// DefaultListenPort; a synthetic server around a fragment has none and its
// ports are unknown.
func (s *Block) Listens() []Listen {
	var out []Listen
	for _, e := range s.Own("listen") {
		if len(e.D.Args) == 0 {
			continue
		}
		l := parseListen(e.D.Args[0].Value)
		l.D = e.D
		for _, a := range e.D.Args[1:] {
			switch strings.ToLower(a.Value) {
			case "ssl":
				l.SSL = true
			case "quic":
				l.QUIC = true
			case "http2":
				l.HTTP2 = true
			}
		}
		out = append(out, l)
	}
	return out
}

func parseListen(addr string) Listen {
	var l Listen
	if strings.Contains(addr, "$") {
		l.Variable = true
		return l
	}
	if strings.HasPrefix(strings.ToLower(addr), "unix:") {
		l.Unix = true
		return l
	}
	host, port := addr, ""
	switch {
	case strings.HasPrefix(addr, "["):
		end := strings.Index(addr, "]")
		if end < 0 {
			l.Variable = true
			return l
		}
		host = addr[:end+1]
		if rest := addr[end+1:]; strings.HasPrefix(rest, ":") {
			port = rest[1:]
		}
	case listenPortDigits(addr):
		host, port = "", addr
	default:
		if i := strings.LastIndex(addr, ":"); i >= 0 {
			host, port = addr[:i], addr[i+1:]
		}
	}
	l.Host = host
	if port == "" {
		l.Port = 80
		return l
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		l.Variable = true
		return l
	}
	l.Port = n
	return l
}

func listenPortDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// TLS reports whether server s accepts TLS connections: a listen with the
// ssl or quic parameter, or the old "ssl on;" (removed in nginx 1.25.1) in
// effect at the server.
func (s *Block) TLS() bool {
	for _, l := range s.Listens() {
		if l.SSL || l.QUIC {
			return true
		}
	}
	if e, ok := s.Scalar("ssl"); ok && strings.EqualFold(e.D.Arg(0), "on") {
		return true
	}
	return false
}
