// Package analytics runs the named queries of package glue and prints their results.
//
// Two engines implement Engine. DuckDB (cgo, built only when cgo is enabled) reads the staged
// Parquet of a local lake, or of a bucket downloaded first with DownloadStaged. It reads them
// through a view named staged_telemetry with Hive partitioning, so the date and source
// columns come from the key path as they do in Athena. Athena starts the deployed named
// query in the workgroup, polls until it finishes and pages through the result.
//
// Both engines pass columns and rows to a RowWriter. NewPrinter returns one that writes an
// aligned table for a terminal, CSV, or one JSON document.
//
// Only otlake imports this package: the Lambdas must stay free of cgo.
package analytics
