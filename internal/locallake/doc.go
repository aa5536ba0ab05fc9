// Package locallake is the embedded lake a new user meets first: a folder (./.lake by
// default) whose raw/, staged/ and reports/ subfolders are laid out exactly like the raw,
// staged and reports buckets, detections in SQLite with indexes that mirror the DynamoDB
// table's severity-index and host-index, and alerts appended to notifications.ndjson.
//
// It implements the pipeline's store interfaces, so the parser and aggregator code that runs
// in the Lambdas runs here unchanged; new objects and new detections call them directly.
package locallake
