package detection

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"net/netip"
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

	// Detections are sensor alerts and EVE alerts of severity 1 or 2.
	sensor := rec.Format == telemetry.FormatSensorAlert
	eve := rec.Format == telemetry.FormatEVE && alert.EVESeverity >= 1 && alert.EVESeverity <= 2
	if !sensor && !eve {
		return Detection{}, false
	}

	// The values the detection's pointers point to share one allocation.
	values := valueSlab{}
	var modbusFunction *int
	if rec.Modbus != nil {
		modbusFunction = values.copy(rec.Modbus.Function)
	}

	// Every string of the detection but its source is built in one buffer and becomes a
	// substring of one string. The detection thus holds no reference to the record's strings,
	// which a caller may have pointed into a buffer it reuses.
	var stack [512]byte
	text := appendDetectionID(stack[:0], &rec, source)
	idEnd := len(text)
	if sensor {
		text = append(text, sanitizeRule(alert.Rule)...)
	} else {
		text = appendEVERule(text, alert.SignatureID)
	}
	ruleEnd := len(text)
	text = append(append(text, '#'), source...)
	correlatorEnd := len(text)
	text = appendAddr(text, rec.SrcIP)
	srcEnd := len(text)
	text = appendAddr(text, rec.DstIP)
	dstEnd := len(text)
	text = append(text, cleanText(rec.Host)...)
	hostEnd := len(text)
	text = append(text, cleanText(rec.Protocol)...)
	protocolEnd := len(text)
	text = append(text, cleanText(alert.SrcZone)...)
	srcZoneEnd := len(text)
	text = append(text, cleanText(alert.DstZone)...)
	dstZoneEnd := len(text)
	text = append(text, cleanText(alert.Signature)...)
	signatureEnd := len(text)
	text = append(text, cleanText(alert.Message)...)
	shared := string(text)
	rule := shared[idEnd:ruleEnd]

	// severity and techniques depend on which kind of alert this is.
	var severity string
	var techniques []string
	if sensor {
		severity = sensorSeverity(rule, alert.Severity)
		techniques = sensorTechniques(values.techniques(), rule, alert.Techniques, alert.SrcZone, modbusFunction)
	} else {
		severity = eveSeverity(alert)
		techniques = appendCleanTechniques(values.techniques(), alert.Techniques)
	}

	d := Detection{
		DetectionID:        shared[:idEnd],
		IncidentCorrelator: shared[idEnd:correlatorEnd],
		Rule:               rule,
		Severity:           severity,
		// DynamoDB and SQLite store milliseconds, so the in-memory value matches a read-back.
		DetectedAt:  rec.EventTime.UTC().Truncate(time.Millisecond),
		Source:      source,
		Sensor:      shared[dstEnd:hostEnd],
		Techniques:  techniques,
		SrcIP:       shared[correlatorEnd:srcEnd],
		DstIP:       shared[srcEnd:dstEnd],
		Protocol:    shared[hostEnd:protocolEnd],
		SrcZone:     shared[protocolEnd:srcZoneEnd],
		DstZone:     shared[srcZoneEnd:dstZoneEnd],
		SignatureID: values.signatureID(alert.SignatureID),
		Signature:   shared[dstZoneEnd:signatureEnd],
		Count:       max(alert.Count, 1),
		Message:     shared[signatureEnd:],
		RawRef:      ref,
	}
	if alert.FirstSeen != nil {
		d.FirstSeen = values.time(alert.FirstSeen.UTC().Truncate(time.Millisecond))
	}
	if rec.Modbus != nil {
		d.ModbusFunction = modbusFunction
		d.ModbusUnitID = values.copy(rec.Modbus.UnitID)
		d.ModbusAddress = values.copy(rec.Modbus.Address)
	}
	d.SrcPort = values.port(rec.SrcPort)
	d.DstPort = values.port(rec.DstPort)

	// host: the affected asset, from the address and sensor strings above.
	d.Host = affectedHost(&d)

	return d, true
}

// appendDetectionID appends the detection ID: the hex form of the first 128 bits of the
// SHA-256 of the source, a zero byte and the raw line. A record without a raw line (one that a
// caller built rather than parsed) is hashed by its encoding instead, which is just as
// deterministic.
func appendDetectionID(dst []byte, rec *telemetry.Record, source string) []byte {
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
	return hex.AppendEncode(dst, sum[:detectionIDBytes])
}

// appendAddr appends the canonical text form of addr, nothing for the zero Addr. An IPv6 zone
// is text from the log line and may be invalid UTF-8, which the stores reject, so invalid bytes
// become U+FFFD.
func appendAddr(dst []byte, addr netip.Addr) []byte {
	if !addr.IsValid() {
		return dst
	}

	start := len(dst)
	dst = addr.AppendTo(dst)
	if !utf8.Valid(dst[start:]) {
		clean := strings.ToValidUTF8(string(dst[start:]), "\uFFFD")
		dst = append(dst[:start], clean...)
	}
	return dst
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
func affectedHost(d *Detection) string {
	switch {
	case d.DstIP != "":
		return d.DstIP
	case d.SrcIP != "":
		return d.SrcIP
	case strings.TrimSpace(d.Sensor) != "":
		return d.Sensor
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

// appendEVERule appends the rule of an EVE alert, which names its signature ID.
func appendEVERule(dst []byte, signatureID *int64) []byte {
	if signatureID == nil {
		return append(dst, RuleNDRSignatureUnknown...)
	}
	return strconv.AppendInt(append(dst, RuleNDRSignaturePrefix...), *signatureID, 10)
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

// detectionInts is how many *int fields a detection can set: three Modbus fields and two ports.
const detectionInts = 5

// detectionValues contains the values that a detection's pointer fields point to.
type detectionValues struct {
	ints        [detectionInts]int
	signatureID int64
	firstSeen   time.Time
	techniques  [detectionTechniques]string
}

// detectionTechniques is how many techniques fit in detectionValues; a longer list gets an
// allocation of its own.
const detectionTechniques = 4

// valueSlab hands out pointers into one lazily allocated detectionValues, so that a detection
// costs at most one allocation for all its pointer fields.
type valueSlab struct {
	values *detectionValues
	used   int
}

func (s *valueSlab) get() *detectionValues {
	if s.values == nil {
		s.values = new(detectionValues)
	}
	return s.values
}

func (s *valueSlab) value(v int) *int {
	p := &s.get().ints[s.used]
	*p = v
	s.used++
	return p
}

// copy returns a pointer to a copy of *p, or nil for nil.
func (s *valueSlab) copy(p *int) *int {
	if p == nil {
		return nil
	}
	return s.value(*p)
}

func (s *valueSlab) port(p *uint16) *int {
	if p == nil {
		return nil
	}
	return s.value(int(*p))
}

func (s *valueSlab) signatureID(p *int64) *int64 {
	if p == nil {
		return nil
	}
	v := s.get()
	v.signatureID = *p
	return &v.signatureID
}

// techniques returns an empty list that can grow into the slab's room for techniques.
func (s *valueSlab) techniques() []string {
	return s.get().techniques[:0]
}

func (s *valueSlab) time(t time.Time) *time.Time {
	v := s.get()
	v.firstSeen = t
	return &v.firstSeen
}
