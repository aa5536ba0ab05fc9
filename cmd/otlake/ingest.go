package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/otlake/cloud-telemetry-lake/internal/locallake"
	"github.com/otlake/cloud-telemetry-lake/internal/rawobject"
)

func runIngest(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("ingest", "[--lake DIR] [--source NAME] PATH...", stderr)
	lakeDir := fs.String("lake", locallake.DefaultDir, "lake `folder`")
	source := fs.String("source", "", "source= partition (ot_sensor, iptables, malcolm) for files whose path has none; sniffed from the first records when empty")
	maxBytes := fs.Int64("max-object-bytes", rawobject.DefaultMaxDecompressed, "maximum decompressed `bytes` of one object")
	maxLine := fs.Int("max-line-bytes", rawobject.DefaultMaxLine, "maximum `bytes` of one line; longer lines are quarantined")
	verbose := fs.Bool("v", false, "log each object as it is processed")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: no PATH given", errUsage)
	}

	lake, err := locallake.Open(*lakeDir)
	if err != nil {
		return err
	}
	defer lake.Close()

	in := &locallake.Ingester{
		Lake:   lake,
		Limits: rawobject.Limits{MaxDecompressed: *maxBytes, MaxLine: *maxLine},
		Log:    newLogger(stderr, *verbose),
	}
	sum, err := in.Ingest(context.Background(), fs.Args(), *source)
	if sum != nil {
		printSummary(stdout, lake, sum)
	}
	if err != nil {
		return err
	}
	if n := sum.Failed(); n > 0 {
		return fmt.Errorf("%d of %d objects could not be processed", n, len(sum.Objects))
	}
	return nil
}

func newLogger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// printSummary writes what an ingest round did, for a person reading a terminal.
func printSummary(w io.Writer, lake *locallake.Lake, sum *locallake.Summary) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	defer tw.Flush()

	type sourceFormat struct{ source, format string }
	records := map[sourceFormat]int{}
	correlators := map[string]int{}
	var bad []string
	badTotal, processed, unchanged := 0, 0, 0

	fmt.Fprintf(tw, "objects (%d):\n", len(sum.Objects))
	for _, o := range sum.Objects {
		switch {
		case o.Err != nil:
			fmt.Fprintf(tw, "  FAILED\t%s\t%v\n", nameOf(o), o.Err)
		case o.Unchanged:
			unchanged++
			fmt.Fprintf(tw, "  unchanged\t%s\t\n", o.Key)
		default:
			processed++
			r := o.Result
			fmt.Fprintf(tw, "  processed\t%s\t%d lines, %d records, %d bad\n", o.Key, r.Lines, r.Records, r.BadLines)
			for f, n := range r.ByFormat {
				records[sourceFormat{r.Source, string(f)}] += n
			}
			for _, d := range r.Detections {
				correlators[d.IncidentCorrelator]++
			}
			badTotal += r.BadLines
			for _, b := range r.FirstBad {
				bad = append(bad, fmt.Sprintf("  %s line %d: %s: %s", b.Key, b.Line, b.Reason, b.Error))
			}
		}
	}
	fmt.Fprintf(tw, "\nprocessed %d, unchanged %d, failed %d\n", processed, unchanged, sum.Failed())

	if len(records) > 0 {
		fmt.Fprintln(tw, "\nrecords by source and format:")
		keys := slices.Collect(maps.Keys(records))
		sort.Slice(keys, func(i, j int) bool {
			if keys[i].source != keys[j].source {
				return keys[i].source < keys[j].source
			}
			return keys[i].format < keys[j].format
		})
		for _, k := range keys {
			fmt.Fprintf(tw, "  %s\t%s\t%d\n", k.source, k.format, records[k])
		}
	}

	if badTotal > 0 {
		fmt.Fprintf(tw, "\nbad lines: %d (kept under %s/errors/)\n", badTotal, locallake.StagedDir)
		const shown = 5
		for _, line := range bad[:min(shown, len(bad))] {
			fmt.Fprintln(tw, truncate(line, 200))
		}
	}

	if len(correlators) > 0 {
		fmt.Fprintln(tw, "\ndetections by incident_correlator:")
		for _, c := range slices.Sorted(maps.Keys(correlators)) {
			fmt.Fprintf(tw, "  %s\t%d\n", c, correlators[c])
		}
	}

	if len(sum.Incidents) == 0 {
		if processed > 0 {
			fmt.Fprintln(tw, "\nno new detections: no incident report or alert")
		}
		return
	}
	fmt.Fprintf(tw, "\nincidents (%d, one per incident_correlator):\n", len(sum.Incidents))
	for _, inc := range sum.Incidents {
		if inc.Created {
			fmt.Fprintf(tw, "  %s\n    report: %s\n", inc.Subject, inc.ReportURI)
		} else {
			fmt.Fprintf(tw, "  report already written, no new alert: %s\n", inc.ReportURI)
		}
	}
}

func nameOf(o locallake.ObjectOutcome) string {
	if o.Key != "" {
		return o.Key
	}
	return o.Path
}

func truncate(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
