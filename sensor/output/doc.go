// Package output writes the sensor's results: alerts as NDJSON lines in the contract of
// schema/sensor-alert.schema.json, and netfilter LOG lines for flows the zone policy
// forbids. Both go to append-only files rotated by size.
package output
