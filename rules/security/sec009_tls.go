package security

import (
	"strconv"
	"strings"

	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

func init() { rules.Register(&weakTLS{}) }

type weakTLS struct{}

var weakTLSMeta = &rules.Meta{
	ID: "SEC009", Name: "weak-tls", Severity: rules.Warning,
	Doc: rules.Doc{
		Summary: "ssl_protocols below TLS 1.2, weak ssl_ciphers (RC4, DES, 3DES, MD5, NULL, EXPORT, anonymous), a TLS server without HSTS or with a short max-age.",
		Why: "SSLv3, TLS 1.0 and 1.1 are deprecated (RFC 8996) and open downgrade and padding-oracle attacks; RC4, DES, 3DES, " +
			"EXPORT and NULL ciphers are broken or offer no secrecy; aNULL suites skip authentication. Without " +
			"Strict-Transport-Security a first visit over http:// can be intercepted.",
		Bad:  "server {\n    listen 443 ssl;\n    ssl_protocols TLSv1 TLSv1.1 TLSv1.2;\n    ssl_ciphers RC4-SHA:HIGH;\n}",
		Good: "server {\n    listen 443 ssl;\n    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_ciphers HIGH:!aNULL:!MD5;\n    add_header Strict-Transport-Security \"max-age=63072000\" always;\n}",
		Fix: "ssl_protocols TLSv1.2 TLSv1.3; ssl_ciphers HIGH:!aNULL:!MD5 (nginx's default) or Mozilla's intermediate list; " +
			"add_header Strict-Transport-Security \"max-age=63072000\" always; on TLS servers.",
		SeverityNote: "Warning for protocols below TLS 1.2 and for weak cipher names enabled explicitly; info for an HSTS " +
			"max-age under six months. A TLS server without HSTS is reported only under security: strict (a site may send " +
			"it from its application); strict also raises the max-age note to a warning.",
		Since: "0.2.0",
		Refs: []string{"https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl_protocols",
			"https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl_ciphers", "https://www.rfc-editor.org/rfc/rfc8996"},
	},
}

func (*weakTLS) Meta() *rules.Meta { return weakTLSMeta }

var weakCipherWords = []string{"RC4", "DES", "MD5", "NULL", "EXPORT", "EXP-", "ADH", "AECDH", "LOW", "3DES"}

func (*weakTLS) Check(p *rules.Pass) {
	p.Cfg.Walk(func(b *model.Block, e model.Entry) {
		switch e.D.Name {
		case "ssl_protocols", "proxy_ssl_protocols", "grpc_ssl_protocols", "uwsgi_ssl_protocols":
			var old []string
			for _, w := range e.D.Args {
				switch w.Value {
				case "SSLv2", "SSLv3", "TLSv1", "TLSv1.1":
					old = append(old, w.Value)
				}
			}
			if len(old) > 0 {
				p.Report(rules.DirectiveSpan(e.At()),
					"%s enables %s, deprecated and open to downgrade attacks (RFC 8996); use TLSv1.2 TLSv1.3", e.D.Name, quoteList(old))
			}
		case "ssl_ciphers", "proxy_ssl_ciphers", "grpc_ssl_ciphers", "uwsgi_ssl_ciphers":
			var weak []string
			for _, tok := range strings.FieldsFunc(e.D.Arg(0), func(r rune) bool { return r == ':' || r == ' ' || r == ',' }) {
				if strings.HasPrefix(tok, "!") || strings.HasPrefix(tok, "-") {
					continue
				}
				t := strings.TrimPrefix(tok, "+")
				for _, w := range weakCipherWords {
					if strings.Contains(strings.ToUpper(t), w) {
						weak = append(weak, t)
						break
					}
				}
			}
			if len(weak) > 0 {
				p.Report(rules.WordSpan(e.D, e.D.Args[0]),
					"%s enables %s, broken or unauthenticated cipher suites; exclude them (HIGH:!aNULL:!MD5 is nginx's default)", e.D.Name, quoteList(weak))
			}
		}
	})
	for _, s := range p.Cfg.Servers {
		if s.Synthetic || !s.TLS() || !servesSomething(s) {
			continue
		}
		var hsts *model.Entry
		for _, e := range s.EffectiveList("add_header").Entries {
			if strings.EqualFold(e.D.Arg(0), "Strict-Transport-Security") {
				e := e
				hsts = &e
			}
		}
		if hsts == nil {
			if !strict(p) {
				continue // an opinion: many sites send HSTS from the application
			}
			at := anchor(s)
			for _, l := range s.Listens() {
				if l.SSL || l.QUIC {
					at = rules.DirectiveSpan(l.D)
					break
				}
			}
			p.ReportSev(rules.Warning, at,
				"%s accepts TLS but sends no Strict-Transport-Security, so a first visit over http:// can be intercepted; add add_header Strict-Transport-Security \"max-age=63072000\" always;", levelName(s))
			continue
		}
		if age, ok := maxAge(hsts.D.Arg(1)); ok && age < 15768000 {
			p.ReportSev(opinion(p), rules.DirectiveSpan(hsts.At()),
				"Strict-Transport-Security max-age=%d is under six months; browsers forget it quickly, use max-age=63072000 (two years)", age)
		}
	}
}

// servesSomething reports whether a server answers with content rather than
// only rejecting (return 444 or a 4xx at the server level).
func servesSomething(s *model.Block) bool {
	for _, e := range s.Own("return") {
		if code, err := strconv.Atoi(e.D.Arg(0)); err == nil && (code == 444 || code >= 400) {
			return false
		}
	}
	return true
}

func maxAge(v string) (int, bool) {
	for _, part := range strings.Split(v, ";") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "max-age") {
			n, err := strconv.Atoi(strings.Trim(strings.TrimSpace(val), `"`))
			return n, err == nil
		}
	}
	return 0, false
}
