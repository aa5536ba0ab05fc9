// Package pipeline holds the two stages that every deployment runs: the parser, which turns a
// raw object into staged Parquet, a quarantine of bad lines and detections, and the
// aggregator, which turns a batch of new detections into an incident report and one alert.
//
// Both stages talk to storage through the small interfaces in stores.go, implemented by the
// local lake (folders and SQLite) and by the AWS adapters (S3, DynamoDB, SNS).
package pipeline
