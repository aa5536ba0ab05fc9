package output

import (
	"encoding/json"
	"time"
)

// Rule names, as the alert contract spells them.
const (
	RuleCrossZone  = "CROSS_ZONE_VIOLATION"
	RuleWrite      = "UNAUTHORIZED_MODBUS_WRITE"
	RuleScan       = "OT_BRUTE_FORCE_SCAN"
	RuleSafety     = "PROCESS_SAFETY_VIOLATION"
	SeverityCrit   = "CRITICAL"
	SeverityHigh   = "HIGH"
	SeverityMedium = "MEDIUM"
	SeverityLow    = "LOW"
)

// Alert is one line of the alerts file.
type Alert struct {
	// Timestamp is when the alert was emitted, on the capture clock: the time of the packet
	// that caused the emission, or of the last event when a flush emits it.
	Timestamp  Time     `json:"timestamp"`
	Sensor     string   `json:"sensor"`
	Rule       string   `json:"rule"`
	Severity   string   `json:"severity"`
	Techniques []string `json:"techniques"`
	SrcIP      string   `json:"src_ip"`
	SrcPort    *uint16  `json:"src_port"`
	DstIP      string   `json:"dst_ip"`
	DstPort    *uint16  `json:"dst_port"`
	SrcZone    *string  `json:"src_zone"`
	DstZone    *string  `json:"dst_zone"`
	Modbus     *Modbus  `json:"modbus,omitempty"`
	Count      int      `json:"count"`
	FirstSeen  Time     `json:"first_seen"`
	LastSeen   Time     `json:"last_seen"`
	Message    string   `json:"message"`
}

// Modbus is the request (and, for scans, the response) behind an alert.
type Modbus struct {
	TransactionID uint16   `json:"transaction_id"`
	UnitID        uint8    `json:"unit_id"`
	Function      uint8    `json:"function"` // without the exception bit
	Address       *uint16  `json:"address"`
	Quantity      *uint16  `json:"quantity"`
	Values        []uint16 `json:"values"`
	Exception     *uint8   `json:"exception"` // exception code of the response
}

// Time marshals as RFC 3339 in UTC with nanoseconds when present, as the contract requires.
type Time time.Time

// MarshalJSON returns the time in RFC 3339 UTC.
func (t Time) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Time(t).UTC().Format(time.RFC3339Nano))
}

// UnmarshalJSON reads an RFC 3339 time.
func (t *Time) UnmarshalJSON(data []byte) error {
	var tt time.Time
	if err := json.Unmarshal(data, &tt); err != nil {
		return err
	}
	*t = Time(tt)
	return nil
}
