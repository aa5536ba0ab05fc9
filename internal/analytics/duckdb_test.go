//go:build cgo

package analytics

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/glue"
)

func TestNamedQueriesGolden(t *testing.T) {
	staged := buildTestLake(t)
	ctx := context.Background()
	db, err := OpenDuckDB(ctx, staged)
	require.NoError(t, err)
	defer db.Close()

	for _, q := range glue.Queries() {
		t.Run(q.Name, func(t *testing.T) {
			var out bytes.Buffer
			p, err := NewPrinter(&out, FormatTable, 0)
			require.NoError(t, err)

			require.NoError(t, db.Run(ctx, q, p))
			require.NoError(t, p.Close())

			assertGolden(t, q.Name+".txt", out.String())
			assert.NotContains(t, out.String(), "(no rows)")
		})
	}

	t.Run("all as json", func(t *testing.T) {
		rows, err := db.CountRows(ctx)
		require.NoError(t, err)

		var out bytes.Buffer
		p, err := NewPrinter(&out, FormatJSON, 0)
		require.NoError(t, err)
		require.NoError(t, p.Header(Header{Engine: "duckdb", Lake: "test lake", Rows: rows, Queries: 3}))
		for _, q := range glue.Queries() {
			require.NoError(t, db.Run(ctx, q, p))
		}
		require.NoError(t, p.Close())

		assert.True(t, json.Valid(out.Bytes()), "output is one JSON document")
		assertGolden(t, "all.json", out.String())
	})
}

func TestDuckDBCountRows(t *testing.T) {
	staged := buildTestLake(t)
	db, err := OpenDuckDB(context.Background(), staged)
	require.NoError(t, err)
	defer db.Close()

	n, err := db.CountRows(context.Background())
	require.NoError(t, err)
	// 2 x 24 sensor alerts, 2 x 36 netfilter lines, 4 shipper EVE lines, 2 x 12 fixture alerts.
	assert.Equal(t, int64(48+72+4+24), n)
}

func TestDuckDBPartitionColumns(t *testing.T) {
	staged := buildTestLake(t)
	db, err := OpenDuckDB(context.Background(), staged)
	require.NoError(t, err)
	defer db.Close()

	var dateType, sourceType string
	row := db.db.QueryRow(`SELECT typeof("date"), typeof("source") FROM staged_telemetry LIMIT 1`)
	require.NoError(t, row.Scan(&dateType, &sourceType))
	assert.Equal(t, "VARCHAR", dateType, "date is a string partition, as in the Glue table")
	assert.Equal(t, "VARCHAR", sourceType)

	var sources []string
	rows, err := db.db.Query(`SELECT DISTINCT "source" FROM staged_telemetry ORDER BY 1`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		sources = append(sources, s)
	}
	assert.Equal(t, []string{"iptables", "malcolm", "ot_sensor"}, sources)
}

func TestJSONExtractScalarMacro(t *testing.T) {
	staged := buildTestLake(t)
	db, err := OpenDuckDB(context.Background(), staged)
	require.NoError(t, err)
	defer db.Close()

	tests := []struct {
		name string
		json string
		path string
		want any
	}{
		{"string value", `{"a":"x"}`, "$.a", "x"},
		{"nested string", `{"a":{"b":"y"}}`, "$.a.b", "y"},
		{"number as text", `{"a":42}`, "$.a", "42"},
		{"object is null", `{"a":{"b":1}}`, "$.a", nil},
		{"array is null", `{"a":[1,2]}`, "$.a", nil},
		{"missing key", `{"a":1}`, "$.b", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got any
			require.NoError(t, db.db.QueryRow("SELECT json_extract_scalar(?, ?)", tt.json, tt.path).Scan(&got))
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestOpenDuckDBErrors(t *testing.T) {
	emptyLake := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(emptyLake, "parsed", "date=2026-05-20"), 0o755))
	globDir := filepath.Join(t.TempDir(), "lake[1]")
	require.NoError(t, os.MkdirAll(globDir, 0o755))

	tests := []struct {
		name    string
		dir     string
		wantErr string
	}{
		{"missing folder", filepath.Join(t.TempDir(), "nope"), "no staged Parquet objects"},
		{"folder without parquet", emptyLake, "run otlake ingest first"},
		{"glob characters in path", globDir, "DuckDB would read as a glob"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := OpenDuckDB(context.Background(), tt.dir)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestDuckDBCanceledContext(t *testing.T) {
	staged := buildTestLake(t)
	db, err := OpenDuckDB(context.Background(), staged)
	require.NoError(t, err)
	defer db.Close()

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	q, _ := glue.Lookup("top_noisy_hosts")
	p, err := NewPrinter(&bytes.Buffer{}, FormatTable, 0)
	require.NoError(t, err)
	err = db.Run(ctx, q, p)
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "top_noisy_hosts"), err.Error())
}

func BenchmarkDuckDBQueries(b *testing.B) {
	staged := buildTestLake(b)
	ctx := context.Background()
	db, err := OpenDuckDB(ctx, staged)
	require.NoError(b, err)
	defer db.Close()

	b.ReportAllocs()
	for b.Loop() {
		p, _ := NewPrinter(&bytes.Buffer{}, FormatTable, 100)
		for _, q := range glue.Queries() {
			if err := db.Run(ctx, q, p); err != nil {
				b.Fatal(err)
			}
		}
	}
}
