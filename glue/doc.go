// Package glue holds the analytics layer's definitions that more than one program reads: the
// Glue tables of the ot_telemetry database (staged_telemetry over the staged Parquet,
// incident_reports over the incident report JSON) and the named queries in queries/*.sql.
//
// The CDK constructs create the Glue tables and Athena named queries from these values, and
// otlake query runs the same SQL bytes in DuckDB over the local or downloaded Parquet. Each
// SQL file is written so that Athena (Trino SQL) and DuckDB both accept it unchanged: the
// partition columns are quoted ("date", "source"), and the one function whose name differs,
// json_extract_scalar, is defined as a macro on the DuckDB side.
//
// The staged_telemetry columns are derived from the parquet tags of staging.Row, so the table
// and the files the parser writes have one schema.
package glue
