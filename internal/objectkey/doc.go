// Package objectkey builds and parses the object keys of the lake's buckets: Hive-partitioned
// raw keys (source=, date=), staged Parquet and quarantine keys, and report keys. The local
// lake uses the same keys as folder paths.
package objectkey
