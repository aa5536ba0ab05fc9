// Command attacksim runs the lab's attack campaign against the PLC in four phases:
// reconnaissance, a direct connection attempt the gateway drops, an unauthorized setpoint
// write through the gateway's Modbus port forward, and an unsafe setpoint write.
//
// Live, it sends only from the lab attacker's address inside the lab's network namespace
// (see --lab-marker) and refuses to run anywhere else. With --pcap it opens no socket: it
// simulates the campaign and the HMI's baseline and writes them as a capture file for
// otsensor --pcap. Run attacksim -h for its flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/otlake/cloud-telemetry-lake/sensor/campaign"
	"github.com/otlake/cloud-telemetry-lake/sensor/simnet"
)

type options struct {
	marker   string
	pcap     string
	baseline time.Duration
	attackAt time.Duration
	noAttack bool
	start    time.Time
	seed     uint64
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run returns the exit code: 0 when every phase ran, 1 when one failed or the lab check
// refused, 2 for invalid flags.
func run(args []string, stdout, stderr io.Writer) int {
	opts, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "attacksim: %v\n", err)
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	if opts.pcap != "" {
		err = writeCapture(ctx, opts, stdout)
	} else {
		err = attackLive(ctx, opts, stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "attacksim: %v\n", err)
		return 1
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	var start string
	fs := flag.NewFlagSet("attacksim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.marker, "lab-marker", "", "lab marker `file` written by lab/netns; required to send live")
	fs.StringVar(&o.pcap, "pcap", "", "write a simulated capture to this `file` instead of sending; no socket is opened")
	fs.DurationVar(&o.baseline, "baseline", 20*time.Second, "with --pcap: how long the simulated HMI polls")
	fs.DurationVar(&o.attackAt, "attack-at", 5*time.Second, "with --pcap: when the campaign starts after the first HMI poll")
	fs.BoolVar(&o.noAttack, "no-attack", false, "with --pcap: record the HMI baseline only")
	fs.StringVar(&start, "start", "", "with --pcap: simulated start `time` (RFC 3339; default now)")
	fs.Uint64Var(&o.seed, "seed", 1, "with --pcap: seed of the simulated HMI's setpoints")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}

	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.pcap == "" && o.marker == "":
		return nil, errors.New("missing --lab-marker: live runs need the marker of a running lab (or use --pcap FILE)")
	case o.pcap != "" && o.marker != "":
		return nil, errors.New("--pcap and --lab-marker exclude each other: simulate or send live")
	case o.baseline <= 0 || o.attackAt < 0:
		return nil, errors.New("--baseline must be positive and --attack-at not negative")
	}

	o.start = time.Now().UTC()
	if start != "" {
		t, err := time.Parse(time.RFC3339Nano, start)
		if err != nil {
			return nil, fmt.Errorf("invalid --start %q: expected an RFC 3339 time", start)
		}
		o.start = t.UTC()
	}
	return o, nil
}

// attackLive checks the lab, then runs the campaign from the attacker's address.
func attackLive(ctx context.Context, opts *options, stdout io.Writer) error {
	guard := campaign.Guard{Self: campaign.AttackerAddr, Marker: opts.marker, Role: "attacker"}
	if err := guard.Check(); err != nil {
		return fmt.Errorf("refusing to send: %w", err)
	}

	net := campaign.LiveNetwork{Source: campaign.AttackerAddr}
	return campaign.NewCampaign(net, campaign.WallClock{}, stdout).Run(ctx)
}

// writeCapture simulates the baseline and the campaign and writes the capture file.
func writeCapture(ctx context.Context, opts *options, stdout io.Writer) error {
	scenario := simnet.Scenario{
		Start:    opts.start,
		Baseline: opts.baseline,
		Attack:   !opts.noAttack,
		AttackAt: opts.attackAt,
		Seed:     opts.seed,
		Progress: stdout,
	}
	result, err := scenario.Run(ctx)
	if err != nil {
		return err
	}

	f, err := os.Create(opts.pcap)
	if err != nil {
		return fmt.Errorf("create capture: %w", err)
	}
	if err := result.Net.WritePcap(f); err != nil {
		f.Close()
		return fmt.Errorf("write capture %q: %w", opts.pcap, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write capture %q: %w", opts.pcap, err)
	}
	fmt.Fprintf(stdout, "wrote %s: %d frames, HMI %d polls and %d setpoint writes\n",
		opts.pcap, result.Net.PacketCount(), result.Operator.Polls, result.Operator.Writes)
	return nil
}
