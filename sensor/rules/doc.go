// Package rules raises the sensor's four alerts from flows and decoded Modbus traffic:
// CROSS_ZONE_VIOLATION, UNAUTHORIZED_MODBUS_WRITE, OT_BRUTE_FORCE_SCAN and
// PROCESS_SAFETY_VIOLATION, tagged with MITRE ATT&CK for ICS techniques.
//
// Alerts are deduplicated per rule, subject (a flow or a client) and window. The first
// event emits an alert at once and later events fold into it. While they go on, the alert
// is emitted again at most once per window, with its count, first_seen and last_seen
// brought up to date. When the events stop, a last update is emitted if the count grew.
// All times are capture times, so a replay raises the alerts the live capture would.
package rules
