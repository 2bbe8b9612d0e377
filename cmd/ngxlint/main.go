// Command ngxlint lints nginx configurations for what breaks WebSocket
// proxying, fixes it, and prints a correct location block on demand.
package main

import "os"

func main() {
	tuneGC = true
	os.Exit(Run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
