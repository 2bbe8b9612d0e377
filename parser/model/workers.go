package model

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ngxlint/ngxlint/parser"
)

// nginx's connection and descriptor accounting for a worker process
// (src/event/ngx_event.c, src/core/ngx_connection.c):
//
//   - worker_connections (default 512) is the size of a worker's connection
//     table. Every socket takes one entry: a client connection, a connection
//     to a proxied server, each listening socket, and the worker's channel
//     to the master. A proxied request therefore takes two, for as long as it
//     runs (a WebSocket for its whole life). When the table is full nginx
//     logs "worker_connections are not enough" and drops the connection.
//   - every entry is also a file descriptor, and a worker cannot hold more
//     descriptors than its open-files limit: worker_rlimit_nofile when set,
//     else the limit the worker was started with. Files being served, log
//     files and temporary files take descriptors too. At the limit accept()
//     and socket() fail with "Too many open files".
//   - at start (nginx -t too) nginx warns "N worker_connections exceed open
//     file resource limit: M" when worker_connections is above the limit it
//     started with and worker_rlimit_nofile does not raise it to N.
//   - worker_processes (default 1) is the number of workers; each has its
//     own table and its own limit.
const (
	DefaultWorkerConnections = 512
	DefaultWorkerProcesses   = 1
	// TypicalNofile is the soft open-files limit most services start with
	// when nothing raises it (systemd's default, Debian, RHEL).
	TypicalNofile = 1024
	// ConnectionsPerProxied is what a proxied request (or WebSocket) takes
	// of worker_connections and of the descriptors: the client's connection
	// and the one to the proxied server.
	ConnectionsPerProxied = 2
	// ProxyFloor is the number of simultaneous proxied requests per worker
	// below which worker_connections is far below what a proxy needs (an
	// eighth of what the default gives, about 255).
	ProxyFloor = 32
)

// Workers is the worker sizing of a whole configuration (the unit that
// holds events{}).
type Workers struct {
	Events *Block // the events{} level
	// Connections is worker_connections; ConnectionsAt is the directive
	// that sets it (the include that brings it in), nil for the default.
	Connections   int
	ConnectionsAt *parser.Directive
	// RlimitNofile is worker_rlimit_nofile, RlimitAt its directive; 0 and
	// nil when it is not set.
	RlimitNofile int
	RlimitAt     *parser.Directive
	// Processes is worker_processes (0 for auto), ProcessesAt its
	// directive, nil for the default (1).
	Processes   int
	ProcessesAt *parser.Directive
	// Listening is the number of distinct listen addresses: each takes a
	// connection of every worker.
	Listening int

	cfg     *Config
	proxies *Block
	scanned bool
}

// WorkersOf returns the worker sizing of a configuration read from its
// main file (with events{}); false for a fragment, a configuration without
// events{} or one whose numbers nginx would refuse.
func WorkersOf(c *Config) (*Workers, bool) {
	if c.Unit == nil || c.Unit.Context != parser.CtxMain {
		return nil, false
	}
	w := &Workers{cfg: c, Connections: DefaultWorkerConnections, Processes: DefaultWorkerProcesses}
	for _, ch := range c.Main.Children {
		if ch.Dir != nil && ch.Dir.Name == "events" {
			w.Events = ch
		}
	}
	if w.Events == nil {
		return nil, false
	}
	if e, ok := w.Events.Scalar("worker_connections"); ok {
		n, err := strconv.Atoi(e.D.Arg(0))
		if err != nil || n <= 0 {
			return nil, false
		}
		w.Connections, w.ConnectionsAt = n, e.At()
	}
	if e, ok := c.Main.Scalar("worker_rlimit_nofile"); ok {
		n, err := strconv.Atoi(e.D.Arg(0))
		if err != nil || n <= 0 {
			return nil, false
		}
		w.RlimitNofile, w.RlimitAt = n, e.At()
	}
	if e, ok := c.Main.Scalar("worker_processes"); ok {
		if strings.EqualFold(e.D.Arg(0), "auto") {
			w.Processes = 0
		} else if n, err := strconv.Atoi(e.D.Arg(0)); err == nil && n > 0 {
			w.Processes = n
		}
		w.ProcessesAt = e.At()
	}
	w.Listening = listeningSockets(c)
	return w, true
}

// listeningSockets counts the distinct addresses servers listen on. A
// server without listen uses *:80.
func listeningSockets(c *Config) int {
	seen := map[string]bool{}
	for _, s := range c.Servers {
		ls := s.Listens()
		if len(ls) == 0 && !s.Synthetic {
			seen[fmt.Sprintf("*:%d", DefaultListenPort)] = true
		}
		for _, l := range ls {
			seen[l.D.Arg(0)] = true
		}
	}
	if len(seen) == 0 {
		return 1
	}
	return len(seen)
}

// Reserved is the part of worker_connections no request can use: the
// listening sockets and the channel to the master.
func (w *Workers) Reserved() int { return w.Listening + 1 }

// ProxiedRoom is how many proxied requests (or WebSockets) a worker can
// run at once within worker_connections.
func (w *Workers) ProxiedRoom() int {
	n := (w.Connections - w.Reserved()) / ConnectionsPerProxied
	if n < 0 {
		return 0
	}
	return n
}

// Proxies returns a location that hands requests to a proxied server
// (proxy_pass, fastcgi_pass...), or nil.
func (w *Workers) Proxies() *Block {
	if !w.scanned {
		w.scanned = true
		for _, l := range w.cfg.Locations {
			if _, ok := l.Handler(); ok {
				w.proxies = l
				break
			}
		}
	}
	return w.proxies
}

// TooFewForProxy reports whether the configuration proxies and
// worker_connections leaves room for fewer than ProxyFloor proxied
// requests per worker.
func (w *Workers) TooFewForProxy() bool {
	return w.ProxiedRoom() < ProxyFloor && w.Proxies() != nil
}

// RlimitBelow reports whether worker_rlimit_nofile is set below
// worker_connections: the worker runs out of descriptors before it fills
// its connection table.
func (w *Workers) RlimitBelow() bool {
	return w.RlimitAt != nil && w.RlimitNofile < w.Connections
}

// SoftLimitBelow reports whether worker_connections is written above
// TypicalNofile and no worker_rlimit_nofile raises the limit: where the
// service starts with that limit, nginx warns and the worker runs out of
// descriptors first.
func (w *Workers) SoftLimitBelow() bool {
	return w.RlimitAt == nil && w.ConnectionsAt != nil && w.Connections > TypicalNofile
}

// ProcessesNote describes what worker_processes makes of a per-worker
// figure, for messages: "per worker; worker_processes is 1 by default, so
// that is the whole server's".
func (w *Workers) ProcessesNote() string {
	switch {
	case w.ProcessesAt == nil:
		return "worker_processes is 1 by default, so that is the whole server's"
	case w.Processes == 0:
		return "worker_processes auto runs one worker per CPU core, each with its own table"
	case w.Processes == 1:
		return "worker_processes 1 makes that the whole server's"
	}
	return fmt.Sprintf("worker_processes %d gives the server about %d times that", w.Processes, w.Processes)
}

// ReservedNote describes Reserved for messages: "the 2 listening sockets
// and the channel to the master take 3".
func (w *Workers) ReservedNote() string {
	s := "s"
	if w.Listening == 1 {
		s = ""
	}
	return fmt.Sprintf("the %d listening socket%s and the channel to the master take %d", w.Listening, s, w.Reserved())
}
