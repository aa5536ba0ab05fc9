// Command otship ships the sensor's alert file and firewall log to the lake's raw store as
// gzip objects under Hive keys, following file rotation and resuming exactly where it left
// off after a restart.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/otlake/cloud-telemetry-lake/sensor/ship"
)

func main() {
	os.Exit(run())
}

func run() int {
	alerts := flag.String("alerts", "", "sensor alert NDJSON `file` to ship under source=ot_sensor")
	firewall := flag.String("firewall", "", "firewall log `file` to ship under source=iptables")
	target := flag.String("target", "", "where objects go: file:///path/to/lake/raw or s3://BUCKET[/prefix] (AWS_ENDPOINT_URL is honoured)")
	host, _ := os.Hostname()
	hostName := flag.String("host", host, "host `name` that starts every object name")
	state := flag.String("state", "otship.state.json", "state `file` with the committed read offsets")
	batchBytes := flag.Int("batch-bytes", ship.DefaultBatchBytes, "uncompressed `bytes` per object at most")
	batchInterval := flag.Duration("batch-interval", ship.DefaultBatchInterval, "ship a batch once its first line is this old")
	poll := flag.Duration("poll", ship.DefaultPollInterval, "how often to look for new lines")
	once := flag.Bool("once", false, "ship what the files hold now, then exit")
	verbose := flag.Bool("v", false, "log every object shipped")
	flag.Parse()

	if *target == "" || (*alerts == "" && *firewall == "") {
		fmt.Fprintln(os.Stderr, "otship: --target and at least one of --alerts and --firewall are required")
		flag.Usage()
		return 2
	}

	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	tgt, err := ship.ParseTarget(ctx, *target)
	if err != nil {
		fmt.Fprintf(os.Stderr, "otship: %v\n", err)
		return 2
	}
	var streams []ship.Stream
	if *alerts != "" {
		streams = append(streams, ship.Stream{Source: "ot_sensor", Path: *alerts})
	}
	if *firewall != "" {
		streams = append(streams, ship.Stream{Source: "iptables", Path: *firewall})
	}

	s, err := ship.New(ship.Config{
		Streams: streams, Target: tgt, Host: *hostName, StatePath: *state,
		BatchBytes: *batchBytes, BatchInterval: *batchInterval, PollInterval: *poll, Log: log,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "otship: %v\n", err)
		return 1
	}

	if *once {
		// A context that is already done makes Run read everything once, flush and return.
		done, cancel := context.WithCancel(ctx)
		cancel()
		ctx = done
	}
	start := time.Now()
	err = s.Run(ctx)
	c := s.Counters
	log.Info("otship stopped", "objects", c.Objects, "lines", c.Lines, "bytes", c.Bytes, "retries", c.Retries, "resent", c.Resent, "elapsed", time.Since(start).Round(time.Millisecond))
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(os.Stderr, "otship: %v\n", err)
		return 1
	}
	return 0
}
