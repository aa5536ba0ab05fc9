package main

import (
	"context"
	"fmt"
	"io"
	"os/signal"
	"syscall"
	"time"

	"github.com/otlake/cloud-telemetry-lake/internal/locallake"
	"github.com/otlake/cloud-telemetry-lake/internal/rawobject"
)

func runWatch(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("watch", "[--lake DIR] [--interval D] [--once]", stderr)
	lakeDir := fs.String("lake", locallake.DefaultDir, "lake `folder`")
	interval := fs.Duration("interval", locallake.DefaultPollInterval, "how often to look for new objects under raw/")
	once := fs.Bool("once", false, "process what is under raw/ now, then exit")
	verbose := fs.Bool("v", false, "log each object as it is processed")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if *interval <= 0 {
		return fmt.Errorf("%w: invalid --interval %s: want a positive duration", errUsage, *interval)
	}

	lake, err := locallake.Open(*lakeDir)
	if err != nil {
		return err
	}
	defer lake.Close()

	w := &locallake.Watcher{
		Ingester: &locallake.Ingester{Lake: lake, Limits: rawobject.Limits{}, Log: newLogger(stderr, *verbose)},
		Interval: *interval,
		OnRound:  func(sum *locallake.Summary) { printRound(stdout, sum) },
	}

	if *once {
		_, err := w.Round(context.Background())
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stdout, "watching %s every %s; Ctrl-C stops\n", lake.Path(locallake.RawDir, ""), *interval)
	return w.Run(ctx)
}

// printRound writes one line per object and one per incident, for a log a person follows.
func printRound(w io.Writer, sum *locallake.Summary) {
	stamp := time.Now().UTC().Format("15:04:05")
	for _, o := range sum.Objects {
		switch {
		case o.Err != nil:
			fmt.Fprintf(w, "%s FAILED    %s: %v\n", stamp, o.Key, o.Err)
		case o.Unchanged:
		default:
			r := o.Result
			fmt.Fprintf(w, "%s processed %s: %d records, %d bad, %d detections (%d new)\n",
				stamp, o.Key, r.Records, r.BadLines, len(r.Detections), len(r.NewDetections))
		}
	}
	for _, inc := range sum.Incidents {
		if inc.Created {
			fmt.Fprintf(w, "%s incident  %s: %s\n", stamp, inc.ReportURI, inc.Subject)
		}
	}
}
