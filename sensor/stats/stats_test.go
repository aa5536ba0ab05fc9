package stats

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSnapshotCounts(t *testing.T) {
	c := New()
	c.Packets.Add(10)
	c.Bytes.Add(640)
	c.ADUs[3].Add(4)
	c.ADUs[16].Add(1)
	c.DecodeErrors[ErrProtocolID].Add(2)
	c.CountAlert("OT_BRUTE_FORCE_SCAN")
	c.CountAlert("NOT_A_RULE")

	s := c.Snapshot()

	assert.Equal(t, uint64(10), s.Packets)
	assert.Equal(t, uint64(5), s.ADUs)
	assert.Equal(t, map[string]uint64{"3": 4, "16": 1}, s.ADUsByFunction)
	assert.Equal(t, uint64(2), s.DecodeErrors["protocol_id"])
	assert.Equal(t, uint64(0), s.DecodeErrors["stream_gap"], "every kind is listed, zero or not")
	assert.Equal(t, uint64(1), s.Alerts["OT_BRUTE_FORCE_SCAN"])
	assert.Len(t, s.Alerts, 4)
}

func TestSnapshotJSON(t *testing.T) {
	c := New()
	c.ADUs[1].Add(2)
	var buf bytes.Buffer

	require.NoError(t, c.Snapshot().WriteJSON(&buf))

	var decoded map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &decoded))
	assert.Equal(t, map[string]any{"1": float64(2)}, decoded["adus_by_function"])
	assert.Contains(t, decoded, "decode_errors")
	assert.Contains(t, decoded, "flows")
}

func TestSnapshotText(t *testing.T) {
	c := New()
	c.ADUs[16].Add(1)
	c.ADUs[3].Add(7)
	var buf bytes.Buffer

	require.NoError(t, c.Snapshot().WriteText(&buf))

	assert.Contains(t, buf.String(), "modbus adus 8 by function {3=7 16=1}")
	assert.Contains(t, buf.String(), "decode errors {frame=0 length=0 pdu=0 protocol_id=0 stream_gap=0}")
}
