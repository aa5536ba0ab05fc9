// Command plcsim is the lab's PLC: a Modbus/TCP server on unit 1 with a simulated water
// tank behind its registers (see the register map in sensor/plant and lab/README.md).
// It only listens; it never opens a connection. Run plcsim -h for its flags.
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

	"github.com/simonvetter/modbus"

	"github.com/otlake/cloud-telemetry-lake/sensor/plant"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run serves until SIGINT or SIGTERM and returns the exit code: 0 after a signal, 1 when
// the server failed, 2 for invalid flags.
func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("plcsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "172.21.0.10:502", "TCP `address` to serve Modbus on")
	status := fs.Duration("status-interval", 5*time.Second, "log the process values this often (0 disables)")
	idle := fs.Duration("idle-timeout", time.Minute, "close a client connection idle this long")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "plcsim: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))

	// The server logs through the standard logger interface; route it to slog at debug
	// level, because it reports every client that connects or disconnects.
	tank := plant.New(time.Now, log)
	server, err := modbus.NewServer(&modbus.ServerConfiguration{
		URL:        "tcp://" + *listen,
		Timeout:    *idle,
		MaxClients: 16,
		Logger:     slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}, tank)
	if err != nil {
		fmt.Fprintf(stderr, "plcsim: create server %q: %v\n", *listen, err)
		return 2
	}
	if err := server.Start(); err != nil {
		fmt.Fprintf(stderr, "plcsim: listen %q: %v\n", *listen, err)
		return 1
	}
	log.Info("plc serving", "address", *listen, "unit", plant.UnitID)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	logStatus(ctx, tank, *status, log)

	if err := server.Stop(); err != nil {
		log.Error("stop server", "error", err)
		return 1
	}
	log.Info("plc stopped")
	return 0
}

// logStatus logs the process values every interval until ctx ends.
func logStatus(ctx context.Context, tank *plant.Plant, interval time.Duration, log *slog.Logger) {
	if interval <= 0 {
		<-ctx.Done()
		return
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()

	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			s := tank.Snapshot()
			log.Info("process", "level_mm", int(s.Level), "pump_rpm", int(s.PumpSpeed),
				"setpoint_rpm", s.Setpoint, "valve_pct", s.ValvePosition,
				"inflow_lpm", int(s.Inflow), "outflow_lpm", int(s.Outflow), "high_alarm", s.HighAlarm)
		}
	}
}
