// Package objectkey builds and parses the object keys of the lake's buckets: Hive-partitioned
// raw keys (source=, date=), and staged Parquet and quarantine keys. The local
// lake uses the same keys as folder paths.
package objectkey
