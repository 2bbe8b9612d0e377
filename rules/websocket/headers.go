package websocket

import (
	"strings"
	"unicode/utf8"

	"github.com/ngxlint/ngxlint/parser/model"
)

// header is one proxy_set_header in effect (a directive of two arguments).
// The unit's tables keep many of them, so the field name and value are
// read from the directive instead of being kept beside it.
type header struct {
	Entry model.Entry
}

// Name is the header's field name, as written.
func (h header) Name() string { return h.Entry.D.Args[0].Value }

// Value is the header's value, as written.
func (h header) Value() string { return h.Entry.D.Args[1].Value }

// headerSet is the proxy_set_header list in effect at a level, and the
// level it is written at (nil when nginx's defaults apply).
type headerSet struct {
	Level *model.Block
	List  []header
}

// Headers returns the proxy_set_header directives in effect at b after
// nginx's all-or-nothing inheritance.
func Headers(b *model.Block) headerSet {
	es, level := b.Lookup("proxy_set_header")
	hs := headerSet{Level: level}
	n := 0
	for _, e := range es {
		if len(e.D.Args) == 2 {
			n++
		}
	}
	if n > 0 {
		hs.List = make([]header, 0, n)
	}
	for _, e := range es {
		if len(e.D.Args) != 2 {
			continue
		}
		hs.List = append(hs.List, header{Entry: e})
	}
	return hs
}

// Get returns the headers with a field name, compared ignoring case.
func (hs headerSet) Get(name string) []header {
	var out []header
	for _, h := range hs.List {
		if strings.EqualFold(h.Name(), name) {
			out = append(out, h)
		}
	}
	return out
}

// outerWSHeaders returns the nearest level above the effective one whose
// own proxy_set_header list passes a WebSocket upgrade (an Upgrade field,
// or a Connection field carrying the upgrade token), with those headers
// only. Connection "" or keep-alive (the upstream keepalive idiom) is not
// an upgrade header: dropping it loses nothing WebSocket needs.
func outerWSHeaders(cfg *model.Config, b *model.Block, from *model.Block) (headerSet, bool) {
	if from == nil {
		return headerSet{}, false
	}
	for l := from.Parent; l != nil; l = l.Parent {
		own := l.Own("proxy_set_header")
		if len(own) == 0 {
			continue
		}
		hs := headerSet{Level: l}
		for _, e := range own {
			if len(e.D.Args) != 2 {
				continue
			}
			name, value := e.D.Args[0].Value, e.D.Args[1].Value
			if strings.EqualFold(name, "Upgrade") || strings.EqualFold(name, "Connection") && ConnectionIntent(cfg, value) {
				hs.List = append(hs.List, header{Entry: e})
			}
		}
		if len(hs.List) > 0 {
			return hs, true
		}
		// this level replaced what was above it; keep looking: a level that
		// sets WS headers further up is dropped all the same.
	}
	return headerSet{}, false
}

// tokens splits a header value into comma-separated tokens.
func tokens(v string) []string {
	var out []string
	for _, t := range strings.Split(v, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// hasToken reports whether a header value lists a token, ignoring case.
func hasToken(v, tok string) bool {
	for _, t := range tokens(v) {
		if strings.EqualFold(t, tok) {
			return true
		}
	}
	return false
}

// distance is the optimal-string-alignment Damerau-Levenshtein distance,
// case-insensitive. It runs for every header name against each name it
// could be a typo of, so ASCII names (all real ones) are compared in
// three rows on the stack, without allocating.
func distance(a, b string) int {
	if len(b) < distRowMax && isASCII(a) && isASCII(b) {
		return distanceASCII(a, b)
	}
	return distanceRunes(a, b)
}

// distanceRunes is distance for any strings, on runes.
func distanceRunes(a, b string) int {
	a, b = strings.ToLower(a), strings.ToLower(b)
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// distRowMax bounds the names distanceASCII compares on the stack.
const distRowMax = 64

// distanceASCII is distance for ASCII strings, b shorter than distRowMax:
// the same recurrence, keeping only the rows i-2, i-1 and i.
func distanceASCII(a, b string) int {
	var buf [3 * distRowMax]int
	r0, r1, r2 := buf[:distRowMax], buf[distRowMax:2*distRowMax], buf[2*distRowMax:] // rows i-2, i-1, i
	for j := 0; j <= len(b); j++ {
		r1[j] = j
	}
	for i := 1; i <= len(a); i++ {
		r2[0] = i
		ca := lowerASCII(a[i-1])
		for j := 1; j <= len(b); j++ {
			cb := lowerASCII(b[j-1])
			cost := 1
			if ca == cb {
				cost = 0
			}
			v := min(r1[j]+1, r2[j-1]+1, r1[j-1]+cost)
			if i > 1 && j > 1 && ca == lowerASCII(b[j-2]) && lowerASCII(a[i-2]) == cb {
				v = min(v, r0[j-2]+1)
			}
			r2[j] = v
		}
		r0, r1, r2 = r1, r2, r0
	}
	return r1[len(b)]
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// header names a proxy_set_header commonly sets; a name is a typo of
// Upgrade or Connection only when neither it nor its nearest real name is
// one of these.
var commonHeaders = []string{
	"Host", "X-Real-IP", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
	"X-Forwarded-Port", "X-Forwarded-Ssl", "X-Forwarded-Prefix", "Forwarded", "X-Scheme",
	"Origin", "Cookie", "Authorization", "Accept", "Accept-Encoding", "Accept-Language",
	"Content-Type", "Content-Length", "User-Agent", "Referer", "Keep-Alive", "Proxy-Connection",
	"Proxy-Authorization", "Upgrade-Insecure-Requests", "TE", "Expect", "Range", "If-Range",
	"If-None-Match", "If-Modified-Since", "X-Request-ID", "X-NginX-Proxy", "Early-Data",
	"Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions",
	"X-Frame-Options", "X-Original-URI", "X-Original-Host", "Via", "Cache-Control", "Pragma",
	"Destination", "Depth", "Overwrite", "Connection-Upgrade",
}

// isTypoOf reports whether s is a near miss of target (case-insensitive):
// within two edits, not equal, at least five characters long, and closer
// to target than to any common header name.
func isTypoOf(s, target string) bool {
	if len(s) < 5 || len(s) > len(target)+2 || len(s) < len(target)-2 || strings.EqualFold(s, target) {
		return false
	}
	d := distance(s, target)
	if d == 0 || d > 2 {
		return false
	}
	n := utf8.RuneCountInString(s) // the common names are ASCII
	for _, h := range commonHeaders {
		if strings.EqualFold(s, h) {
			return false
		}
		// the distance is at least the difference in length
		if diff := n - len(h); diff < d && -diff < d && distance(s, h) < d {
			return false
		}
	}
	return true
}

// hasTypoHeader reports whether a header set misspells a field name.
func hasTypoHeader(hs headerSet, field string) bool {
	for _, h := range hs.List {
		if isTypoOf(h.Name(), field) {
			return true
		}
	}
	return false
}
