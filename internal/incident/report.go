package incident

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// StatusOpen is the status of every report that Build makes.
const StatusOpen = "open"

// timeLayout formats the report's times: RFC 3339 with milliseconds, UTC, as detections store
// detected_at.
const timeLayout = "2006-01-02T15:04:05.000Z"

// Report is the incident report for one batch of detections, stored as JSON under
// ReportKey(IncidentID). Every list is sorted and encodes as [] when empty.
type Report struct {
	IncidentID     string `json:"incident_id"` // UUIDv5 over the sorted detection IDs
	CreatedAt      string `json:"created_at"`
	Window         Window `json:"window"`
	Status         string `json:"status"`
	Severity       string `json:"severity"` // the highest severity of the batch
	Summary        string `json:"summary"`
	DetectionCount int    `json:"detection_count"`
	// EventCount adds up the detections' counts: one scan alert may fold thousands of requests.
	EventCount         int                `json:"event_count"`
	Correlators        []string           `json:"incident_correlators"`
	MitreTechniques    []Technique        `json:"mitre_techniques"`
	Impact             Impact             `json:"impact"`
	AffectedAssets     []Asset            `json:"affected_assets"`
	Sources            []Source           `json:"sources"`
	Timeline           []TimelineEntry    `json:"timeline"`
	RecommendedActions RecommendedActions `json:"recommended_actions"`
	Indicators         []Indicator        `json:"indicators"`
	Evidence           []Evidence         `json:"evidence"`
	NIST               NIST               `json:"nist"`
}

// Window is the time span of the batch's detections.
type Window struct {
	FirstDetectedAt string `json:"first_detected_at"`
	LastDetectedAt  string `json:"last_detected_at"`
}

// Technique levels: a detection level technique comes from at least one detection, and an
// incident level technique is an impact of the batch as a whole.
const (
	LevelDetection = "detection"
	LevelIncident  = "incident"
)

// Technique is an ATT&CK technique of the incident with its name and tactics from the ATT&CK
// for ICS table. IDs outside that table keep their ID with the name NameNotInICSTable.
type Technique struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Tactic string `json:"tactic"` // the tactics joined by ", "
	Level  string `json:"level"`  // LevelDetection or LevelIncident
	// DetectionCount is the number of detections that carry the technique, 0 at incident level.
	DetectionCount int `json:"detection_count"`
}

// NameNotInICSTable is the name of a technique ID that the ATT&CK for ICS table lacks, such as
// an Enterprise ID from NDR rule metadata. Its tactic is empty.
const NameNotInICSTable = "not an ATT&CK for ICS technique"

// Impact is the effect of the incident on the controlled process.
type Impact struct {
	Description string `json:"description"`
	// Techniques lists the incident's techniques of the ATT&CK Impact tactic.
	Techniques            []string `json:"techniques"`
	ManipulationOfControl bool     `json:"manipulation_of_control"` // a write or safety violation happened
	LossOfSafety          bool     `json:"loss_of_safety"`          // a safety violation happened
}

// Asset is one affected host: the destination of its detections.
type Asset struct {
	Host           string   `json:"host"`
	Zones          []string `json:"zones"`
	DetectionCount int      `json:"detection_count"`
	Rules          []string `json:"rules"`
	MaxSeverity    string   `json:"max_severity"`
}

// Source is one source address of the batch's detections, the presumed attacker.
type Source struct {
	Address        string   `json:"address"`
	Zones          []string `json:"zones"`
	DetectionCount int      `json:"detection_count"`
	Rules          []string `json:"rules"`
}

// TimelineEntry is one detection in time order.
type TimelineEntry struct {
	Time        string   `json:"time"`
	DetectionID string   `json:"detection_id"`
	Rule        string   `json:"rule"`
	Severity    string   `json:"severity"`
	Source      string   `json:"source,omitempty"` // source address
	Host        string   `json:"host"`
	Techniques  []string `json:"techniques"`
	Count       int      `json:"count"`
	Description string   `json:"description"` // the alert message, else the signature, else the rule
}

// RecommendedActions are the response steps for the incident's techniques, by SP 800-61 phase.
type RecommendedActions struct {
	Containment []Action `json:"containment"`
	Eradication []Action `json:"eradication"`
	Recovery    []Action `json:"recovery"`
}

// Action is one recommended step and the techniques it responds to.
type Action struct {
	Action     string   `json:"action"`
	Techniques []string `json:"techniques"`
}

// Indicator types.
const (
	IndicatorSourceIP        = "source_ip"
	IndicatorDestinationIP   = "destination_ip"
	IndicatorDestinationPort = "destination_port"
	IndicatorModbusUnitID    = "modbus_unit_id"
	IndicatorModbusFunction  = "modbus_function"
	IndicatorModbusAddress   = "modbus_address"
	IndicatorSignature       = "signature"
)

// Indicator is one observable of the incident and the number of detections that show it.
type Indicator struct {
	Type           string `json:"type"`
	Value          string `json:"value"`
	DetectionCount int    `json:"detection_count"`
}

// Evidence points at the raw line of one detection.
type Evidence struct {
	DetectionID string `json:"detection_id"`
	Bucket      string `json:"bucket"`
	Key         string `json:"key"`
	Line        int    `json:"line"`
}

// Encode returns the report as one line of JSON with a final newline, the bytes stored under
// ReportKey. One document per line is what Athena's JSON SerDe reads for the incident_reports
// table. Unlike json.Marshal it keeps &, < and > as they are, so technique names such as
// "Point & Tag Identification" stay readable.
func (r Report) Encode() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, fmt.Errorf("encode incident report %q: %w", r.IncidentID, err)
	}
	return buf.Bytes(), nil
}
