package pipeline

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
	"github.com/otlake/cloud-telemetry-lake/internal/formats"
)

func TestLineArenaStrings(t *testing.T) {
	var a lineArena
	line := []byte("first line")
	first := a.String(line)
	copy(line, "reused....")

	assert.Equal(t, "first line", first, "the string must not follow the caller's buffer")
	assert.Equal(t, "", a.String(nil))

	long := []byte(strings.Repeat("x", lineBlockBytes/4+1))
	assert.Equal(t, string(long), a.String(long))
}

// TestDetectionsOwnStrings checks that a detection keeps its values when the block that its
// record's line was parsed from is overwritten.
func TestDetectionsOwnStrings(t *testing.T) {
	sensor, err := os.ReadFile("../../samples/ot_sensor/alerts.ndjson")
	require.NoError(t, err)
	line := strings.SplitN(string(sensor), "\n", 2)[0]
	ctx := formats.Context{SourceHint: "ot_sensor"}
	ref := detection.RawRef{Bucket: "raw", Key: "k", Line: 1}

	want, err := formats.Parse([]byte(line), ctx)
	require.NoError(t, err)
	wantDet, ok := detection.FromRecord(want, "ot_sensor", ref)
	require.True(t, ok)

	var a lineArena
	rec, err := formats.ParseString(a.String([]byte(line)), ctx)
	require.NoError(t, err)
	got, ok := detection.FromRecord(rec, "ot_sensor", ref)
	require.True(t, ok)
	for i := range a.block {
		a.block[i] = '#'
	}

	assert.Equal(t, wantDet, got)
	assert.Equal(t, strings.Repeat("#", len(line)), rec.Raw, "the record itself did point into the block")
}
