package formats

import (
	"strings"

	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

const eveFormat = "EVE record"

// eveBlock holds the values an EVE record's pointers refer to, allocated together.
type eveBlock struct {
	ports      [2]uint16
	alert      telemetry.Alert
	sigID      int64
	modbus     telemetry.Modbus
	modbusInts [6]int // TransactionID, UnitID, Function, Exception, Address, Quantity
	// Backing arrays for Techniques and Access, so that a typical record's slices need no
	// allocation of their own. Longer lists grow past them as usual.
	techniques [4]string
	access     [4]string
}

// readEVE fills rec from a Suricata EVE object. Any event_type is telemetry; fields that an
// event type does not carry stay zero.
func readEVE(fields *jsonFields, hdr syslogHeader, rec *telemetry.Record, blocks *Blocks) error {
	f := jsonField{format: eveFormat}
	blk := blocks.eveBlock()
	rec.Format = telemetry.FormatEVE

	// EventType: the event_type text.
	eventTypeValue := fields.get(fieldEventType)
	eventType, _, err := f.str("event_type", eventTypeValue)
	if err != nil {
		return err
	}
	if eventType == "" {
		return f.errorf(ErrBadField, eventTypeValue, `"event_type" is missing or empty`, nil)
	}
	rec.EventType = eventType

	// EventTime: the EVE timestamp, else the syslog header's.
	timestamp := fields.get(fieldTimestamp)
	t, assumed, ok, err := f.timestamp("timestamp", timestamp)
	switch {
	case err != nil:
		return err
	case ok:
		rec.EventTime, rec.TimeAssumedUTC = t, assumed
	case !hdr.time.IsZero():
		rec.EventTime, rec.TimeAssumedUTC = hdr.time, hdr.assumedUTC
	default:
		return f.errorf(ErrNoEventTime, timestamp, `"timestamp" missing and no syslog timestamp`, nil)
	}

	// Host: the EVE host field (a string, or an object with a name), else the syslog host.
	if err := readEVEHost(fields, f, hdr, rec); err != nil {
		return err
	}

	// FlowID: exact digits, whether the number or a string carries them.
	if err := readFlowID(fields.get(fieldFlowID), f, rec); err != nil {
		return err
	}

	// SrcIP, DstIP, SrcPort, DstPort, Protocol: all optional, anomaly and stats have none.
	if rec.SrcIP, err = f.addr("src_ip", fields.get(fieldSrcIP)); err != nil {
		return err
	}
	if rec.DstIP, err = f.addr("dest_ip", fields.get(fieldDestIP)); err != nil {
		return err
	}
	if rec.SrcPort, err = f.port("src_port", fields.get(fieldSrcPort), &blk.ports[0]); err != nil {
		return err
	}
	if rec.DstPort, err = f.port("dest_port", fields.get(fieldDestPort), &blk.ports[1]); err != nil {
		return err
	}
	if proto := fields.get(fieldProto); proto.kind == jsonString {
		rec.Protocol = upperASCII(proto.stringValue())
	}

	// Alert and Action.
	_, ok, err = f.object("alert", fields.get(fieldAlert))
	if err != nil {
		return err
	}
	if ok {
		if err := readEVEAlert(fields, blk, rec); err != nil {
			return err
		}
	}

	// Modbus.
	_, ok, err = f.object("modbus", fields.get(fieldModbus))
	if err != nil {
		return err
	}
	if ok {
		if err := readEVEModbus(fields, blk, rec); err != nil {
			return err
		}
	}
	return nil
}

// hostKeys are the members of an object-valued host field that name the host, in order.
var hostKeys = [...]struct {
	key string
	id  jsonFieldID
}{{"name", fieldHostName}, {"hostname", fieldHostHostname}}

// readEVEHost fills rec.Host from the EVE host field, else from the syslog header.
func readEVEHost(fields *jsonFields, f jsonField, hdr syslogHeader, rec *telemetry.Record) error {
	rec.Host = hdr.host
	switch v := fields.get(fieldHost); v.kind {
	case jsonString:
		if name := v.stringValue(); name != "" {
			rec.Host = name
		}
	case jsonObject:
		hostField := jsonField{format: f.format, path: "host."}
		for _, member := range hostKeys {
			name, ok, err := hostField.str(member.key, fields.get(member.id))
			if err != nil {
				return err
			}
			if ok && name != "" {
				rec.Host = name
				break
			}
		}
	}
	return nil
}

// readFlowID keeps flow_id as written: a float64 would round IDs above 2^53.
func readFlowID(v jsonValue, f jsonField, rec *telemetry.Record) error {
	var text string
	switch v.kind {
	case 0, jsonNull:
		return nil
	case jsonNumber:
		text = v.text
	case jsonString:
		text = v.stringValue()
	default:
		return f.typeError(ErrBadField, "flow_id", v, "a number or string")
	}

	// Suricata prints flow_id as a signed 64-bit integer.
	digitsStart := 0
	if len(text) > 0 && text[0] == '-' {
		digitsStart = 1
	}
	valid := len(text) > digitsStart && len(text) <= 20
	for i := digitsStart; valid && i < len(text); i++ {
		valid = isDigit(text[i])
	}
	if !valid {
		return f.errorf(ErrBadField, v, `invalid "flow_id" `+quote(text)+", want an integer", nil)
	}
	rec.FlowID = text
	return nil
}

// readEVEAlert fills rec.Alert and rec.Action from the alert object.
func readEVEAlert(fields *jsonFields, blk *eveBlock, rec *telemetry.Record) error {
	f := jsonField{format: eveFormat, path: "alert."}
	a := &blk.alert
	a.Count = 1
	rec.Alert = a
	action, signatureID, signature := fields.get(fieldAlertAction), fields.get(fieldAlertSignatureID), fields.get(fieldAlertSignature)
	category, severity, metadata := fields.get(fieldAlertCategory), fields.get(fieldAlertSeverity), fields.get(fieldAlertMetadata)

	// Action: allowed or blocked.
	if action.kind == jsonString {
		rec.Action = action.stringValue()
	}

	// SignatureID, Signature, Category.
	id, ok, err := f.integer("signature_id", signatureID, 0, 1<<62, ErrBadNumber)
	if err != nil {
		return err
	}
	if ok {
		blk.sigID = id
		a.SignatureID = &blk.sigID
	}
	if a.Signature, _, err = f.str("signature", signature); err != nil {
		return err
	}
	if a.Category, _, err = f.str("category", category); err != nil {
		return err
	}

	// EVESeverity and Severity: Suricata's priority, 1 highest; 3 is the default.
	sev, ok, err := f.integer("severity", severity, 1, 255, ErrBadNumber)
	if err != nil {
		return err
	}
	if ok {
		a.EVESeverity = int(sev)
		switch sev {
		case 1:
			a.Severity = "HIGH"
		case 2:
			a.Severity = "MEDIUM"
		default:
			a.Severity = "LOW"
		}
	}

	// Techniques: ATT&CK IDs from rule metadata keys such as mitre_technique_id.
	meta, ok, err := f.object("metadata", metadata)
	if err != nil {
		return err
	}
	if ok {
		a.Techniques = techniquesFromMetadata(meta, fields, blk.techniques[:0])
	}
	return nil
}

// techniquesFromMetadata collects technique IDs from alert.metadata, whose values are arrays
// of strings, under keys that name a MITRE technique. The scanner stored those values in
// fields, and only when there were more than it keeps is the metadata object read again.
// The IDs are appended to ids, an empty slice, and the result is nil when there are none.
func techniquesFromMetadata(meta jsonValue, fields *jsonFields, ids []string) []string {
	add := func(v jsonValue) {
		if v.kind != jsonString {
			return
		}
		id := v.stringValue()
		if !isTechniqueID(id) {
			return
		}
		for _, seen := range ids {
			if seen == id {
				return
			}
		}
		ids = append(ids, id)
	}
	addAll := func(v jsonValue) {
		add(v)
		_ = v.elements(func(_ int, item jsonValue) error {
			add(item)
			return nil
		})
	}

	if fields.techniqueCount <= maxTechniqueValues {
		for _, sp := range fields.techniqueValues[:fields.techniqueCount] {
			addAll(fields.spanValue(sp))
		}
	} else {
		_ = meta.members(func(key string, v jsonValue) error {
			if isTechniqueKey(key) {
				addAll(v)
			}
			return nil
		})
	}

	// Without IDs the result is nil, not an empty slice.
	if len(ids) == 0 {
		return nil
	}
	return ids
}

// isTechniqueKey reports whether an alert.metadata key names a MITRE technique, such as
// mitre_technique_id.
func isTechniqueKey(key string) bool {
	return strings.Contains(key, "mitre") && strings.Contains(key, "technique")
}

// isTechniqueID reports whether s is shaped like an ATT&CK technique ID: T and four digits
// (T0xxx for ICS, Txxxx for Enterprise).
func isTechniqueID(s string) bool {
	if len(s) != 5 || s[0] != 'T' {
		return false
	}
	_, ok := digits(s[1:])
	return ok
}
