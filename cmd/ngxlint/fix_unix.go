//go:build unix

package main

import (
	"os"
	"os/signal"
	"syscall"
)

// keepOwner gives the new file the owner and group of the old one, when
// the process may (root editing a file owned by www-data).
func keepOwner(f *os.File, st os.FileInfo) {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		_ = f.Chown(int(s.Uid), int(s.Gid))
	}
}

// onSignal runs cleanup when SIGINT or SIGTERM arrives, then ends the
// process with that signal, as it would have ended without the handler.
// The returned function removes the handler.
func onSignal(cleanup func()) (stop func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			cleanup()
			signal.Reset(sig)
			_ = syscall.Kill(os.Getpid(), sig.(syscall.Signal))
			select {} // the signal ends the process
		case <-done:
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}
