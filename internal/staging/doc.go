// Package staging converts telemetry records into rows of the staged_telemetry table and
// encodes them as snappy-compressed Parquet.
//
// The file layout is what Athena (through Glue partition projection) and DuckDB read: event
// time as INT64 TIMESTAMP(MILLIS, UTC), optional columns as OPTIONAL so absent values read as
// NULL, the raw line kept as a string, rows sorted by event time, and no date or source
// column inside the file because both come from the object key's partitions.
package staging
