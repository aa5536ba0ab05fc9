package plant

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// simClock is a settable clock for the plant.
type simClock struct{ now time.Time }

func (c *simClock) Now() time.Time { return c.now }

func newTestPlant() (*Plant, *simClock) {
	clock := &simClock{now: t0}
	return New(clock.Now, nil), clock
}

func TestServe(t *testing.T) {
	tests := []struct {
		name string
		unit uint8
		pdu  []byte
		want []byte
	}{
		{"read setpoints", 1, []byte{3, 0, 0, 0, 3}, []byte{3, 6, 0x03, 0xE8, 0, 50, 0x07, 0x08}},
		{"read one setpoint", 1, []byte{3, 0, 1, 0, 1}, []byte{3, 2, 0, 50}},
		{"read pump coil", 1, []byte{1, 0, 0, 0, 1}, []byte{1, 1, 1}},
		{"read alarm inputs", 1, []byte{2, 0, 0, 0, 2}, []byte{2, 1, 0}},
		{"read level", 1, []byte{4, 0, 0, 0, 1}, []byte{4, 2, 0x04, 0xB0}},
		{"write setpoint echoes", 1, []byte{6, 0, 0, 0x04, 0xB0}, []byte{6, 0, 0, 0x04, 0xB0}},
		{"write multiple echoes header", 1, []byte{16, 0, 1, 0, 2, 4, 0, 60, 0x07, 0x08}, []byte{16, 0, 1, 0, 2}},
		{"stop pump coil", 1, []byte{5, 0, 0, 0, 0}, []byte{5, 0, 0, 0, 0}},
		{"other unit", 7, []byte{3, 0, 0, 0, 1}, []byte{0x83, ExceptionGatewayNoResponse}},
		{"register past the map", 1, []byte{3, 0, 3, 0, 1}, []byte{0x83, ExceptionIllegalDataAddress}},
		{"range across the end", 1, []byte{4, 0, 2, 0, 3}, []byte{0x84, ExceptionIllegalDataAddress}},
		{"quantity zero closes", 1, []byte{3, 0, 0, 0, 0}, nil},
		{"quantity over 125 closes", 1, []byte{3, 0, 0, 0, 126}, nil},
		{"short read closes", 1, []byte{3, 0, 0}, nil},
		{"setpoint above rated speed", 1, []byte{6, 0, 0, 0x0B, 0xB9}, []byte{0x86, ExceptionIllegalDataValue}},
		{"valve above 100", 1, []byte{6, 0, 1, 0, 101}, []byte{0x86, ExceptionIllegalDataValue}},
		{"invalid coil value closes", 1, []byte{5, 0, 0, 0x12, 0x34}, nil},
		{"byte count mismatch closes", 1, []byte{16, 0, 0, 0, 2, 3, 0, 1, 0}, nil},
		{"write coils", 1, []byte{15, 0, 0, 0, 1, 1, 0}, []byte{15, 0, 0, 0, 1}},
		{"write coils past the map", 1, []byte{15, 0, 0, 0, 2, 1, 3}, []byte{0x8F, ExceptionIllegalDataAddress}},
		{"device identification", 1, []byte{43, 14, 1, 0}, []byte{0xAB, ExceptionIllegalFunction}},
		{"empty pdu closes", 1, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := newTestPlant()
			got := p.Serve("172.21.0.20", tt.unit, tt.pdu)
			assert.Equal(t, tt.want, got, "Serve(unit %d, % x)", tt.unit, tt.pdu)
		})
	}
}

func TestWritesChangeState(t *testing.T) {
	p, _ := newTestPlant()

	require.Equal(t, []byte{6, 0, 0, 0x0B, 0x54}, p.Serve("172.21.0.2", 1, []byte{6, 0, 0, 0x0B, 0x54}))
	assert.Equal(t, uint16(2900), p.Snapshot().Setpoint, "setpoint after an unsafe but valid write")

	require.Equal(t, []byte{0x86, ExceptionIllegalDataValue}, p.Serve("172.21.0.2", 1, []byte{6, 0, 0, 0x0B, 0xB9}))
	assert.Equal(t, uint16(2900), p.Snapshot().Setpoint, "setpoint after a rejected write")

	require.Equal(t, []byte{16, 0, 1, 0, 2}, p.Serve("172.21.0.20", 1, []byte{16, 0, 1, 0, 2, 4, 0, 30, 0x07, 0x08}))
	s := p.Snapshot()
	assert.Equal(t, uint16(30), s.ValvePosition, "valve")
	assert.Equal(t, uint16(1800), s.HighLimit, "high-level limit")
}

func TestProcess(t *testing.T) {
	tests := []struct {
		name      string
		setpoint  uint16
		valve     uint16
		pumpRun   bool
		after     time.Duration
		wantLevel func(level float64) bool
		wantHigh  bool
		wantLow   bool
	}{
		{"steady state stays near 1280 mm", 1000, 50, true, 10 * time.Minute,
			func(l float64) bool { return l > 1200 && l < 1350 }, false, false},
		{"unsafe speed overflows the tank", 2900, 50, true, 20 * time.Minute,
			func(l float64) bool { return l == TankHeightMM }, true, false},
		{"stopped pump drains the tank", 1000, 100, false, 30 * time.Minute,
			func(l float64) bool { return l <= LowLevelMM }, false, true},
		{"closed valve and stopped pump hold the level", 1000, 0, false, time.Minute,
			func(l float64) bool { return l == initialLevelMM }, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, clock := newTestPlant()
			p.state.Setpoint, p.state.ValvePosition, p.state.PumpRun = tt.setpoint, tt.valve, tt.pumpRun
			if !tt.pumpRun {
				p.state.PumpSpeed = 0
			}

			// Advance in poll-sized steps, as the HMI's reads would.
			for end := t0.Add(tt.after); clock.now.Before(end); {
				clock.now = clock.now.Add(time.Second)
				p.Snapshot()
			}
			s := p.Snapshot()
			assert.True(t, tt.wantLevel(s.Level), "level %.1f mm", s.Level)
			assert.Equal(t, tt.wantHigh, s.HighAlarm, "high-level alarm at %.1f mm", s.Level)
			assert.Equal(t, tt.wantLow, s.LowAlarm, "low-level alarm at %.1f mm", s.Level)
		})
	}
}

func TestClockJumps(t *testing.T) {
	tests := []struct {
		name string
		jump time.Duration
	}{
		{"backwards leaves the state", -time.Hour},
		{"a year is bounded", 365 * 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, clock := newTestPlant()
			before := p.Snapshot()
			clock.now = clock.now.Add(tt.jump)

			start := time.Now()
			after := p.Snapshot()
			assert.Less(t, time.Since(start), time.Second, "one catch-up step is bounded by maxCatchUp")
			if tt.jump < 0 {
				assert.Equal(t, before, after)
			} else {
				// The level moves from 1200 mm towards its equilibrium near 1280 mm.
				assert.Greater(t, after.Level, before.Level, "level after a long gap")
				assert.Less(t, after.Level, 1290.0, "level after a long gap")
			}
		})
	}
}

func FuzzServe(f *testing.F) {
	f.Add(uint8(1), []byte{3, 0, 0, 0, 3})
	f.Add(uint8(1), []byte{6, 0, 0, 0x0B, 0x54})
	f.Add(uint8(1), []byte{16, 0, 1, 0, 2, 4, 0, 30, 0x07, 0x08})
	f.Add(uint8(1), []byte{5, 0, 0, 0xFF, 0})
	f.Add(uint8(9), []byte{1, 0, 0, 0x07, 0xD0})
	f.Add(uint8(1), []byte{43, 14, 1, 0})

	f.Fuzz(func(t *testing.T, unit uint8, pdu []byte) {
		p, _ := newTestPlant()
		resp := p.Serve("172.24.0.10", unit, pdu)

		// Every response is nil (the server closes), a data response, or a two-byte
		// exception with the request's function.
		if resp == nil {
			return
		}
		require.NotEmpty(t, pdu)
		if resp[0]&0x80 != 0 {
			require.Len(t, resp, 2)
			require.Equal(t, pdu[0]|0x80, resp[0])
			return
		}
		require.Equal(t, pdu[0], resp[0])
		require.LessOrEqual(t, len(resp), maxPDU)

		// Whatever was accepted, the state stays inside the registers' valid ranges.
		s := p.Snapshot()
		require.LessOrEqual(t, s.Setpoint, uint16(MaxPumpRPM))
		require.LessOrEqual(t, s.ValvePosition, uint16(100))
		require.LessOrEqual(t, s.HighLimit, uint16(TankHeightMM))
	})
}

// maxPDU is the largest PDU (Modbus Application Protocol v1.1b3, section 4.1).
const maxPDU = 253

func BenchmarkServe(b *testing.B) {
	p, clock := newTestPlant()
	reads := [][]byte{{4, 0, 0, 0, 4}, {3, 0, 0, 0, 3}, {1, 0, 0, 0, 1}, {2, 0, 0, 0, 2}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		clock.now = clock.now.Add(250 * time.Millisecond)
		p.Serve("172.21.0.20", 1, reads[i%len(reads)])
	}
}
