package pipeline

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
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
