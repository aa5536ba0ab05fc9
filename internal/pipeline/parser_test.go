package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
	"github.com/otlake/cloud-telemetry-lake/internal/formats"
	"github.com/otlake/cloud-telemetry-lake/internal/staging"
	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

// collectingDetections keeps every detection it is given.
type collectingDetections struct{ got []detection.Detection }

func (c *collectingDetections) Put(_ context.Context, dets []detection.Detection) ([]detection.Detection, error) {
	c.got = append(c.got, dets...)
	return dets, nil
}

// keptObjects keeps every object written, by key.
type keptObjects map[string][]byte

func (k keptObjects) Put(_ context.Context, key string, body []byte, _ string) error {
	k[key] = bytes.Clone(body)
	return nil
}

func TestProcessDetectionStore(t *testing.T) {
	sensor, err := os.ReadFile("../../samples/ot_sensor/alerts.ndjson")
	require.NoError(t, err)
	firewall, err := os.ReadFile("../../samples/iptables/firewall.log")
	require.NoError(t, err)
	object := append(bytes.Clone(sensor), firewall...)
	sensorLines := bytes.Count(sensor, []byte("\n"))
	lines := bytes.Count(object, []byte("\n"))
	require.Positive(t, sensorLines)

	const key = "source=mixed/date=2026-05-20/sample.log"
	quiet := slog.New(slog.DiscardHandler)

	t.Run("with a store", func(t *testing.T) {
		store := &collectingDetections{}
		staged := keptObjects{}
		p := &Parser{Raw: bytesRaw(object), Staged: staged, Detections: store, Log: quiet}

		res, err := p.Process(context.Background(), "raw", key)
		require.NoError(t, err)

		assert.Equal(t, lines, res.Lines)
		assert.Equal(t, lines-1, res.Records, "the firewall sample holds one kernel line without IN=")
		assert.Equal(t, map[telemetry.Format]int{
			telemetry.FormatSensorAlert: sensorLines,
			telemetry.FormatNetfilter:   lines - sensorLines - 1,
		}, res.ByFormat)
		assert.Equal(t, 1, res.BadLines)
		assert.Len(t, store.got, sensorLines, "one detection per sensor alert")
		assert.Len(t, res.Detections, sensorLines)
		assert.Contains(t, staged, res.StagedKey)
	})

	t.Run("without a store", func(t *testing.T) {
		staged := keptObjects{}
		p := &Parser{Raw: bytesRaw(object), Staged: staged, Log: quiet}

		res, err := p.Process(context.Background(), "raw", key)
		require.NoError(t, err)

		assert.Equal(t, lines-1, res.Records)
		assert.Empty(t, res.Detections)
		assert.Nil(t, res.NewDetections)
		assert.Contains(t, staged, res.StagedKey, "the staged Parquet is still written")
	})
}

func TestDedupeDetections(t *testing.T) {
	// det gives each detection its line, so that the test can tell which repeat was kept.
	det := func(id string, line int) detection.Detection {
		return detection.Detection{DetectionID: id, RawRef: detection.RawRef{Line: line}}
	}
	many := make([]detection.Detection, 0, 3000)
	for i := range 3000 {
		many = append(many, det(fmt.Sprintf("%032x", i%1000), i+1))
	}

	tests := []struct {
		name string
		in   []detection.Detection
		want []int // lines of the detections kept
	}{
		{"empty", nil, []int{}},
		{"no repeats", []detection.Detection{det("a", 1), det("b", 2), det("c", 3)}, []int{1, 2, 3}},
		{"repeat next to the first", []detection.Detection{det("a", 1), det("a", 2), det("b", 3)}, []int{1, 3}},
		{"repeat far from the first", []detection.Detection{det("a", 1), det("b", 2), det("c", 3), det("a", 4)}, []int{1, 2, 3}},
		{"all the same", []detection.Detection{det("a", 1), det("a", 2), det("a", 3)}, []int{1}},
		{"thousand IDs three times", many, lineRange(1, 1000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := []int{}
			for _, d := range dedupeDetections(slices.Clone(tt.in)) {
				got = append(got, d.RawRef.Line)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// lineRange returns first, first+1, ..., last.
func lineRange(first, last int) []int {
	var out []int
	for i := first; i <= last; i++ {
		out = append(out, i)
	}
	return out
}

// TestProcessMatchesParse checks the staged rows and the detections of an object against rows
// and detections built from each line parsed on its own, so that nothing the parser reuses
// from line to line leaks into a row or a detection.
func TestProcessMatchesParse(t *testing.T) {
	var lines []string
	for _, name := range []string{"ot_sensor/alerts.ndjson", "iptables/firewall.log"} {
		data, err := os.ReadFile("../../samples/" + name)
		require.NoError(t, err)
		lines = append(lines, strings.Split(strings.TrimSpace(string(data)), "\n")...)
	}
	eve, err := os.ReadFile("../../samples/malcolm/eve.json.gz")
	require.NoError(t, err)
	lines = append(lines, gunzipLines(t, eve)...)
	object := []byte(strings.Join(lines, "\n") + "\n")

	const key = "source=mixed/date=2026-05-20/sample.log"
	ctx := formats.Context{ObjectDate: time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC), SourceHint: "mixed"}
	var wantRows []staging.Row
	var wantDets []detection.Detection
	for i, line := range lines {
		rec, err := formats.Parse([]byte(line), ctx)
		if err != nil {
			continue
		}
		wantRows = append(wantRows, staging.FromRecord(&rec, key, i+1))
		if det, ok := detection.FromRecord(rec, "mixed", detection.RawRef{Bucket: "raw", Key: key, Line: i + 1}); ok {
			wantDets = append(wantDets, det)
		}
	}
	staging.SortRows(wantRows)
	require.NotEmpty(t, wantDets)

	store := &collectingDetections{}
	staged := keptObjects{}
	p := &Parser{Raw: bytesRaw(object), Staged: staged, Detections: store, Log: slog.New(slog.DiscardHandler)}
	res, err := p.Process(context.Background(), "raw", key)
	require.NoError(t, err)
	gotRows, err := staging.Decode(staged[res.StagedKey])
	require.NoError(t, err)

	require.Len(t, gotRows, len(wantRows))
	for i := range wantRows {
		assert.Equal(t, wantRows[i], gotRows[i], "row %d", i)
	}
	assert.Equal(t, dedupeDetections(wantDets), store.got)
}
