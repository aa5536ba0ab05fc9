package locallake

import (
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
	"github.com/otlake/cloud-telemetry-lake/internal/staging"
)

// samplesDir is the project's sample inputs, written by internal/synth.
var samplesDir = filepath.Join("..", "..", "samples")

func newIngester(t *testing.T) *Ingester {
	t.Helper()

	lake, err := Open(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { lake.Close() })
	fixed := time.Date(2026, 5, 21, 8, 0, 0, 0, time.UTC)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	return &Ingester{Lake: lake, Now: func() time.Time { return fixed }, Log: quiet}
}

// listFiles returns the lake files under folder (relative, slash-separated) with their bytes.
func listFiles(t *testing.T, lake *Lake, folder string) map[string]string {
	t.Helper()

	files := map[string]string{}
	root := filepath.Join(lake.Dir, folder)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		data, err := os.ReadFile(path)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	require.NoError(t, err)
	return files
}

func stagedRows(t *testing.T, lake *Lake) int {
	t.Helper()

	n := 0
	for key, data := range listFiles(t, lake, StagedDir) {
		if !strings.HasSuffix(key, ".parquet") {
			continue
		}
		rows, err := staging.Decode([]byte(data))
		require.NoError(t, err, key)
		n += len(rows)
	}
	return n
}

func TestIngestSamples(t *testing.T) {
	in := newIngester(t)
	ctx := context.Background()

	sum, err := in.Ingest(ctx, []string{samplesDir}, "")
	require.NoError(t, err)
	require.Len(t, sum.Objects, 3)
	assert.Zero(t, sum.Failed())

	byKey := map[string]ObjectOutcome{}
	for _, o := range sum.Objects {
		byKey[o.Key] = o
	}

	t.Run("hive keys sniffed from content", func(t *testing.T) {
		for _, key := range []string{
			"source=iptables/date=2026-05-20/firewall.log",
			"source=malcolm/date=2026-05-20/eve.json.gz",
			"source=ot_sensor/date=2026-05-20/alerts.ndjson",
		} {
			assert.Contains(t, byKey, key)
		}
	})

	t.Run("every line accounted for", func(t *testing.T) {
		for key, o := range byKey {
			r := o.Result
			require.NotNil(t, r, key)
			assert.Equal(t, r.Lines, r.Records+r.BadLines+r.BlankLines, key)
		}
		assert.Equal(t, 200, byKey["source=ot_sensor/date=2026-05-20/alerts.ndjson"].Result.Records)
		assert.Equal(t, 300, byKey["source=iptables/date=2026-05-20/firewall.log"].Result.Records)
		assert.Equal(t, 1, byKey["source=iptables/date=2026-05-20/firewall.log"].Result.BadLines)
		assert.Equal(t, 199, byKey["source=malcolm/date=2026-05-20/eve.json.gz"].Result.Records)
		assert.True(t, byKey["source=malcolm/date=2026-05-20/eve.json.gz"].Result.Compressed)
	})

	t.Run("bad lines quarantined with position", func(t *testing.T) {
		r := byKey["source=malcolm/date=2026-05-20/eve.json.gz"].Result
		require.Equal(t, 1, r.BadLines)
		require.NotEmpty(t, r.QuarantineKey)
		data, err := os.ReadFile(lake(in).Path(StagedDir, r.QuarantineKey))
		require.NoError(t, err)
		var bad struct {
			Key    string `json:"key"`
			Line   int    `json:"line"`
			Reason string `json:"reason"`
			Raw    string `json:"raw"`
		}
		require.NoError(t, json.Unmarshal(data, &bad))
		assert.Equal(t, "source=malcolm/date=2026-05-20/eve.json.gz", bad.Key)
		assert.Equal(t, 118, bad.Line)
		assert.NotEmpty(t, bad.Reason)
		assert.True(t, strings.HasPrefix(bad.Raw, `{"date":`))
	})

	t.Run("staged rows equal records", func(t *testing.T) {
		assert.Equal(t, 200+300+199, stagedRows(t, lake(in)))
	})

	t.Run("one detection per sensor alert and high eve alert", func(t *testing.T) {
		total, err := lake(in).CountDetections(ctx)
		require.NoError(t, err)
		sensor, eve := 0, 0
		for _, o := range sum.Objects {
			for _, d := range o.Result.Detections {
				if d.Source == "ot_sensor" {
					sensor++
				} else {
					eve++
				}
			}
		}
		assert.Equal(t, 200, sensor)
		assert.Positive(t, eve)
		assert.Equal(t, sensor+eve, total)
	})

	t.Run("one report and one alert per correlator", func(t *testing.T) {
		correlators := map[string]int{}
		for _, o := range sum.Objects {
			for _, d := range o.Result.Detections {
				correlators[d.IncidentCorrelator]++
			}
		}
		require.Len(t, sum.Incidents, len(correlators))
		for _, inc := range sum.Incidents {
			assert.True(t, inc.Created)
			require.Len(t, inc.Report.Correlators, 1)
			assert.Equal(t, correlators[inc.Report.Correlators[0]], inc.Report.DetectionCount)
		}
		reports := listFiles(t, lake(in), ReportsDir)
		assert.Len(t, reports, len(correlators))
		notes, err := lake(in).Notifications()
		require.NoError(t, err)
		require.Len(t, notes, len(correlators))
		for i, n := range notes {
			assert.Equal(t, sum.Incidents[i].Subject, n.Subject)
			assert.LessOrEqual(t, len(n.Subject), 99)
		}
	})

	t.Run("severity and host indexes", func(t *testing.T) {
		high, err := lake(in).Detections(ctx, Filter{Severity: "high"})
		require.NoError(t, err)
		require.NotEmpty(t, high)
		for _, d := range high {
			assert.Equal(t, detection.SeverityHigh, d.Severity)
		}
		host := high[0].Host
		byHost, err := lake(in).Detections(ctx, Filter{Host: host})
		require.NoError(t, err)
		for _, d := range byHost {
			assert.Equal(t, host, d.Host)
		}
		assert.True(t, sort.SliceIsSorted(byHost, func(i, j int) bool { return byHost[i].DetectedAt.Before(byHost[j].DetectedAt) }))
	})
}

func lake(in *Ingester) *Lake { return in.Lake }

func keysOf(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

func TestIngestTwiceChangesNothing(t *testing.T) {
	in := newIngester(t)
	ctx := context.Background()

	_, err := in.Ingest(ctx, []string{samplesDir}, "")
	require.NoError(t, err)
	staged := listFiles(t, in.Lake, StagedDir)
	reports := listFiles(t, in.Lake, ReportsDir)
	count, err := in.Lake.CountDetections(ctx)
	require.NoError(t, err)

	again, err := in.Ingest(ctx, []string{samplesDir}, "")
	require.NoError(t, err)
	for _, o := range again.Objects {
		assert.True(t, o.Unchanged, o.Key)
	}
	assert.Empty(t, again.Incidents)
	assert.Equal(t, staged, listFiles(t, in.Lake, StagedDir))
	assert.Equal(t, reports, listFiles(t, in.Lake, ReportsDir))
	count2, err := in.Lake.CountDetections(ctx)
	require.NoError(t, err)
	assert.Equal(t, count, count2)
	notes, err := in.Lake.Notifications()
	require.NoError(t, err)
	assert.Len(t, notes, len(reports), "one alert per report, none from the second ingest")
}

func TestRedeliveryUnderNewKey(t *testing.T) {
	in := newIngester(t)
	ctx := context.Background()

	_, err := in.Ingest(ctx, []string{samplesDir}, "")
	require.NoError(t, err)
	rowsBefore := stagedRows(t, in.Lake)
	stagedBefore := listFiles(t, in.Lake, StagedDir)
	countBefore, err := in.Lake.CountDetections(ctx)
	require.NoError(t, err)

	// A shipper retry writes the same lines under a new object name.
	data, err := os.ReadFile(filepath.Join(samplesDir, "ot_sensor", "alerts.ndjson"))
	require.NoError(t, err)
	newKey := "source=ot_sensor/date=2026-05-20/ot-gateway-20260520T192000Z-retry.json"
	require.NoError(t, writeFileAtomic(in.Lake.Path(RawDir, newKey), data))

	sum, err := in.ProcessKeys(ctx, []string{newKey})
	require.NoError(t, err)
	require.Len(t, sum.Objects, 1)
	require.NoError(t, sum.Objects[0].Err)
	assert.Len(t, sum.Objects[0].Result.Detections, 200)
	assert.Empty(t, sum.Objects[0].Result.NewDetections)
	assert.Empty(t, sum.Incidents, "no new detection means no second report")

	countAfter, err := in.Lake.CountDetections(ctx)
	require.NoError(t, err)
	assert.Equal(t, countBefore, countAfter)
	assert.Equal(t, rowsBefore, stagedRows(t, in.Lake))

	// The redelivery overwrites the same staged object (its rows now point at the new key).
	stagedAfter := listFiles(t, in.Lake, StagedDir)
	assert.ElementsMatch(t, keysOf(stagedBefore), keysOf(stagedAfter))
}

func TestIngestBadObjectFailsAlone(t *testing.T) {
	in := newIngester(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.ndjson")
	data, err := os.ReadFile(filepath.Join(samplesDir, "ot_sensor", "alerts.ndjson"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(good, data, 0o644))
	corrupt := filepath.Join(dir, "corrupt.json")
	require.NoError(t, os.WriteFile(corrupt, []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3}, 0o644))
	empty := filepath.Join(dir, "empty.json")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))

	sum, err := in.Ingest(context.Background(), []string{dir}, "ot_sensor")
	require.NoError(t, err)
	require.Len(t, sum.Objects, 3)
	assert.Equal(t, 1, sum.Failed())
	for _, o := range sum.Objects {
		switch filepath.Base(o.Path) {
		case "corrupt.json":
			require.Error(t, o.Err)
			assert.Contains(t, o.Err.Error(), "corrupt.json")
			assert.Contains(t, o.Err.Error(), "gzip")
		case "empty.json":
			require.NoError(t, o.Err)
			assert.Zero(t, o.Result.Lines)
			assert.Empty(t, o.Result.StagedKey)
		case "good.ndjson":
			require.NoError(t, o.Err)
			assert.Equal(t, 200, o.Result.Records)
		}
	}
	total := 0
	for _, inc := range sum.Incidents {
		total += inc.Report.DetectionCount
	}
	assert.Equal(t, 200, total)
}
