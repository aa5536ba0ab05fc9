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

	// The detection's integers share one allocation, which it never outgrows.
	ints := intSlab{}
	var modbusFunction *int
	if rec.Modbus != nil {
		modbusFunction = ints.copy(rec.Modbus.Function)
	}

	// rule, severity and techniques depend on which kind of alert this is. The correlator is
	// built with the rule, so that both share one string.
	var correlator, severity string
	var techniques []string
	switch {
	case rec.Format == telemetry.FormatSensorAlert:
		correlator = sanitizeRule(alert.Rule) + "#" + source
		rule := correlator[:len(correlator)-len(source)-1]
		severity = sensorSeverity(rule, alert.Severity)
		techniques = sensorTechniques(rule, alert.Techniques, alert.SrcZone, modbusFunction)
	case rec.Format == telemetry.FormatEVE && alert.EVESeverity >= 1 && alert.EVESeverity <= 2:
		correlator = eveCorrelator(alert.SignatureID, source)
		severity = eveSeverity(alert)
		techniques = cleanTechniques(alert.Techniques)
	default:
		return Detection{}, false
	}

	d := Detection{
		DetectionID:        detectionID(&rec, source),
		IncidentCorrelator: correlator,
		Rule:               correlator[:len(correlator)-len(source)-1],
		Severity:           severity,
		// DynamoDB and SQLite store milliseconds, so the in-memory value matches a read-back.
		DetectedAt:  rec.EventTime.UTC().Truncate(time.Millisecond),
		Source:      source,
		Sensor:      cleanText(rec.Host),
		Techniques:  techniques,
		Protocol:    cleanText(rec.Protocol),
		SrcZone:     cleanText(alert.SrcZone),
		DstZone:     cleanText(alert.DstZone),
		SignatureID: copyPointer(alert.SignatureID),
		Signature:   cleanText(alert.Signature),
		Count:       max(alert.Count, 1),
		Message:     cleanText(alert.Message),
		RawRef:      ref,
	}
	if alert.FirstSeen != nil {
		first := alert.FirstSeen.UTC().Truncate(time.Millisecond)
		d.FirstSeen = &first
	}
	if rec.Modbus != nil {
		d.ModbusFunction = modbusFunction
		d.ModbusUnitID = ints.copy(rec.Modbus.UnitID)
		d.ModbusAddress = ints.copy(rec.Modbus.Address)
	}

	// src_ip, dst_ip, src_port, dst_port: absent values stay empty or nil.
	if rec.SrcIP.IsValid() {
		d.SrcIP = rec.SrcIP.String()
	}
	if rec.DstIP.IsValid() {
		d.DstIP = rec.DstIP.String()
	}
	d.SrcPort = ints.port(rec.SrcPort)
	d.DstPort = ints.port(rec.DstPort)

	// host: the affected asset, from the address strings above.
	d.Host = affectedHost(&d, rec.Host)

	return d, true
}

// detectionID hashes the source, a zero byte and the raw line. A record without a raw line
// (one that a caller built rather than parsed) is hashed by its encoding instead, which is
// just as deterministic.
func detectionID(rec *telemetry.Record, source string) string {
	// The hash input is assembled in a buffer that stays on the stack for lines of usual size.
	var stack [1024]byte
	input := append(stack[:0], source...)
	input = append(input, 0)
	if rec.Raw != "" {
		input = append(input, rec.Raw...)
	} else {
		input = append(input, encodeRecord(*rec)...)
	}

	sum := sha256.Sum256(input)
	var id [2 * detectionIDBytes]byte
	hex.Encode(id[:], sum[:detectionIDBytes])
	return string(id[:])
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

// affectedHost returns the detection's destination address, else its source address, else
// the record's host name, else HostUnknown.
func affectedHost(d *Detection, recordHost string) string {
	switch {
	case d.DstIP != "":
		return d.DstIP
	case d.SrcIP != "":
		return d.SrcIP
	}

	if host := cleanText(recordHost); strings.TrimSpace(host) != "" {
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

// eveCorrelator returns the incident correlator of an EVE alert: its rule, '#' and source.
func eveCorrelator(signatureID *int64, source string) string {
	if signatureID == nil {
		return RuleNDRSignatureUnknown + "#" + source
	}

	var stack [64]byte
	b := append(stack[:0], RuleNDRSignaturePrefix...)
	b = strconv.AppendInt(b, *signatureID, 10)
	b = append(b, '#')
	b = append(b, source...)
	return string(b)
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

func copyPointer[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// detectionInts is how many *int fields a detection can set: three Modbus fields and two ports.
const detectionInts = 5

// intSlab hands out pointers into one lazily allocated array, so that a detection costs at
// most one allocation for all its integers.
type intSlab struct {
	values *[detectionInts]int
	used   int
}

func (s *intSlab) value(v int) *int {
	if s.values == nil {
		s.values = new([detectionInts]int)
	}
	p := &s.values[s.used]
	*p = v
	s.used++
	return p
}

// copy returns a pointer to a copy of *p, or nil for nil.
func (s *intSlab) copy(p *int) *int {
	if p == nil {
		return nil
	}
	return s.value(*p)
}

func (s *intSlab) port(p *uint16) *int {
	if p == nil {
		return nil
	}
	return s.value(int(*p))
}
