package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
	"github.com/otlake/cloud-telemetry-lake/internal/locallake"
)

func runDetections(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("detections", "[--lake DIR] [--severity S] [--host H] [--since T]", stderr)
	lakeDir := fs.String("lake", locallake.DefaultDir, "lake `folder`")
	severity := fs.String("severity", "", "only this `severity`, exactly: CRITICAL, HIGH, MEDIUM or LOW")
	host := fs.String("host", "", "only detections whose affected asset is this `address`")
	since := fs.String("since", "", "only detections at or after this `time`: RFC 3339, a YYYY-MM-DD date, or a duration such as 24h back from now")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}

	filter := locallake.Filter{Severity: strings.ToUpper(*severity), Host: *host}
	switch filter.Severity {
	case "", detection.SeverityCritical, detection.SeverityHigh, detection.SeverityMedium, detection.SeverityLow:
	default:
		return fmt.Errorf("%w: invalid --severity %q: want CRITICAL, HIGH, MEDIUM or LOW", errUsage, *severity)
	}
	if *since != "" {
		t, err := parseSince(*since, time.Now())
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		filter.Since = t
	}

	lake, err := locallake.OpenExisting(*lakeDir)
	if err != nil {
		return err
	}
	defer lake.Close()

	dets, err := lake.Detections(context.Background(), filter)
	if err != nil {
		return err
	}

	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DETECTED_AT\tSEVERITY\tINCIDENT_CORRELATOR\tHOST\tSOURCE_IP\tTECHNIQUES\tDETECTION_ID")
	for _, d := range dets {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.DetectedAtString(), d.Severity, d.IncidentCorrelator,
			d.Host, orDash(d.SrcIP), orDash(strings.Join(d.Techniques, ",")), d.DetectionID)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d detection(s)\n", len(dets))
	return nil
}

// parseSince accepts an RFC 3339 time, a date, or a duration back from now.
func parseSince(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("invalid --since %q: want an RFC 3339 time, a YYYY-MM-DD date or a duration such as 24h", s)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
