package websocket

import (
	"strings"

	"github.com/ngxlint/ngxlint/parser/model"
	"github.com/ngxlint/ngxlint/rules"
)

// ProxyLocation is a location whose requests proxy_pass forwards.
type ProxyLocation struct {
	Block   *model.Block // the location (or the snippet linted as one)
	Handler model.Entry  // the proxy_pass (in the location or an if/limit_except inside it)
}

// ProxyLocations lists the locations served by proxy_pass: their own, one
// inside an if or limit_except block, or, for a snippet linted as a
// location, the snippet itself when it holds proxy directives (it is meant
// to be included where proxy_pass is).
func ProxyLocations(cfg *model.Config) []ProxyLocation {
	var out []ProxyLocation
	for _, b := range cfg.Locations {
		if b.Kind != model.Location {
			continue
		}
		if h, ok := proxyHandler(b); ok {
			out = append(out, ProxyLocation{Block: b, Handler: h})
			continue
		}
		if b.Synthetic {
			for _, e := range b.Directives {
				if strings.HasPrefix(e.D.Name, "proxy_") {
					out = append(out, ProxyLocation{Block: b})
					break
				}
			}
		}
	}
	return out
}

func proxyHandler(b *model.Block) (model.Entry, bool) {
	if h, ok := b.Handler(); ok {
		if h.D.Name == "proxy_pass" {
			return h, true
		}
		return model.Entry{}, false
	}
	for _, c := range b.Children {
		if c.Kind == model.If || c.Kind == model.LimitExcept {
			if h, ok := proxyHandler(c); ok {
				return h, true
			}
		}
	}
	return model.Entry{}, false
}

// Anchor is where a finding about a level is shown: the directive that opens
// it, or for a snippet linted as a location its first directive.
func Anchor(b *model.Block) rules.Span {
	if b.Dir != nil {
		return rules.DirectiveSpan(b.Dir)
	}
	for _, e := range b.Directives {
		return rules.DirectiveSpan(e.At())
	}
	return rules.Span{}
}

// levelName names a level for messages: "server", "location /ws/", or
// "http level" for the top of a conf.d fragment.
func levelName(b *model.Block) string {
	if b.Synthetic && b.Kind == model.HTTP {
		return "the http level"
	}
	return b.Name()
}

// becauseBy formats, for a message, the evidence that gives the severity
// of table t.
func becauseBy(in Intent, t SeverityTable) string {
	if r := in.ReasonBy(t); r != "" {
		return " (" + r + ")"
	}
	return ""
}

// because formats intent evidence for a message.
func because(in Intent) string {
	if r := in.Reason(); r != "" {
		return " (" + r + ")"
	}
	return ""
}
