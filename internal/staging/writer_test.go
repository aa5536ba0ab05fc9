package staging

import (
	"bytes"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func ptr[T any](v T) *T { return &v }

func sampleRecords() []telemetry.Record {
	ingest := time.Date(2024, 5, 1, 10, 2, 39, 0, time.UTC)
	return []telemetry.Record{
		{
			Format:    telemetry.FormatNetfilter,
			EventTime: time.Date(2024, 5, 1, 10, 2, 38, 0, time.UTC),
			Host:      "fw-01",
			EventType: "firewall",
			SrcIP:     netip.MustParseAddr("198.51.100.7"),
			DstIP:     netip.MustParseAddr("192.0.2.10"),
			SrcPort:   ptr(uint16(40000)),
			DstPort:   ptr(uint16(502)),
			Protocol:  "TCP",
			Action:    "DROP",
			Netfilter: &telemetry.Netfilter{Prefix: "OT-DROP:", In: "eth1", Out: ptr("eth0")},
			Raw:       "May  1 10:02:38 fw-01 kernel: OT-DROP: IN=eth1 OUT=eth0 ...",
		},
		{
			Format:     telemetry.FormatSensorAlert,
			EventTime:  time.Date(2024, 5, 1, 10, 2, 37, 123_456_789, time.UTC),
			IngestTime: &ingest,
			Host:       "gw-01",
			EventType:  "alert",
			SrcIP:      netip.MustParseAddr("2001:db8::1"),
			DstIP:      netip.MustParseAddr("192.0.2.10"),
			SrcPort:    ptr(uint16(40001)),
			DstPort:    ptr(uint16(502)),
			Protocol:   "TCP",
			Alert: &telemetry.Alert{
				Rule: "UNAUTHORIZED_MODBUS_WRITE", Severity: "HIGH", Techniques: []string{"T0836", "T0855"},
				Count: 3, Message: "write from untrusted client",
			},
			Modbus: &telemetry.Modbus{UnitID: ptr(1), Function: ptr(6), Address: ptr(1)},
			Raw:    `{"rule":"UNAUTHORIZED_MODBUS_WRITE"}`,
		},
		{
			Format:         telemetry.FormatEVE,
			EventTime:      time.Date(2024, 5, 1, 0, 0, 9, 0, time.UTC),
			TimeAssumedUTC: true,
			EventType:      "anomaly",
			Raw:            `{"event_type":"anomaly"}`,
		},
	}
}

func encodeSample(t *testing.T) []byte {
	t.Helper()

	var rows []Row
	for i, rec := range sampleRecords() {
		rows = append(rows, FromRecord(&rec, "source=x/date=2024-05-01/a.json", i+1))
	}
	data, err := Encode(rows)
	require.NoError(t, err)
	return data
}

// describeSchema renders each schema element's physical, logical and repetition type.
func describeSchema(md *format.FileMetaData) string {
	var b strings.Builder
	for _, el := range md.Schema[1:] {
		phys := "group"
		if typ, ok := el.Type.Get(); ok {
			phys = typ.String()
		}
		rep := "-"
		if r, ok := el.RepetitionType.Get(); ok {
			rep = r.String()
		}
		logical := "-"
		if el.LogicalType.Value != nil {
			logical = el.LogicalType.String()
		}
		fmt.Fprintf(&b, "%s %s %s %s\n", el.Name, phys, rep, logical)
	}
	return b.String()
}

func TestEncodeFooter(t *testing.T) {
	data := encodeSample(t)
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	md := f.Metadata()

	// The whole schema is a golden file so any change to a column's type shows in review.
	got := describeSchema(md)
	golden := filepath.Join("testdata", "schema.golden")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), got)

	byName := map[string]format.SchemaElement{}
	for _, el := range md.Schema[1:] {
		byName[el.Name] = el
	}

	t.Run("event_time is INT64 TIMESTAMP(MILLIS, UTC)", func(t *testing.T) {
		el := byName["event_time"]
		typ, _ := el.Type.Get()
		assert.Equal(t, format.Int64, typ)
		ts, ok := el.LogicalType.Value.(*format.TimestampType)
		require.True(t, ok, "logical type %v", el.LogicalType)
		assert.True(t, ts.IsAdjustedToUTC)
		assert.Equal(t, "MILLIS", ts.Unit.String())
		rep, _ := el.RepetitionType.Get()
		assert.Equal(t, format.Required, rep)
	})

	t.Run("optional columns are OPTIONAL", func(t *testing.T) {
		for _, name := range []string{"src_ip", "dst_port", "rule", "signature_id", "modbus_function", "ingest_time"} {
			rep, _ := byName[name].RepetitionType.Get()
			assert.Equal(t, format.Optional, rep, name)
		}
	})

	t.Run("strings are UTF8", func(t *testing.T) {
		_, ok := byName["raw"].LogicalType.Value.(*format.StringType)
		assert.True(t, ok)
	})

	t.Run("no partition columns inside the file", func(t *testing.T) {
		assert.NotContains(t, byName, "date")
		assert.NotContains(t, byName, "source")
	})

	t.Run("every chunk is snappy", func(t *testing.T) {
		require.NotEmpty(t, md.RowGroups)
		for _, rg := range md.RowGroups {
			for _, cc := range rg.Columns {
				assert.Equal(t, format.Snappy, cc.MetaData.Codec, strings.Join(cc.MetaData.PathInSchema, "."))
			}
		}
	})
}

func TestEncodeRoundTrip(t *testing.T) {
	rows, err := Decode(encodeSample(t))
	require.NoError(t, err)
	require.Len(t, rows, 3)

	// Sorted by event time: the EVE anomaly at 00:00:09 first, the netfilter drop last.
	assert.Equal(t, "eve", rows[0].Format)
	assert.Equal(t, "sensor_alert", rows[1].Format)
	assert.Equal(t, "netfilter", rows[2].Format)

	eve, alert, drop := rows[0], rows[1], rows[2]

	t.Run("nulls stay null", func(t *testing.T) {
		assert.Nil(t, eve.SrcPort)
		assert.Nil(t, drop.SignatureID)
		assert.Nil(t, eve.Techniques)
		assert.True(t, eve.TimeAssumedUTC)

		// Read the string columns through pointers, which tell NULL from "".
		type probe struct {
			SrcIP          *string `parquet:"src_ip,optional"`
			HostIdentifier *string `parquet:"host_identifier,optional"`
			Rule           *string `parquet:"rule,optional"`
			Protocol       *string `parquet:"protocol,optional"`
		}
		data := encodeSample(t)
		probes, err := parquet.Read[probe](bytes.NewReader(data), int64(len(data)))
		require.NoError(t, err)
		require.Len(t, probes, 3)
		assert.Nil(t, probes[0].SrcIP)
		assert.Nil(t, probes[0].HostIdentifier)
		assert.Nil(t, probes[0].Rule)
		assert.Nil(t, probes[0].Protocol)
		require.NotNil(t, probes[1].Rule)
		assert.Equal(t, "UNAUTHORIZED_MODBUS_WRITE", *probes[1].Rule)
	})

	t.Run("times truncated to milliseconds in UTC", func(t *testing.T) {
		assert.Equal(t, time.Date(2024, 5, 1, 10, 2, 37, 123_000_000, time.UTC), alert.EventTime)
		require.NotNil(t, alert.IngestTime)
		assert.Equal(t, time.Date(2024, 5, 1, 10, 2, 39, 0, time.UTC), *alert.IngestTime)
	})

	t.Run("values survive", func(t *testing.T) {
		assert.Equal(t, "2001:db8::1", alert.SrcIP)
		assert.Equal(t, int32(502), *alert.DstPort)
		assert.Equal(t, "UNAUTHORIZED_MODBUS_WRITE", alert.Rule)
		assert.Equal(t, []string{"T0836", "T0855"}, alert.Techniques)
		assert.Equal(t, int32(6), *alert.ModbusFunction)
		assert.Equal(t, int32(3), *alert.AlertCount)
		assert.Equal(t, "OT-DROP:", drop.LogPrefix)
		assert.Equal(t, "eth0", drop.OutInterface)
		assert.Equal(t, "DROP", drop.Action)
		assert.Equal(t, int32(1), drop.RawLine)
		assert.Equal(t, "source=x/date=2024-05-01/a.json", drop.RawKey)
	})
}

func TestEncodeDeterministic(t *testing.T) {
	assert.Equal(t, encodeSample(t), encodeSample(t))
}

func TestRowBufferOrder(t *testing.T) {
	base := time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		offsets []int // seconds after base, in arrival order
	}{
		{"in order across blocks", seq(3 * arenaChunkBytes / 40)},
		{"one late row", append(seq(20), 5)},
		{"reversed", reversed(seq(10_003))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf RowBuffer
			for i, off := range tt.offsets {
				buf.Add(Row{EventTime: base.Add(time.Duration(off) * time.Second), RawKey: "k", RawLine: int32(i + 1), Format: "eve", Raw: "x"})
			}
			require.Equal(t, len(tt.offsets), buf.Len())

			data, err := EncodeBuffer(&buf)
			require.NoError(t, err)
			rows, err := Decode(data)
			require.NoError(t, err)
			require.Len(t, rows, len(tt.offsets))
			for i := 1; i < len(rows); i++ {
				require.False(t, rows[i].EventTime.Before(rows[i-1].EventTime), "row %d out of order", i)
			}
		})
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func reversed(in []int) []int {
	out := make([]int, len(in))
	for i, v := range in {
		out[len(in)-1-i] = v
	}
	return out
}
