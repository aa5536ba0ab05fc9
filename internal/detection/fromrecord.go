package detection

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

// HostUnknown is the host of a detection whose record has no address and no host name. The
// host is the partition key of the host-index GSI, which rejects an empty string.
const HostUnknown = "unknown"

// maxTextBytes bounds the message and signature copied into a detection. A raw line may be up
// to 1 MiB, but a DynamoDB item may not exceed 400 KB, and an alert message is one sentence.
const maxTextBytes = 2048

// detectionIDBytes is how much of the SHA-256 digest the detection ID keeps: 128 bits, which
// makes an accidental collision among billions of detections negligible.
const detectionIDBytes = 16

// FromRecord returns the detection for a record, with ok false when the record is not one.
// Detections are sensor alerts (one per line) and EVE alerts of Suricata severity 1 or 2.
// source is the raw object's source= partition (ot_sensor, iptables or malcolm), and ref
// points at the raw line. An empty source stands for the format's default source, so that the
// correlator never ends in a bare '#'.
//
// The detection ID depends only on rec.Raw and source, so the same line delivered again under
// another key or at another line number produces an identical detection. Two identical lines
// in one source therefore produce one detection.
func FromRecord(rec telemetry.Record, source string, ref RawRef) (Detection, bool) {
	alert := rec.Alert
	if alert == nil {
		return Detection{}, false
	}
	if source == "" {
		source = rec.Format.DefaultSource()
	}

	// rule, severity and techniques depend on which kind of alert this is.
	var rule, severity string
	var techniques []string
	modbusFunction := modbusField(rec.Modbus, func(m *telemetry.Modbus) *int { return m.Function })
	switch {
	case rec.Format == telemetry.FormatSensorAlert:
		rule = sanitizeRule(alert.Rule)
		severity = sensorSeverity(rule, alert.Severity)
		techniques = sensorTechniques(rule, alert.Techniques, alert.SrcZone, modbusFunction)
	case rec.Format == telemetry.FormatEVE && alert.EVESeverity >= 1 && alert.EVESeverity <= 2:
		rule = eveRule(alert.SignatureID)
		severity = eveSeverity(alert)
		techniques = cleanTechniques(alert.Techniques)
	default:
		return Detection{}, false
	}

	d := Detection{
		DetectionID:        detectionID(rec, source),
		IncidentCorrelator: rule + "#" + source,
		Rule:               rule,
		Severity:           severity,
		// DynamoDB and SQLite store milliseconds, so the in-memory value matches a read-back.
		DetectedAt:     rec.EventTime.UTC().Truncate(time.Millisecond),
		Host:           affectedHost(rec),
		Source:         source,
		Sensor:         cleanText(rec.Host),
		Techniques:     techniques,
		Protocol:       cleanText(rec.Protocol),
		SrcZone:        cleanText(alert.SrcZone),
		DstZone:        cleanText(alert.DstZone),
		ModbusFunction: modbusFunction,
		ModbusUnitID:   modbusField(rec.Modbus, func(m *telemetry.Modbus) *int { return m.UnitID }),
		ModbusAddress:  modbusField(rec.Modbus, func(m *telemetry.Modbus) *int { return m.Address }),
		SignatureID:    copyPointer(alert.SignatureID),
		Signature:      cleanText(alert.Signature),
		Count:          max(alert.Count, 1),
		Message:        cleanText(alert.Message),
		RawRef:         ref,
	}

	// src_ip, dst_ip, src_port, dst_port: absent values stay empty or nil.
	if rec.SrcIP.IsValid() {
		d.SrcIP = rec.SrcIP.String()
	}
	if rec.DstIP.IsValid() {
		d.DstIP = rec.DstIP.String()
	}
	d.SrcPort = portPointer(rec.SrcPort)
	d.DstPort = portPointer(rec.DstPort)

	return d, true
}

// detectionID hashes the source and the raw line. A record without a raw line (one that a
// caller built rather than parsed) is hashed by its encoding instead, which is just as
// deterministic.
func detectionID(rec telemetry.Record, source string) string {
	content := []byte(rec.Raw)
	if rec.Raw == "" {
		content = encodeRecord(rec)
	}

	h := sha256.New()
	h.Write([]byte(source))
	h.Write([]byte{0})
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil)[:detectionIDBytes])
}

// encodeRecord returns the JSON encoding of rec, or its gob encoding when JSON fails, which
// happens for times outside the years 0 to 9999.
func encodeRecord(rec telemetry.Record) []byte {
	if content, err := json.Marshal(rec); err == nil {
		return content
	}

	// gob encodes every field type of a Record (times through MarshalBinary), and a new
	// encoder writes the same type header each time.
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(rec); err != nil {
		// NOTE: unreachable for the field types a Record has today. Should a new field break
		// both encodings, all such records of a source would share one detection ID.
		return []byte(err.Error())
	}
	return buf.Bytes()
}

// affectedHost returns the destination address, else the source address, else the record's
// host name, else HostUnknown.
func affectedHost(rec telemetry.Record) string {
	switch {
	case rec.DstIP.IsValid():
		return rec.DstIP.String()
	case rec.SrcIP.IsValid():
		return rec.SrcIP.String()
	}

	if host := cleanText(rec.Host); strings.TrimSpace(host) != "" {
		return host
	}
	return HostUnknown
}

// sensorSeverity returns the alert's severity when it is one of the four levels, else the
// rule's usual level, else MEDIUM.
func sensorSeverity(rule, alertSeverity string) string {
	if severity, ok := NormalizeSeverity(alertSeverity); ok {
		return severity
	}
	if severity, ok := defaultSeverity[rule]; ok {
		return severity
	}
	return SeverityMedium
}

// eveSeverity returns the severity that the parser derived, or derives it with
// SeverityFromEVE when the parser left none.
func eveSeverity(alert *telemetry.Alert) string {
	if severity, ok := NormalizeSeverity(alert.Severity); ok {
		return severity
	}
	return SeverityFromEVE(alert.EVESeverity)
}

func eveRule(signatureID *int64) string {
	if signatureID == nil {
		return RuleNDRSignatureUnknown
	}
	return RuleNDRSignaturePrefix + strconv.FormatInt(*signatureID, 10)
}

// cleanText makes untrusted text safe to store: invalid UTF-8 becomes U+FFFD and the result is
// cut to at most maxTextBytes on a character boundary.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= maxTextBytes {
		return s
	}

	cut := maxTextBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

func modbusField(m *telemetry.Modbus, field func(*telemetry.Modbus) *int) *int {
	if m == nil {
		return nil
	}
	return copyPointer(field(m))
}

func copyPointer[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func portPointer(p *uint16) *int {
	if p == nil {
		return nil
	}
	v := int(*p)
	return &v
}
