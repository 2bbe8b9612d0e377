//go:build !unix

package main

import (
	"os"
	"os/signal"
)

// keepOwner does nothing where files have no unix owner.
func keepOwner(*os.File, os.FileInfo) {}

// onSignal runs cleanup on an interrupt, then exits.
func onSignal(cleanup func()) (stop func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			cleanup()
			os.Exit(130)
		case <-done:
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}
