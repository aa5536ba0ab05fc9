package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/otlake/cloud-telemetry-lake/sensor/output"
	"github.com/otlake/cloud-telemetry-lake/sensor/pipeline"
)

type options struct {
	pcaps, ifaces []string
	realtime      bool
	policyPath    string
	alertsPath    string
	dropsPath     string
	dropPrefix    string
	sensorName    string
	filterPorts   []uint16
	rotateBytes   int64
	rotateKeep    int
	statsJSON     bool
	statsInterval time.Duration
	maxFlows      int
	logLevel      slog.Level
}

// listFlag collects a repeatable flag's values.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func parseFlags(args []string) (*options, error) {
	o := &options{}
	hostname, _ := os.Hostname()
	fs := flag.NewFlagSet("otsensor", flag.ContinueOnError)
	fs.SetOutput(io.Discard)

	var pcaps, ifaces listFlag
	var ports, level string
	fs.Var(&pcaps, "pcap", "replay this pcap or pcapng file (gzip allowed); more files may follow as arguments")
	fs.Var(&ifaces, "iface", "capture live on this interface with AF_PACKET; more interfaces may follow as arguments")
	fs.BoolVar(&o.realtime, "realtime", false, "replay files at their capture pace instead of as fast as possible")
	fs.StringVar(&o.policyPath, "policy", "", "zone policy file, YAML or JSON (default: no zones, no trusted writers)")
	fs.StringVar(&o.alertsPath, "alerts", "alerts.ndjson", "alerts NDJSON file, or - for standard output")
	fs.StringVar(&o.dropsPath, "drops", "firewall.log", "netfilter LOG lines for forbidden flows, or empty to disable")
	fs.StringVar(&o.dropPrefix, "drop-prefix", output.DefaultDropPrefix, "log prefix of drop lines")
	fs.StringVar(&o.sensorName, "sensor", hostname, "sensor name in alerts and host name in drop lines")
	fs.StringVar(&ports, "ports", "", "capture only TCP/UDP packets with one of these comma-separated ports (kernel BPF when live)")
	fs.Int64Var(&o.rotateBytes, "rotate-bytes", output.DefaultMaxBytes, "rotate an output file when it would grow past this many bytes")
	fs.IntVar(&o.rotateKeep, "rotate-keep", output.DefaultKeep, "rotated files kept per output")
	fs.BoolVar(&o.statsJSON, "stats-json", false, "print counters as JSON instead of text")
	fs.DurationVar(&o.statsInterval, "stats-interval", time.Minute, "print counters this often when live (0 disables); SIGUSR1 prints them at once")
	fs.IntVar(&o.maxFlows, "max-flows", pipeline.DefaultMaxFlows, "most flows tracked at once")
	fs.StringVar(&level, "log-level", "info", "log level: debug, info, warn or error")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(os.Stderr)
			fs.PrintDefaults()
		}
		return nil, err
	}

	// Arguments after the flags are more files or interfaces, whichever mode was chosen.
	switch {
	case len(pcaps) > 0 && len(ifaces) > 0:
		return nil, errors.New("--pcap and --iface exclude each other: replay files or capture live")
	case len(pcaps) > 0:
		o.pcaps = append(pcaps, fs.Args()...)
	case len(ifaces) > 0:
		o.ifaces = append(ifaces, fs.Args()...)
	default:
		return nil, errors.New("nothing to read: give --pcap FILE... or --iface NAME...")
	}
	if o.realtime && len(o.ifaces) > 0 {
		return nil, errors.New("--realtime applies to --pcap replays only")
	}
	if o.sensorName == "" {
		return nil, errors.New("--sensor is empty and the host name is unknown: set --sensor")
	}

	var err error
	if o.filterPorts, err = parsePorts(ports); err != nil {
		return nil, err
	}
	if err := o.logLevel.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("invalid --log-level %q: expected debug, info, warn or error", level)
	}
	return o, nil
}

func parsePorts(list string) ([]uint16, error) {
	if list == "" {
		return nil, nil
	}

	var ports []uint16
	for _, field := range strings.Split(list, ",") {
		port, err := strconv.ParseUint(strings.TrimSpace(field), 10, 16)
		if err != nil || port == 0 {
			return nil, fmt.Errorf("invalid --ports entry %q: expected a port from 1 to 65535", field)
		}
		ports = append(ports, uint16(port))
	}
	return ports, nil
}
