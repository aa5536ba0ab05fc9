package campaign

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/otlake/cloud-telemetry-lake/sensor/plant"
)

// Operator setpoint range: the HMI writes pump speeds well inside the safe range.
const (
	operatorMinRPM = 800
	operatorMaxRPM = 1400
)

// Operator is the trusted HMI: it polls the PLC's process values every Poll and writes an
// in-range pump setpoint every WriteEvery polls. This is the benign baseline on which the
// sensor must stay quiet.
type Operator struct {
	Net        Network
	Clock      Clock
	PLC        netip.AddrPort
	Poll       time.Duration
	WriteEvery int
	Rand       *rand.Rand
	Log        *slog.Logger
}

// OperatorStats counts what an Operator run did.
type OperatorStats struct {
	Polls      int // completed poll cycles
	Writes     int // setpoint writes the PLC accepted
	Exceptions int // exception responses, zero on a healthy plant
	Errors     int // failed connections and exchanges, each followed by a reconnect
}

// NewOperator returns the lab's HMI: a poll every second and a write every 10 polls.
func NewOperator(net Network, clock Clock, seed uint64, log *slog.Logger) *Operator {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Operator{
		Net:        net,
		Clock:      clock,
		PLC:        netip.AddrPortFrom(PLCAddr, ModbusPort),
		Poll:       time.Second,
		WriteEvery: 10,
		Rand:       rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		Log:        log,
	}
}

// Run polls until ctx ends or, when duration is positive, until duration has passed on
// the operator's clock. It reconnects after an error and returns ctx's error only when
// ctx ended.
func (o *Operator) Run(ctx context.Context, duration time.Duration) (OperatorStats, error) {
	var stats OperatorStats
	var session Session
	defer func() {
		if session != nil {
			session.Close()
		}
	}()
	end := o.Clock.Now().Add(duration)

	for cycle := 1; duration <= 0 || o.Clock.Now().Before(end); cycle++ {
		next := o.Clock.Now().Add(o.Poll)

		// Connect when there is no session, then one poll cycle and maybe one write.
		var err error
		if session == nil {
			session, err = o.Net.Dial(ctx, o.PLC, o.Poll)
		}
		if err == nil {
			err = o.cycle(ctx, session, cycle, &stats)
		}
		if err != nil {
			if ctx.Err() != nil {
				return stats, ctx.Err()
			}
			stats.Errors++
			o.Log.Warn("poll failed, reconnecting", "plc", o.PLC, "error", err)
			if session != nil {
				session.Close()
				session = nil
			}
		}

		// Wait for the next cycle, or end cleanly.
		if err := o.Clock.Sleep(ctx, max(0, next.Sub(o.Clock.Now()))); err != nil {
			return stats, err
		}
	}
	return stats, nil
}

// pollRequests are the reads of one poll: the measured values, the setpoints, the pump
// run coil and the alarm inputs.
var pollRequests = [][]byte{
	ReadPDU(FuncReadInputRegisters, plant.RegLevel, 4),
	ReadPDU(FuncReadHoldingRegisters, plant.RegPumpSetpoint, 3),
	ReadPDU(FuncReadCoils, plant.CoilPumpRun, 1),
	ReadPDU(FuncReadDiscreteInputs, plant.InputHighLevel, 2),
}

func (o *Operator) cycle(ctx context.Context, s Session, cycle int, stats *OperatorStats) error {
	for _, pdu := range pollRequests {
		resp, err := s.Exchange(ctx, plant.UnitID, pdu)
		if err != nil {
			return err
		}
		if IsException(resp) {
			stats.Exceptions++
			o.Log.Warn("exception response", "function", pdu[0], "code", ExceptionCode(resp))
		}
	}
	stats.Polls++

	if o.WriteEvery <= 0 || cycle%o.WriteEvery != 0 {
		return nil
	}
	rpm := uint16(operatorMinRPM + o.Rand.IntN(operatorMaxRPM-operatorMinRPM+1))
	resp, err := s.Exchange(ctx, plant.UnitID, WriteRegisterPDU(plant.RegPumpSetpoint, rpm))
	if err != nil {
		return err
	}
	if IsException(resp) {
		stats.Exceptions++
		return errors.New("pump setpoint write drew an exception response")
	}
	stats.Writes++
	o.Log.Info("setpoint written", "pump_speed_setpoint_rpm", rpm)
	return nil
}
