package plant

import (
	"log/slog"
	"math"
	"sync"
	"time"
)

// stepDuration is the integration step of the process model.
const stepDuration = 100 * time.Millisecond

// maxCatchUp bounds how much process time one request integrates, so a clock jump (or a
// PLC idle for days) costs at most maxCatchUp/stepDuration steps. The tank settles within
// minutes, so a longer gap ends in the same state.
const maxCatchUp = 10 * time.Minute

// State is a snapshot of the process values.
type State struct {
	Setpoint      uint16  // pump speed setpoint, rpm
	ValvePosition uint16  // outlet valve opening, percent
	HighLimit     uint16  // high-level alarm limit, mm
	PumpRun       bool    // pump run command
	Level         float64 // tank level, mm
	PumpSpeed     float64 // actual pump speed, rpm
	Inflow        float64 // l/min
	Outflow       float64 // l/min
	HighAlarm     bool
	LowAlarm      bool
}

// Plant is the simulated PLC and its tank. It is safe for concurrent use.
type Plant struct {
	mu    sync.Mutex
	now   func() time.Time
	last  time.Time
	state State
	log   *slog.Logger
}

// New returns a plant in its initial steady state at the time now returns. now is the
// process clock: time.Now for a live PLC, a simulated clock for a capture.
func New(now func() time.Time, log *slog.Logger) *Plant {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &Plant{now: now, last: now(), log: log}
	p.state = State{
		Setpoint:      initialSetpoint,
		ValvePosition: initialValve,
		HighLimit:     initialLimit,
		PumpRun:       true,
		Level:         initialLevelMM,
		PumpSpeed:     initialSetpoint,
	}
	p.state.Inflow, p.state.Outflow = flows(p.state)
	return p
}

// Snapshot advances the process to now and returns its values.
func (p *Plant) Snapshot() State {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advanceLocked()
	return p.state
}

// advanceLocked integrates the process from the last update to now. A clock that went
// backwards (two simulated actors with their own clocks) leaves the state as it is.
func (p *Plant) advanceLocked() {
	now := p.now()
	elapsed := now.Sub(p.last)
	if elapsed < stepDuration {
		return
	}
	p.last = now
	elapsed = min(elapsed, maxCatchUp)

	for ; elapsed >= stepDuration; elapsed -= stepDuration {
		p.step(stepDuration.Seconds())
	}
}

// step moves the process dt seconds forward.
func (p *Plant) step(dt float64) {
	s := &p.state

	// The pump ramps towards its setpoint, or down to zero when stopped.
	target := 0.0
	if s.PumpRun {
		target = float64(s.Setpoint)
	}
	ramp := pumpRampRPM * dt
	switch {
	case s.PumpSpeed < target:
		s.PumpSpeed = math.Min(target, s.PumpSpeed+ramp)
	case s.PumpSpeed > target:
		s.PumpSpeed = math.Max(target, s.PumpSpeed-ramp)
	}

	// Level: inflow minus outflow over the cross-section, clamped to the tank.
	s.Inflow, s.Outflow = flows(*s)
	s.Level += (s.Inflow - s.Outflow) / 60 * dt / litresPerMM
	s.Level = math.Max(0, math.Min(TankHeightMM, s.Level))

	// Alarms, logged on each change.
	high := s.Level >= float64(s.HighLimit)
	low := s.Level <= LowLevelMM
	if high != s.HighAlarm {
		p.log.Warn("high-level alarm", "active", high, "level_mm", int(s.Level), "limit_mm", s.HighLimit)
	}
	if low != s.LowAlarm {
		p.log.Warn("low-level alarm", "active", low, "level_mm", int(s.Level))
	}
	s.HighAlarm, s.LowAlarm = high, low
}

// flows returns the inflow and outflow in l/min for the state's pump speed, valve and level.
func flows(s State) (inflow, outflow float64) {
	inflow = s.PumpSpeed * pumpLitresPerRev
	outflow = valveFullFlow * float64(s.ValvePosition) / 100 * math.Sqrt(s.Level/TankHeightMM)
	return inflow, outflow
}
