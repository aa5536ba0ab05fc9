package analytics

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/fixture"
	"github.com/otlake/cloud-telemetry-lake/internal/locallake"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden/")

// Test lake contents: testdata/raw holds sensor alerts, netfilter lines and shipper-wrapped
// EVE records over two dates; the Malcolm fixture adds a batch on each date.
var (
	testLakeDates   = []string{"2026-05-20", "2026-05-21"}
	fixtureCount    = 12
	fixtureSeed     = uint64(7)
	testLakeRawRoot = filepath.Join("testdata", "raw")
)

// buildTestLake ingests the test inputs into a new local lake and returns its staged folder.
func buildTestLake(t testing.TB) string {
	t.Helper()

	inputs := t.TempDir()
	for _, date := range testLakeDates {
		batch, err := fixture.Malcolm(date, fixtureCount, fixtureSeed)
		require.NoError(t, err)
		body, err := batch.Gzip()
		require.NoError(t, err)
		path := filepath.Join(inputs, filepath.FromSlash(batch.Key))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, body, 0o644))
	}

	lakeDir := t.TempDir()
	lake, err := locallake.Open(lakeDir)
	require.NoError(t, err)
	defer lake.Close()

	in := &locallake.Ingester{Lake: lake, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	sum, err := in.Ingest(context.Background(), []string{testLakeRawRoot, inputs}, "")
	require.NoError(t, err)
	require.Zero(t, sum.Failed(), "every test input is ingested")
	require.Len(t, sum.Objects, 7)

	return filepath.Join(lakeDir, locallake.StagedDir)
}

// assertGolden compares got with testdata/golden/name, rewriting it under -update.
func assertGolden(t *testing.T, name, got string) {
	t.Helper()

	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./internal/analytics -update to create %s", path)
	assert.Equal(t, string(want), got)
}
