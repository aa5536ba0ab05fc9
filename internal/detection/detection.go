package detection

import "time"

// Severity levels of a detection, highest first.
const (
	SeverityCritical = "CRITICAL"
	SeverityHigh     = "HIGH"
	SeverityMedium   = "MEDIUM"
	SeverityLow      = "LOW"
)

// RawRef points at the raw line a detection came from.
type RawRef struct {
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
	Line   int    `json:"line"` // 1-based line number in the decompressed object
}

// Detection is one item of the ot_detections table (DynamoDB) or detections table (SQLite).
// DetectionID is derived from the record's content and source only, so a redelivered object
// produces identical detections.
type Detection struct {
	DetectionID        string    `json:"detection_id"`
	IncidentCorrelator string    `json:"incident_correlator"` // <RULE>#<source>
	Rule               string    `json:"rule"`
	Severity           string    `json:"severity"`
	DetectedAt         time.Time `json:"detected_at"` // event time of the record, UTC
	Host               string    `json:"host"`        // the affected asset
	Source             string    `json:"source"`      // source partition: ot_sensor, iptables, malcolm
	Sensor             string    `json:"sensor,omitempty"`
	Techniques         []string  `json:"techniques"`
	SrcIP              string    `json:"src_ip,omitempty"`
	DstIP              string    `json:"dst_ip,omitempty"`
	SrcPort            *int      `json:"src_port,omitempty"`
	DstPort            *int      `json:"dst_port,omitempty"`
	Protocol           string    `json:"protocol,omitempty"`
	SrcZone            string    `json:"src_zone,omitempty"`
	DstZone            string    `json:"dst_zone,omitempty"`
	ModbusFunction     *int      `json:"modbus_function,omitempty"`
	ModbusUnitID       *int      `json:"modbus_unit_id,omitempty"`
	ModbusAddress      *int      `json:"modbus_address,omitempty"`
	SignatureID        *int64    `json:"signature_id,omitempty"`
	Signature          string    `json:"signature,omitempty"`
	Count              int       `json:"count"`
	// FirstSeen is when the alert's deduplication window saw its first event. A sensor that
	// re-emits a growing alert (a scan still going on) repeats the same FirstSeen with a
	// larger Count, so the pair identifies one activity across its re-emissions.
	FirstSeen *time.Time `json:"first_seen,omitempty"`
	Message   string     `json:"message,omitempty"`
	RawRef    RawRef     `json:"raw_ref"`
}

// DetectedAtString formats DetectedAt as the table stores it: RFC 3339 with milliseconds, UTC.
func (d Detection) DetectedAtString() string {
	return d.DetectedAt.UTC().Format("2006-01-02T15:04:05.000Z")
}
