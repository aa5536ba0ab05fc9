// Package detection turns telemetry records into detections: the items of the ot_detections
// table, one per sensor alert and per high-severity EVE alert, with deterministic IDs and
// ATT&CK for ICS techniques.
//
// FromRecord makes the detection. Its ID hashes the record's raw line and source, so a
// redelivered object rewrites identical items. Sensor alerts keep their rule, and their
// techniques are completed by the rule's fixed techniques (see sensorTechniques). EVE alerts
// of Suricata severity 1 or 2 get the rule NDR_SIGNATURE_<signature ID> and the techniques of
// their rule metadata. Every detection's incident_correlator is <rule>#<source>.
package detection
