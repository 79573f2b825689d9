// Command kexie is the information system of a federation of science and
// technology associations: one binary for the server and its tools.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/kexie/kexie/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}
