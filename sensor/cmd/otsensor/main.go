// Command otsensor is a Modbus/TCP intrusion detection sensor for OT networks. It replays
// capture files or captures live, and writes alerts as NDJSON and netfilter LOG lines for
// flows the zone policy forbids. Run otsensor -h for its flags.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// run parses the flags, runs the sensor, and returns the exit code: 0 on success, 1 when
// the run failed, 2 for invalid flags or policy.
func run(args []string) int {
	opts, err := parseFlags(args)
	if err != nil {
		fmt.Fprintf(os.Stderr, "otsensor: %v\n", err)
		return 2
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: opts.logLevel})))

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	app, err := newApp(opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "otsensor: %v\n", err)
		return 2
	}

	runErr := app.run(ctx)
	closeErr := app.close()
	if runErr != nil {
		slog.Error("sensor stopped", "error", runErr)
		return 1
	}
	if closeErr != nil {
		slog.Error("close outputs", "error", closeErr)
		return 1
	}
	return 0
}
