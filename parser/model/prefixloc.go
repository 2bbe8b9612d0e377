package model

// PrefixLocation returns the location nginx picks for uri from the exact
// and prefix locations of server s alone: the result of
// ngx_http_core_find_location when no regex location matches. It follows
// the same static search as FindLocation (an exact "=" match wins, else the
// longest prefix, then its nested locations) and returns nil when no exact
// or prefix location matches. Comparing it with FindLocation tells whether
// a regex location takes the URI away from the prefix that would serve it.
func (s *Block) PrefixLocation(uri string) *Block {
	level := s
	var best *Block
	for {
		found, code := level.findStatic(uri)
		switch code {
		case rcOK, rcDone:
			return found
		case rcAgain:
			best, level = found, found
		default:
			return best
		}
	}
}
