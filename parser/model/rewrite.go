package model

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
)

// Redirect is a rewrite-module directive that answers a request with a
// redirect (3xx and a Location header).
type Redirect struct {
	Entry  Entry  // the return or rewrite directive
	Status int    // 301, 302, 303, 307 or 308
	Target string // the URL of a return, the replacement of a rewrite, as nginx reads it
	// If is the if block the directive is written in, nil when it runs for
	// every request that reaches it.
	If *Block
}

// RewriteWalk is what the rewrite directives of one level do to a request.
type RewriteWalk struct {
	// Redirect is the redirect that answers every request for the URI, nil
	// when none does.
	Redirect *Redirect
	// Conditional are redirects inside if blocks met before the phase
	// ended: they answer the request only when the condition holds.
	Conditional []Redirect
	// Returned is a return with a code other than a redirect: it answers
	// the request, and nothing after it runs.
	Returned *Entry
	// Ended is the directive that stopped the phase without answering:
	// break, or a rewrite with the flag last or break. URI is then the
	// URI the request goes on with; after "rewrite ... last" nginx searches
	// the locations again (Last is set).
	Ended *Entry
	Last  bool
	// URI is the request URI after the rewrites the walk followed: a
	// rewrite without a flag changes it and the walk goes on.
	URI string
	// Unknown is set when the walk cannot go on: a rewrite regex that
	// nginx would test uses PCRE syntax Go lacks, or a rewrite builds the
	// new URI from variables the model does not know.
	Unknown error
}

// IsRedirectStatus reports whether a return code is one nginx answers with
// a Location header: 301, 302, 303, 307 or 308.
func IsRedirectStatus(code int) bool {
	switch code {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

// isAbsoluteTarget mirrors the test ngx_http_rewrite and
// ngx_http_rewrite_return make on a URL or replacement: it starts with
// "http://", "https://" or "$scheme".
func isAbsoluteTarget(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "$scheme")
}

// RewritePhase runs the rewrite-module directives written at level b for a
// request to uri, in order, the way ngx_http_rewrite_handler runs the codes
// nginx compiled from them (ngx_http_rewrite_module.c):
//
//   - at server level they form the server rewrite phase, which runs for
//     every request before the location is searched; at location level they
//     run for the requests the location serves. Neither is inherited: a
//     location runs only its own (ngx_http_rewrite_merge_loc_conf never
//     copies the parent's codes);
//   - "return CODE [URL]" ends the request; with 301, 302, 303, 307 or 308,
//     or a lone URL starting with http://, https:// or $scheme (302), it is
//     a redirect;
//   - "rewrite REGEX REPLACEMENT [FLAG]" applies when REGEX matches the
//     current URI; it redirects with the flag redirect (302) or permanent
//     (301), or when the replacement starts with http://, https:// or
//     $scheme (302); the flags last and break stop the phase with the new
//     URI; without a flag the walk goes on with the new URI, when the model
//     can build it (a replacement of literal text and $1..$9 captures);
//   - "break" stops the phase;
//   - the body of an "if" runs only when its condition holds, which the
//     model does not evaluate: redirects in it are reported as conditional
//     and the walk goes on as if the condition were false.
func (b *Block) RewritePhase(uri string) RewriteWalk {
	w := RewriteWalk{URI: uri}
	if len(b.Own("if")) == 0 && len(b.Own("return")) == 0 && len(b.Own("rewrite")) == 0 && len(b.Own("break")) == 0 {
		return w // nothing to run: a server with thousands of locations and no rewrites costs nothing per URI
	}
	for _, e := range b.Directives {
		switch e.D.Name {
		case "if":
			if body := b.childFor(e.D); body != nil {
				w.Conditional = append(w.Conditional, body.conditionalRedirects(w.URI)...)
			}
		case "return":
			if r, ok := returnRedirect(e); ok {
				w.Redirect = &r
				return w
			}
			ended := e
			w.Returned = &ended
			return w
		case "rewrite":
			r, matched, err := rewriteRedirect(b.Config(), e, w.URI)
			if err != nil {
				w.Unknown = err
				return w
			}
			if !matched {
				continue
			}
			if r != nil {
				w.Redirect = r
				return w
			}
			next, err := rewriteURI(b.Config(), e.D, w.URI)
			if err != nil {
				w.Unknown = err
				return w
			}
			w.URI = next
			switch e.D.Arg(2) {
			case "last", "break":
				ended := e
				w.Ended, w.Last = &ended, e.D.Arg(2) == "last"
				return w
			}
		case "break":
			ended := e
			w.Ended = &ended
			return w
		}
	}
	return w
}

// rewriteURI builds the URI a matching rewrite without redirect produces:
// the replacement with $1..$9 replaced by the captures, without the
// arguments after '?'. Other variables make it unknown.
func rewriteURI(c *Config, d *parser.Directive, uri string) (string, error) {
	re, err := c.rewriteRegexp(d)
	if err != nil {
		return "", err
	}
	m := re.FindStringSubmatchIndex(uri)
	if m == nil {
		return uri, nil
	}
	repl := d.Args[1].Value
	var sb strings.Builder
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c == '?' {
			break
		}
		if c != '$' {
			sb.WriteByte(c)
			continue
		}
		if i+1 < len(repl) && repl[i+1] >= '1' && repl[i+1] <= '9' {
			n := int(repl[i+1] - '0')
			if 2*n+1 < len(m) && m[2*n] >= 0 {
				sb.WriteString(uri[m[2*n]:m[2*n+1]])
			}
			i++
			continue
		}
		return "", fmt.Errorf("rewrite %s %s: the new URI depends on variables", d.Args[0].Value, repl)
	}
	return sb.String(), nil
}

// conditionalRedirects walks the body of an if block for uri and returns the
// redirect it would answer with when its condition holds.
func (b *Block) conditionalRedirects(uri string) []Redirect {
	for _, e := range b.Directives {
		switch e.D.Name {
		case "return":
			if r, ok := returnRedirect(e); ok {
				r.If = b
				return []Redirect{r}
			}
			return nil
		case "rewrite":
			r, matched, err := rewriteRedirect(b.Config(), e, uri)
			if err != nil || !matched {
				continue
			}
			if r != nil {
				r.If = b
				return []Redirect{*r}
			}
			return nil
		case "break":
			return nil
		}
	}
	return nil
}

// childFor returns the child level opened by directive d.
func (b *Block) childFor(d *parser.Directive) *Block {
	for _, c := range b.Children {
		if c.Dir == d {
			return c
		}
	}
	return nil
}

// returnRedirect reads "return CODE [TEXT]" or "return URL".
func returnRedirect(e Entry) (Redirect, bool) {
	d := e.D
	if len(d.Args) == 0 {
		return Redirect{}, false
	}
	code, err := strconv.Atoi(d.Args[0].Value)
	if err != nil {
		if len(d.Args) == 1 && isAbsoluteTarget(d.Args[0].Value) {
			return Redirect{Entry: e, Status: 302, Target: d.Args[0].Value}, true
		}
		return Redirect{}, false
	}
	if !IsRedirectStatus(code) {
		return Redirect{}, false
	}
	return Redirect{Entry: e, Status: code, Target: d.Arg(1)}, true
}

// rewriteRedirect reads "rewrite REGEX REPLACEMENT [FLAG]" for uri: whether
// the regex matches, and the redirect when the rewrite answers with one.
func rewriteRedirect(c *Config, e Entry, uri string) (*Redirect, bool, error) {
	d := e.D
	if len(d.Args) < 2 {
		return nil, false, nil
	}
	re, err := c.rewriteRegexp(d)
	if err != nil {
		return nil, false, err
	}
	if !re.MatchString(uri) {
		return nil, false, nil
	}
	repl := d.Args[1].Value
	status := 0
	if isAbsoluteTarget(repl) {
		status = 302
	}
	switch d.Arg(2) {
	case "redirect":
		status = 302
	case "permanent":
		status = 301
	}
	if status == 0 {
		return nil, true, nil
	}
	return &Redirect{Entry: e, Status: status, Target: repl}, true, nil
}

// compiled is a rewrite's regex, compiled once per model.
type compiled struct {
	re  *regexp.Regexp
	err error
}

// rewriteRegexp returns the compiled regex of a rewrite directive,
// compiling it on first use (safe for concurrent use); a nil model
// compiles every time.
func (c *Config) rewriteRegexp(d *parser.Directive) (*regexp.Regexp, error) {
	if c == nil {
		return regexp.Compile(d.Args[0].Value)
	}
	c.mu.Lock()
	r, ok := c.rewriteRe[d]
	c.mu.Unlock()
	if ok {
		return r.re, r.err
	}
	re, err := regexp.Compile(d.Args[0].Value)
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.rewriteRe[d]; ok {
		return r.re, r.err // compiled meanwhile: share it
	}
	if c.rewriteRe == nil {
		c.rewriteRe = map[*parser.Directive]compiled{}
	}
	c.rewriteRe[d] = compiled{re, err}
	return re, err
}
