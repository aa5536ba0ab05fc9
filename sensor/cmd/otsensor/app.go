package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/otlake/cloud-telemetry-lake/sensor/capture"
	"github.com/otlake/cloud-telemetry-lake/sensor/output"
	"github.com/otlake/cloud-telemetry-lake/sensor/pipeline"
	"github.com/otlake/cloud-telemetry-lake/sensor/policy"
)

// flushEvery is how often live capture flushes the output files, so that a shipper
// reading them gets alerts within about a second.
const flushEvery = time.Second

type app struct {
	opts     *options
	sensor   *pipeline.Sensor
	alerts   *output.RotatingFile // nil when alerts go to standard output
	drops    *output.RotatingFile
	statsOut io.Writer
}

func newApp(opts *options) (*app, error) {
	pol := policy.Default()
	if opts.policyPath != "" {
		var err error
		if pol, err = policy.Load(opts.policyPath); err != nil {
			return nil, err
		}
	}

	a := &app{opts: opts, statsOut: os.Stdout}
	cfg := pipeline.Config{
		Name:        opts.sensorName,
		Policy:      pol,
		DropPrefix:  opts.dropPrefix,
		FilterPorts: opts.filterPorts,
		MaxFlows:    opts.maxFlows,
	}

	// Outputs: alerts to a rotating file or standard output, drop lines to a rotating file.
	if opts.alertsPath == "-" {
		cfg.Alerts = output.NewAlertWriter(output.StreamLines{W: os.Stdout})
		a.statsOut = os.Stderr
	} else {
		file, err := output.OpenRotating(opts.alertsPath, opts.rotateBytes, opts.rotateKeep)
		if err != nil {
			return nil, err
		}
		a.alerts = file
		cfg.Alerts = output.NewAlertWriter(file)
	}
	if opts.dropsPath != "" {
		file, err := output.OpenRotating(opts.dropsPath, opts.rotateBytes, opts.rotateKeep)
		if err != nil {
			a.close()
			return nil, err
		}
		a.drops = file
		cfg.Drops = file
	}

	a.sensor = pipeline.New(cfg)
	return a, nil
}

func (a *app) run(ctx context.Context) error {
	// SIGUSR1 prints the counters at once; the counters are atomic, so any goroutine may.
	usr1 := make(chan os.Signal, 1)
	signal.Notify(usr1, syscall.SIGUSR1)
	defer signal.Stop(usr1)

	if len(a.opts.pcaps) > 0 {
		done := make(chan struct{})
		defer close(done)
		go func() {
			for {
				select {
				case <-usr1:
					a.printStats()
				case <-done:
					return
				}
			}
		}()
		return a.replay(ctx)
	}
	return a.live(ctx, usr1)
}

func (a *app) replay(ctx context.Context) error {
	var pacer *capture.Pacer
	if a.opts.realtime {
		pacer = &capture.Pacer{}
	}

	for _, path := range a.opts.pcaps {
		slog.Info("replay capture", "file", path, "realtime", a.opts.realtime)
		err := a.sensor.ReplayFile(ctx, path, pacer)
		if ctx.Err() != nil {
			slog.Info("replay stopped by signal", "file", path)
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (a *app) live(ctx context.Context, usr1 <-chan os.Signal) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// One goroutine per interface feeds the single packet loop below.
	frames := make(chan capture.Frame, 4096)
	errs := make(chan error, len(a.opts.ifaces))
	var sources []*capture.Live
	var wg sync.WaitGroup
	for _, name := range a.opts.ifaces {
		src, err := capture.OpenLive(name, a.opts.filterPorts)
		if err != nil {
			cancel()
			wg.Wait()
			return err
		}
		sources = append(sources, src)
		slog.Info("capture started", "interface", name)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := src.Run(ctx, frames); err != nil {
				errs <- err
			}
		}()
	}
	defer wg.Wait()

	flush := time.NewTicker(flushEvery)
	defer flush.Stop()
	var statsTick <-chan time.Time
	if a.opts.statsInterval > 0 {
		ticker := time.NewTicker(a.opts.statsInterval)
		defer ticker.Stop()
		statsTick = ticker.C
	}

	for {
		select {
		case frame := <-frames:
			a.sensor.HandleFrame(frame)
		case <-flush.C:
			a.flushOutputs()
		case <-statsTick:
			a.collectKernelDrops(sources)
			a.printStats()
		case <-usr1:
			a.collectKernelDrops(sources)
			a.printStats()
		case err := <-errs:
			cancel()
			return err
		case <-ctx.Done():
			slog.Info("capture stopped by signal")
			return nil
		}
	}
}

func (a *app) collectKernelDrops(sources []*capture.Live) {
	for _, src := range sources {
		a.sensor.Counters().KernelDrops.Add(src.KernelDrops())
	}
}

func (a *app) flushOutputs() {
	for _, file := range []*output.RotatingFile{a.alerts, a.drops} {
		if file == nil {
			continue
		}
		if err := file.Flush(); err != nil {
			a.sensor.Counters().OutputErrors.Add(1)
			slog.Error("flush output", "error", err)
		}
	}
}

// close emits pending alert updates, closes the outputs and prints the final counters.
func (a *app) close() error {
	var errs []error
	if a.sensor != nil {
		a.sensor.Flush()
	}
	for _, file := range []*output.RotatingFile{a.alerts, a.drops} {
		if file != nil {
			errs = append(errs, file.Close())
		}
	}
	if a.sensor != nil {
		a.printStats()
	}
	return errors.Join(errs...)
}

func (a *app) printStats() {
	snapshot := a.sensor.Counters().Snapshot()
	var err error
	if a.opts.statsJSON {
		err = snapshot.WriteJSON(a.statsOut)
	} else {
		err = snapshot.WriteText(a.statsOut)
	}
	if err != nil {
		slog.Warn("print counters", "error", fmt.Errorf("write: %w", err))
	}
}
