// Command hmisim is the lab's trusted operator station: it polls the PLC every second and
// now and then writes an in-range pump speed setpoint. It sends only from the HMI's lab
// address inside the lab's network namespace (see --lab-marker) and refuses to run
// anywhere else. Run hmisim -h for its flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/otlake/cloud-telemetry-lake/sensor/campaign"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run polls until the duration ends or a signal arrives and returns the exit code: 0
// then, 1 when the lab check refused, 2 for invalid flags.
func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("hmisim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	marker := fs.String("lab-marker", "", "lab marker `file` written by lab/netns (required)")
	duration := fs.Duration("duration", 0, "stop after this long (0 runs until SIGINT or SIGTERM)")
	poll := fs.Duration("poll", time.Second, "poll interval")
	writeEvery := fs.Int("write-every", 10, "write a pump setpoint every this many polls (0 never writes)")
	seed := fs.Uint64("seed", uint64(time.Now().UnixNano()), "seed of the setpoint choice")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "hmisim: unexpected argument %q\n", fs.Arg(0))
		return 2
	case *marker == "":
		fmt.Fprintln(stderr, "hmisim: missing --lab-marker: hmisim runs only inside a lab started by lab/netns")
		return 2
	case *poll <= 0 || *writeEvery < 0:
		fmt.Fprintln(stderr, "hmisim: --poll must be positive and --write-every not negative")
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))

	guard := campaign.Guard{Self: campaign.HMIAddr, Marker: *marker, Role: "hmi"}
	if err := guard.Check(); err != nil {
		fmt.Fprintf(stderr, "hmisim: refusing to send: %v\n", err)
		return 1
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	operator := campaign.NewOperator(campaign.LiveNetwork{Source: campaign.HMIAddr}, campaign.WallClock{}, *seed, log)
	operator.Poll, operator.WriteEvery = *poll, *writeEvery
	log.Info("hmi polling", "plc", operator.PLC, "poll", *poll, "write_every", *writeEvery)
	stats, err := operator.Run(ctx, *duration)
	log.Info("hmi stopped", "polls", stats.Polls, "writes", stats.Writes, "exceptions", stats.Exceptions, "errors", stats.Errors)
	if err != nil && !errors.Is(err, context.Canceled) {
		return 1
	}
	return 0
}
