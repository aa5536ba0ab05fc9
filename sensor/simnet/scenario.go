package simnet

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/otlake/cloud-telemetry-lake/sensor/campaign"
)

// Scenario is one simulated lab run: the HMI's baseline for Baseline, and, when Attack is
// set, the attack campaign starting AttackAt after Start.
type Scenario struct {
	Start    time.Time
	Baseline time.Duration
	Attack   bool
	AttackAt time.Duration
	// Seed chooses the HMI's setpoints.
	Seed uint64
	// Progress receives the campaign's phase lines, stamped with simulated time.
	Progress io.Writer
}

// Result is the record of one scenario run.
type Result struct {
	Net      *Net
	Operator campaign.OperatorStats
}

// Run simulates the scenario. The HMI runs first and the attacker second, each on its own
// clock; WritePcap interleaves their frames by time.
func (s Scenario) Run(ctx context.Context) (Result, error) {
	n := New(s.Start)
	progress := s.Progress
	if progress == nil {
		progress = io.Discard
	}

	hmiClock := NewClock(s.Start)
	operator := campaign.NewOperator(n.Host(campaign.HMIAddr, hmiClock), hmiClock, s.Seed, nil)
	stats, err := operator.Run(ctx, s.Baseline)
	if err != nil {
		return Result{}, fmt.Errorf("simulate operator: %w", err)
	}
	if stats.Errors > 0 || stats.Exceptions > 0 {
		return Result{}, fmt.Errorf("simulate operator: %d errors and %d exception responses on a healthy plant", stats.Errors, stats.Exceptions)
	}

	if s.Attack {
		attackerClock := NewClock(s.Start.Add(s.AttackAt))
		c := campaign.NewCampaign(n.Host(campaign.AttackerAddr, attackerClock), attackerClock, progress)
		if err := c.Run(ctx); err != nil {
			return Result{}, fmt.Errorf("simulate campaign: %w", err)
		}
	}
	return Result{Net: n, Operator: stats}, nil
}
