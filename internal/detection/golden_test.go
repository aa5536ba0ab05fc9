package detection

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/formats"
	"github.com/otlake/cloud-telemetry-lake/internal/synth"
	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// TestFromRecordGolden pins every field of the detections of a generated mix, IDs included, so
// that a change to how FromRecord computes them cannot change what it returns.
func TestFromRecordGolden(t *testing.T) {
	start := time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)
	lines := synth.New(21, start).Mix(300)
	ctx := formats.Context{ObjectDate: start}

	var dets []Detection
	for i, line := range lines {
		rec, err := formats.Parse([]byte(line), ctx)
		require.NoError(t, err, "line %d", i+1)
		ref := RawRef{Bucket: "raw", Key: "source=mixed/date=2026-05-20/a.json.gz", Line: i + 1}
		if det, ok := FromRecord(rec, "", ref); ok {
			dets = append(dets, det)
		}
	}
	require.NotEmpty(t, dets)

	got, err := json.MarshalIndent(dets, "", " ")
	require.NoError(t, err)
	golden := filepath.Join("testdata", "fromrecord_mix.golden.json")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, got, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got))
}

// BenchmarkFromRecordMix measures FromRecord on the alert records of a generated mix.
func BenchmarkFromRecordMix(b *testing.B) {
	start := time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)
	ctx := formats.Context{ObjectDate: start}
	var recs []telemetry.Record
	for _, line := range synth.New(23, start).Mix(2000) {
		rec, err := formats.Parse([]byte(line), ctx)
		if err == nil && rec.Alert != nil {
			recs = append(recs, rec)
		}
	}
	ref := RawRef{Bucket: "raw", Key: "source=mixed/date=2026-05-20/a.json.gz"}
	b.ReportAllocs()

	for b.Loop() {
		for i := range recs {
			FromRecord(recs[i], "", ref)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/record")
}
