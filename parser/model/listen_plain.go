package model

// ServesPlainHTTP reports whether server s accepts requests without TLS: one
// of its listen directives has neither the ssl nor the quic parameter, or it
// has no listen directive at all (nginx then listens on *:80, or *:8000
// when not started as root). "ssl on;" in the server or http level (nginx
// before 1.25.1) makes every listen TLS. known is false for the server
// around a fragment, whose listen directives the model cannot see.
func (s *Block) ServesPlainHTTP() (plain, known bool) {
	if s.Synthetic {
		return false, false
	}
	if e, ok := s.Scalar("ssl"); ok && e.D.Arg(0) == "on" {
		return false, true
	}
	listens := s.Own("listen")
	if len(listens) == 0 {
		return true, true
	}
	for _, e := range listens {
		tls := false
		for _, a := range e.D.Args[min(1, len(e.D.Args)):] {
			if a.Value == "ssl" || a.Value == "quic" {
				tls = true
			}
		}
		if !tls {
			return true, true
		}
	}
	return false, true
}
