package rules

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/sensor/modbus"
	"github.com/otlake/cloud-telemetry-lake/sensor/output"
	"github.com/otlake/cloud-telemetry-lake/sensor/policy"
)

func writeRequest(t *testing.T, e *Engine, f *Flow, at time.Duration) {
	t.Helper()

	pdu := []byte{modbus.FuncWriteSingleRegister, 0, 4, 0, 9}
	adu := &modbus.ADU{TransactionID: 1, UnitID: 1, PDU: pdu}
	req, err := modbus.ParseRequest(pdu, make([]uint16, modbus.MaxValues))
	require.NoError(t, err)
	e.Request(f, adu, &req, int64(at))
}

func TestEngineDeduplicatesPerWindow(t *testing.T) {
	var emitted []output.Alert
	e := New(policy.Default(), "s", func(a *output.Alert) { emitted = append(emitted, *a) })
	f := &Flow{Client: netip.MustParseAddr("192.0.2.1"), Server: netip.MustParseAddr("192.0.2.2"),
		ClientPort: 40000, ServerPort: 502, Proto: "tcp"}

	// Writes at 0, 10, 50 and 70 s: the first emits, the next two fold, and the fourth
	// comes a window (60 s) after the emission, so it re-emits with count 4.
	for _, at := range []time.Duration{0, 10 * time.Second, 50 * time.Second, 70 * time.Second} {
		e.Advance(int64(at))
		writeRequest(t, e, f, at)
	}
	require.Len(t, emitted, 2)
	assert.Equal(t, 1, emitted[0].Count)
	assert.Equal(t, 4, emitted[1].Count)
	assert.Equal(t, time.Unix(0, 0).UTC(), time.Time(emitted[1].FirstSeen).UTC())
	assert.Equal(t, time.Unix(70, 0).UTC(), time.Time(emitted[1].LastSeen).UTC())

	// One more write, then more than a window of quiet: the idle alert emits its last
	// count once and closes, so the next write opens a new alert.
	writeRequest(t, e, f, 80*time.Second)
	e.Advance(int64(200 * time.Second))
	require.Len(t, emitted, 3)
	assert.Equal(t, 5, emitted[2].Count)
	assert.Equal(t, time.Unix(80, 0).UTC(), time.Time(emitted[2].Timestamp).UTC(), "stamped with its last event")

	writeRequest(t, e, f, 201*time.Second)
	require.Len(t, emitted, 4)
	assert.Equal(t, 1, emitted[3].Count)
	assert.Equal(t, time.Unix(201, 0).UTC(), time.Time(emitted[3].FirstSeen).UTC())

	// Flush emits only alerts whose count grew since their last emission.
	e.Flush()
	assert.Len(t, emitted, 4)
}

func TestEngineEmittedAlertIsACopy(t *testing.T) {
	var emitted []*output.Alert
	e := New(policy.Default(), "s", func(a *output.Alert) { emitted = append(emitted, a) })
	f := &Flow{Client: netip.MustParseAddr("192.0.2.1"), Server: netip.MustParseAddr("192.0.2.2"), ServerPort: 502, Proto: "tcp"}

	writeRequest(t, e, f, 0)
	writeRequest(t, e, f, time.Second)
	e.Flush()

	require.Len(t, emitted, 2)
	assert.Equal(t, 1, emitted[0].Count, "a written alert does not change later")
	assert.Equal(t, []string{TechUnauthorizedCommand, TechModifyParameter}, emitted[0].Techniques)
	assert.Equal(t, 2, emitted[1].Count)
}

func TestEngineClosesAfterIdleWindow(t *testing.T) {
	var emitted []output.Alert
	e := New(policy.Default(), "s", func(a *output.Alert) { emitted = append(emitted, *a) })
	f := &Flow{Client: netip.MustParseAddr("192.0.2.1"), Server: netip.MustParseAddr("192.0.2.2"), ServerPort: 502, Proto: "tcp"}

	// Writes at 0 and 10 s, then one 60 s later: a full window without events ends the
	// first alert (last update with count 2) before the third write opens a new one.
	for _, at := range []time.Duration{0, 10 * time.Second, 70 * time.Second} {
		e.Advance(int64(at))
		writeRequest(t, e, f, at)
	}

	require.Len(t, emitted, 3)
	assert.Equal(t, []int{1, 2, 1}, []int{emitted[0].Count, emitted[1].Count, emitted[2].Count})
}
