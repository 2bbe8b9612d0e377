package websocket

import (
	"math/rand"
	"regexp"
	"sync"
	"testing"
)

// strongWSSegmentRE is what strongWSSegment stands for.
var strongWSSegmentRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)(^|[/^(|_.-])(ws|wss|websockets?|sockets?|socket\.io|sockjs)([/$)|_.?-]|$)`)
})

func sameStrongWSSegment(t *testing.T, path string) {
	t.Helper()
	if got, want := strongWSSegment(path), strongWSSegmentRE().MatchString(path); got != want {
		t.Errorf("strongWSSegment(%q) = %v, the regexp %v", path, got, want)
	}
}

func TestStrongWSSegmentAsRegexp(t *testing.T) {
	for _, p := range []string{
		"", "/ws/", "/ws", "ws", "/WS/", "/wss/", "/websocket", "/websockets/", "/socket.io/", "/sockjs/", "/sockets",
		"^/ws/(.*)$", "~ ^/(ws|api)/", "/api/", "/news/", "/wsx/", "/my_ws", "/my-ws-", "(ws)", "|ws|", ".ws.", "/ws?",
		"/socket.iox", "/socketio", "/socket.Io/", "/ſocket/", "/ſoc\u212aet.io", "/\u212aws", "/wſ", "/w\xffs", "\xff/ws",
		"/soc", "/socket.", "/websocketss", "$ws", "/ws$", "/ws)", "/ws.", "/ws-", "/ws_", "/ws|",
	} {
		sameStrongWSSegment(t, p)
	}
	if !strongWSSegment("/ws/") || strongWSSegment("/news/") {
		t.Error("strongWSSegment does not tell /ws/ from /news/")
	}
	words := []string{"ws", "wss", "websocket", "websockets", "socket", "sockets", "socket.io", "sockjs", "sock", "WS", "ſ", "\u212a", "x"}
	seps := []string{"/", "^", "(", "|", "_", ".", "-", "$", ")", "?", "a", "é", ""}
	rng := rand.New(rand.NewSource(14))
	for i := 0; i < 100000; i++ {
		var p string
		for n := rng.Intn(5); n >= 0; n-- {
			p += seps[rng.Intn(len(seps))] + words[rng.Intn(len(words))]
		}
		p += seps[rng.Intn(len(seps))]
		sameStrongWSSegment(t, p)
	}
}

func FuzzStrongWSSegment(f *testing.F) {
	for _, s := range []string{"/ws/", "/ſocket.io", "/news/", "^/(ws|api)$"} {
		f.Add(s)
	}
	f.Fuzz(sameStrongWSSegment)
}
