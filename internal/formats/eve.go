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
}

// readEVE fills rec from a Suricata EVE object. Any event_type is telemetry; fields that an
// event type does not carry stay zero.
func readEVE(top *topFields, hdr syslogHeader, rec *telemetry.Record) error {
	f := jsonField{format: eveFormat}
	blk := &eveBlock{}
	rec.Format = telemetry.FormatEVE

	// EventType: the event_type text.
	eventType, _, err := f.str("event_type", top.eventType)
	if err != nil {
		return err
	}
	if eventType == "" {
		return f.errorf(ErrBadField, top.eventType, `"event_type" is missing or empty`, nil)
	}
	rec.EventType = eventType

	// EventTime: the EVE timestamp, else the syslog header's.
	t, assumed, ok, err := f.timestamp("timestamp", top.timestamp)
	switch {
	case err != nil:
		return err
	case ok:
		rec.EventTime, rec.TimeAssumedUTC = t, assumed
	case !hdr.time.IsZero():
		rec.EventTime, rec.TimeAssumedUTC = hdr.time, hdr.assumedUTC
	default:
		return f.errorf(ErrNoEventTime, top.timestamp, `"timestamp" missing and no syslog timestamp`, nil)
	}

	// Host: the EVE host field (a string, or an object with a name), else the syslog host.
	if err := readEVEHost(top.host, f, hdr, rec); err != nil {
		return err
	}

	// FlowID: exact digits, whether the number or a string carries them.
	if err := readFlowID(top.flowID, f, rec); err != nil {
		return err
	}

	// SrcIP, DstIP, SrcPort, DstPort, Protocol: all optional, anomaly and stats have none.
	if rec.SrcIP, err = f.addr("src_ip", top.srcIP); err != nil {
		return err
	}
	if rec.DstIP, err = f.addr("dest_ip", top.destIP); err != nil {
		return err
	}
	if rec.SrcPort, err = f.port("src_port", top.srcPort, &blk.ports[0]); err != nil {
		return err
	}
	if rec.DstPort, err = f.port("dest_port", top.destPort, &blk.ports[1]); err != nil {
		return err
	}
	if top.proto.kind == jsonString {
		rec.Protocol = upperASCII(top.proto.stringValue())
	}

	// Alert and Action.
	alertObj, ok, err := f.object("alert", top.alert)
	if err != nil {
		return err
	}
	if ok {
		if err := readEVEAlert(alertObj, blk, rec); err != nil {
			return err
		}
	}

	// Modbus.
	modbusObj, ok, err := f.object("modbus", top.modbus)
	if err != nil {
		return err
	}
	if ok {
		if err := readEVEModbus(modbusObj, blk, rec); err != nil {
			return err
		}
	}
	return nil
}

// hostKeys are the members of an object-valued host field that name the host, in order.
var hostKeys = []string{"name", "hostname"}

func readEVEHost(v jsonValue, f jsonField, hdr syslogHeader, rec *telemetry.Record) error {
	rec.Host = hdr.host
	switch v.kind {
	case jsonString:
		if name := v.stringValue(); name != "" {
			rec.Host = name
		}
	case jsonObject:
		var found [2]jsonValue
		lookup(v, hostKeys, found[:])
		for i, key := range hostKeys {
			name, ok, err := f.at("host.").str(key, found[i])
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

// alertKeys are the alert members readEVEAlert reads, in the order of its found array.
var alertKeys = []string{"action", "signature_id", "signature", "category", "severity", "metadata"}

// readEVEAlert fills rec.Alert and rec.Action from the alert object.
func readEVEAlert(obj jsonValue, blk *eveBlock, rec *telemetry.Record) error {
	f := jsonField{format: eveFormat}.at("alert.")
	a := &blk.alert
	a.Count = 1
	rec.Alert = a
	var found [6]jsonValue
	lookup(obj, alertKeys, found[:])
	action, signatureID, signature, category, severity, metadata := found[0], found[1], found[2], found[3], found[4], found[5]

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
		a.Techniques = techniquesFromMetadata(meta)
	}
	return nil
}

// techniquesFromMetadata collects technique IDs from alert.metadata, whose values are arrays
// of strings, under keys that name a MITRE technique.
func techniquesFromMetadata(meta jsonValue) []string {
	var ids []string
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

	_ = meta.members(func(key string, v jsonValue) error {
		if !strings.Contains(key, "mitre") || !strings.Contains(key, "technique") {
			return nil
		}
		add(v)
		return v.elements(func(_ int, item jsonValue) error {
			add(item)
			return nil
		})
	})
	return ids
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
