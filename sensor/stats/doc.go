// Package stats keeps the sensor's counters. The packet loop updates them with atomic
// adds, so another goroutine can print a consistent-enough snapshot at any time.
package stats
