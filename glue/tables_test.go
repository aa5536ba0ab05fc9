package glue

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/names"
	"github.com/otlake/cloud-telemetry-lake/internal/staging"
)

func reflectType(v any) reflect.Type { return reflect.TypeOf(v) }

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// describeColumns renders columns one per line as "name type".
func describeColumns(columns []Column) string {
	var b strings.Builder
	for _, c := range columns {
		fmt.Fprintf(&b, "%s %s\n", c.Name, c.Type)
	}
	return b.String()
}

func assertGolden(t *testing.T, name, got string) {
	t.Helper()

	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./glue -update to create %s", path)
	assert.Equal(t, string(want), got)
}

func TestTableColumnsGolden(t *testing.T) {
	staged, err := StagedTelemetry("ot-telemetry-staged-123456789012")
	require.NoError(t, err)
	reports, err := IncidentReports("ot-telemetry-reports-123456789012")
	require.NoError(t, err)

	t.Run("staged_telemetry", func(t *testing.T) {
		assertGolden(t, "staged_telemetry.golden", describeColumns(staged.Columns))
	})
	t.Run("incident_reports", func(t *testing.T) {
		assertGolden(t, "incident_reports.golden", describeColumns(reports.Columns))
	})
}

// TestStagedColumnsMatchWrittenFile fails when the Glue columns and the schema of a Parquet
// file that the staging writer produces drift apart.
func TestStagedColumnsMatchWrittenFile(t *testing.T) {
	port := int32(502)
	data, err := staging.Encode([]staging.Row{{
		EventTime: time.Date(2026, 5, 20, 19, 20, 0, 0, time.UTC),
		Format:    "sensor_alert",
		DstPort:   &port,
		RawKey:    "source=ot_sensor/date=2026-05-20/a.json",
		Raw:       "{}",
	}})
	require.NoError(t, err)
	file, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)

	var fromFile []Column
	for _, field := range file.Schema().Fields() {
		typ, err := hiveType(field)
		require.NoError(t, err, "column %s", field.Name())
		fromFile = append(fromFile, Column{Name: field.Name(), Type: typ})
	}

	columns, err := StagedColumns()
	require.NoError(t, err)
	assert.Equal(t, fromFile, columns)
}

func TestStagedTelemetryTable(t *testing.T) {
	table, err := StagedTelemetry("ot-telemetry-staged-123456789012")
	require.NoError(t, err)

	assert.Equal(t, names.StagedTable, table.Name)
	assert.Equal(t, "s3://ot-telemetry-staged-123456789012/parsed/", table.Location)
	assert.Equal(t, []Column{{"date", "string"}, {"source", "string"}}, table.PartitionKeys)
	assert.Equal(t, ParquetSerDe, table.SerDeLibrary)
	assert.Equal(t, "true", table.Parameters["projection.enabled"])
	assert.Equal(t, "s3://ot-telemetry-staged-123456789012/parsed/date=${date}/source=${source}/",
		table.Parameters["storage.location.template"])
	assert.Equal(t, "ot_sensor,iptables,malcolm,unknown", table.Parameters["projection.source.values"])

	// Partition columns exist only in the key path, never in the file.
	for _, c := range table.Columns {
		assert.NotContains(t, []string{"date", "source"}, c.Name)
	}
}

func TestIncidentReportsTable(t *testing.T) {
	table, err := IncidentReports("ot-telemetry-reports-123456789012")
	require.NoError(t, err)

	assert.Equal(t, names.ReportsTable, table.Name)
	assert.Equal(t, "s3://ot-telemetry-reports-123456789012/incidents/", table.Location)
	assert.Equal(t, JSONSerDe, table.SerDeLibrary)
	assert.Empty(t, table.PartitionKeys)
	require.NotEmpty(t, table.Columns)
	assert.Equal(t, Column{"incident_id", "string"}, table.Columns[0])
}

func TestHiveType(t *testing.T) {
	tests := []struct {
		name    string
		node    parquet.Node
		want    string
		wantErr bool
	}{
		{"string", parquet.String(), "string", false},
		{"optional string", parquet.Optional(parquet.String()), "string", false},
		{"int32", parquet.Int(32), "int", false},
		{"int64", parquet.Int(64), "bigint", false},
		{"timestamp millis", parquet.Timestamp(parquet.Millisecond), "timestamp", false},
		{"boolean", parquet.Leaf(parquet.BooleanType), "boolean", false},
		{"double", parquet.Leaf(parquet.DoubleType), "double", false},
		{"bytes without logical type", parquet.Leaf(parquet.ByteArrayType), "binary", false},
		{"list of strings", parquet.List(parquet.String()), "array<string>", false},
		{"list of ints", parquet.List(parquet.Int(32)), "array<int>", false},
		{"group without list", parquet.Group{"a": parquet.String()}, "", true},
		{"int96", parquet.Leaf(parquet.Int96Type), "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := hiveType(tt.node)
			if tt.wantErr {
				assert.ErrorIs(t, err, errUnsupportedType)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestHiveJSONType(t *testing.T) {
	type inner struct {
		A string `json:"a"`
		B []int  `json:"b_list"`
	}
	type withChannel struct {
		C chan int `json:"c"`
	}
	tests := []struct {
		name    string
		value   any
		want    string
		wantErr bool
	}{
		{"string", "", "string", false},
		{"int", 0, "bigint", false},
		{"bool", false, "boolean", false},
		{"float", 0.5, "double", false},
		{"pointer to string", new(string), "string", false},
		{"slice of strings", []string{}, "array<string>", false},
		{"struct with tags", inner{}, "struct<a:string,b_list:array<bigint>>", false},
		{"slice of structs", []inner{}, "array<struct<a:string,b_list:array<bigint>>>", false},
		{"channel field", withChannel{}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := hiveJSONType(reflectType(tt.value))
			if tt.wantErr {
				assert.ErrorIs(t, err, errUnsupportedType)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
