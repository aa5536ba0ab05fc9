package locallake

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/synth"
)

func TestWatcherRounds(t *testing.T) {
	in := newIngester(t)
	w := &Watcher{Ingester: in}
	ctx := context.Background()

	sum, err := w.Round(ctx)
	require.NoError(t, err)
	assert.Nil(t, sum, "an empty raw folder is no round")

	// An object lands: the next round processes it and reports one incident.
	data, err := os.ReadFile(filepath.Join(samplesDir, "ot_sensor", "alerts.ndjson"))
	require.NoError(t, err)
	key := "source=ot_sensor/date=2026-05-20/ot-gateway-20260520T192000Z-000001.json"
	require.NoError(t, writeFileAtomic(in.Lake.Path(RawDir, key), data))
	require.NoError(t, os.WriteFile(in.Lake.Path(RawDir, "source=ot_sensor/date=2026-05-20/.tmp-partial"), []byte("{"), 0o644))

	sum, err = w.Round(ctx)
	require.NoError(t, err)
	require.NotNil(t, sum)
	require.Len(t, sum.Objects, 1, "hidden temporary files are skipped")
	assert.Equal(t, key, sum.Objects[0].Key)
	require.NoError(t, sum.Objects[0].Err)
	require.Len(t, sum.Incidents, 4, "one incident per sensor rule")
	total := 0
	for _, inc := range sum.Incidents {
		total += inc.Report.DetectionCount
	}
	assert.Equal(t, 200, total)

	// Nothing new: no round.
	sum, err = w.Round(ctx)
	require.NoError(t, err)
	assert.Nil(t, sum)

	// A second batch lands with one new line and the old ones: only the new line is news.
	extra := synth.New(99, time.Date(2026, 5, 20, 19, 21, 0, 0, time.UTC)).SensorAlert()
	key2 := "source=ot_sensor/date=2026-05-20/ot-gateway-20260520T192100Z-000002.json"
	require.NoError(t, writeFileAtomic(in.Lake.Path(RawDir, key2), append(data, []byte(extra+"\n")...)))
	sum, err = w.Round(ctx)
	require.NoError(t, err)
	require.NotNil(t, sum)
	require.Len(t, sum.Objects, 1)
	require.Len(t, sum.Incidents, 1)
	assert.Equal(t, 1, sum.Incidents[0].Report.DetectionCount)

	// A fresh watcher on the same lake does not reprocess what the database remembers.
	w2 := &Watcher{Ingester: in}
	sum, err = w2.Round(ctx)
	require.NoError(t, err)
	require.NotNil(t, sum)
	for _, o := range sum.Objects {
		assert.True(t, o.Unchanged, o.Key)
	}
	assert.Empty(t, sum.Incidents)
}
