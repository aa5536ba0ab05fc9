// Package detection turns telemetry records into detections: the items of the ot_detections
// table, one per sensor alert and per high-severity EVE alert, with deterministic IDs and
// ATT&CK for ICS techniques.
package detection
