package glue

import (
	"fmt"
	"reflect"

	"github.com/parquet-go/parquet-go"

	"github.com/otlake/cloud-telemetry-lake/internal/incident"
	"github.com/otlake/cloud-telemetry-lake/internal/names"
	"github.com/otlake/cloud-telemetry-lake/internal/objectkey"
	"github.com/otlake/cloud-telemetry-lake/internal/staging"
	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

// Column is one column of a Glue table, with its Hive type name as Glue stores it
// (string, int, bigint, boolean, timestamp, array<string>, struct<...>).
type Column struct {
	Name string
	Type string
}

// Storage classes of the tables: the Hive input and output formats and the SerDe that Athena
// reads the objects with.
const (
	ParquetInputFormat  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
	ParquetOutputFormat = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
	ParquetSerDe        = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"

	TextInputFormat  = "org.apache.hadoop.mapred.TextInputFormat"
	TextOutputFormat = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
	JSONSerDe        = "org.openx.data.jsonserde.JsonSerDe"
)

// ProjectionDateStart is the first date= partition that Athena's partition projection
// considers. Days before it are not scanned even when objects exist for them.
const ProjectionDateStart = "2024-01-01"

// Table is the definition of one external Glue table in the GlueDatabase.
type Table struct {
	Name          string
	Description   string
	Columns       []Column
	PartitionKeys []Column
	// Location is the S3 URI of the table's objects, ending in "/".
	Location        string
	InputFormat     string
	OutputFormat    string
	SerDeLibrary    string
	SerDeParameters map[string]string
	// Parameters are the table properties: classification and, for staged_telemetry, the
	// partition projection that spares a crawler or MSCK REPAIR TABLE.
	Parameters map[string]string
}

// StagedTelemetry returns the staged_telemetry table over the staged bucket's parsed/ prefix.
// Its columns are the parquet columns of staging.Row, and date and source are partition
// columns read from the key path. Athena finds partitions by projection: every day from
// ProjectionDateStart until now, and each known source.
func StagedTelemetry(bucket string) (Table, error) {
	columns, err := StagedColumns()
	if err != nil {
		return Table{}, err
	}

	location := "s3://" + bucket + "/" + objectkey.StagedPrefix
	return Table{
		Name:        names.StagedTable,
		Description: "One row per parsed telemetry record (sensor alerts, netfilter lines, Suricata EVE), snappy Parquet.",
		Columns:     columns,
		PartitionKeys: []Column{
			{Name: "date", Type: "string"},
			{Name: "source", Type: "string"},
		},
		Location:     location,
		InputFormat:  ParquetInputFormat,
		OutputFormat: ParquetOutputFormat,
		SerDeLibrary: ParquetSerDe,
		Parameters: map[string]string{
			"EXTERNAL":                      "TRUE",
			"classification":                "parquet",
			"parquet.compression":           "SNAPPY",
			"projection.enabled":            "true",
			"projection.date.type":          "date",
			"projection.date.format":        "yyyy-MM-dd",
			"projection.date.range":         ProjectionDateStart + ",NOW",
			"projection.date.interval":      "1",
			"projection.date.interval.unit": "DAYS",
			"projection.source.type":        "enum",
			"projection.source.values":      telemetry.SourceSensor + "," + telemetry.SourceIptables + "," + telemetry.SourceMalcolm + ",unknown",
			"storage.location.template":     location + "date=${date}/source=${source}/",
		},
	}, nil
}

// StagedColumns returns the staged_telemetry columns: each top-level column of staging.Row's
// parquet schema, in file order, with its Hive type.
func StagedColumns() ([]Column, error) {
	schema := parquet.SchemaOf(staging.Row{})

	columns := make([]Column, 0, len(schema.Fields()))
	for _, field := range schema.Fields() {
		typ, err := hiveType(field)
		if err != nil {
			return nil, fmt.Errorf("map parquet column %q to a Glue type: %w", field.Name(), err)
		}
		columns = append(columns, Column{Name: field.Name(), Type: typ})
	}
	return columns, nil
}

// IncidentReports returns the incident_reports table over the reports bucket's incidents/
// prefix: one JSON report per object, read by the OpenX JSON SerDe. The columns are the top
// level fields of incident.Report with their nested types. The SerDe reads one JSON document
// per line, which is how incident.Report.Encode writes a report.
func IncidentReports(bucket string) (Table, error) {
	columns, err := jsonColumns(reflect.TypeFor[incident.Report]())
	if err != nil {
		return Table{}, fmt.Errorf("map incident report fields to Glue types: %w", err)
	}

	return Table{
		Name:         names.ReportsTable,
		Description:  "One NIST SP 800-61 incident report per object, JSON.",
		Columns:      columns,
		Location:     "s3://" + bucket + "/" + objectkey.ReportPrefix,
		InputFormat:  TextInputFormat,
		OutputFormat: TextOutputFormat,
		SerDeLibrary: JSONSerDe,
		Parameters: map[string]string{
			"EXTERNAL":       "TRUE",
			"classification": "json",
		},
	}, nil
}
