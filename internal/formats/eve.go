package formats

import (
	"strings"

	"github.com/valyala/fastjson"

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
	et := top.eventType
	if et.Type() != fastjson.TypeString || len(et.GetStringBytes()) == 0 {
		return f.errorf(ErrBadField, `"event_type" is not a non-empty string`, nil)
	}
	rec.EventType = intern(et.GetStringBytes(), "alert", "flow", "modbus", "anomaly", "dns", "http", "tls", "fileinfo", "stats", "netflow")

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
		return f.errorf(ErrNoEventTime, `"timestamp" missing and no syslog timestamp`, nil)
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
	if v := top.proto; v != nil && v.Type() == fastjson.TypeString {
		rec.Protocol = upperASCII(intern(v.GetStringBytes(), "TCP", "UDP", "ICMP", "IPv6-ICMP", "SCTP"))
	}

	// Alert and Action.
	alertObj, err := f.object("alert", top.alert)
	if err != nil {
		return err
	}
	if alertObj != nil {
		if err := readEVEAlert(alertObj, blk, rec); err != nil {
			return err
		}
	}

	// Modbus.
	modbusObj, err := f.object("modbus", top.modbus)
	if err != nil {
		return err
	}
	if modbusObj != nil {
		if err := readEVEModbus(modbusObj, blk, rec); err != nil {
			return err
		}
	}
	return nil
}

func readEVEHost(v *fastjson.Value, f jsonField, hdr syslogHeader, rec *telemetry.Record) error {
	rec.Host = hdr.host
	if v == nil {
		return nil
	}
	switch v.Type() {
	case fastjson.TypeString:
		if name := v.GetStringBytes(); len(name) > 0 {
			rec.Host = string(name)
		}
	case fastjson.TypeObject:
		for _, key := range [...]string{"name", "hostname"} {
			if name, ok, err := f.at("host.").str(key, v.Get(key)); err != nil {
				return err
			} else if ok && name != "" {
				rec.Host = name
				break
			}
		}
	}
	return nil
}

// readFlowID keeps flow_id as written: a float64 would round IDs above 2^53.
func readFlowID(v *fastjson.Value, f jsonField, rec *telemetry.Record) error {
	if absent(v) {
		return nil
	}

	var buf [32]byte
	var text []byte
	switch v.Type() {
	case fastjson.TypeNumber:
		text = v.MarshalTo(buf[:0])
	case fastjson.TypeString:
		text = v.GetStringBytes()
	default:
		return f.errorf(ErrBadField, `"flow_id" is a `+v.Type().String()+", not a number or string", nil)
	}

	// Suricata prints flow_id as a signed 64-bit integer.
	digitsStart := 0
	if len(text) > 0 && text[0] == '-' {
		digitsStart = 1
	}
	valid := len(text) > digitsStart && len(text) <= 20
	for _, c := range text[min(digitsStart, len(text)):] {
		valid = valid && isDigit(c)
	}
	if !valid {
		return f.errorf(ErrBadField, `invalid "flow_id" `+quote(string(text))+", want an integer", nil)
	}
	rec.FlowID = string(text)
	return nil
}

// readEVEAlert fills rec.Alert and rec.Action from the alert object.
func readEVEAlert(obj *fastjson.Value, blk *eveBlock, rec *telemetry.Record) error {
	f := jsonField{format: eveFormat}.at("alert.")
	a := &blk.alert
	a.Count = 1
	rec.Alert = a

	// Action: allowed or blocked.
	if v := obj.Get("action"); v != nil && v.Type() == fastjson.TypeString {
		rec.Action = intern(v.GetStringBytes(), "allowed", "blocked")
	}

	// SignatureID, Signature, Category.
	id, ok, err := f.integer("signature_id", obj.Get("signature_id"), 0, 1<<62, ErrBadNumber)
	if err != nil {
		return err
	}
	if ok {
		blk.sigID = id
		a.SignatureID = &blk.sigID
	}
	if a.Signature, _, err = f.str("signature", obj.Get("signature")); err != nil {
		return err
	}
	if a.Category, _, err = f.str("category", obj.Get("category")); err != nil {
		return err
	}

	// EVESeverity and Severity: Suricata's priority, 1 highest; 3 is the default.
	sev, ok, err := f.integer("severity", obj.Get("severity"), 1, 255, ErrBadNumber)
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
	meta, err := f.object("metadata", obj.Get("metadata"))
	if err != nil {
		return err
	}
	if meta != nil {
		a.Techniques = techniquesFromMetadata(meta)
	}
	return nil
}

// techniquesFromMetadata collects technique IDs from alert.metadata, whose values are arrays
// of strings, under keys that name a MITRE technique.
func techniquesFromMetadata(meta *fastjson.Value) []string {
	o, err := meta.Object()
	if err != nil {
		return nil
	}

	var ids []string
	add := func(b []byte) {
		if !isTechniqueID(b) {
			return
		}
		for _, id := range ids {
			if id == string(b) {
				return
			}
		}
		ids = append(ids, string(b))
	}
	o.Visit(func(key []byte, v *fastjson.Value) {
		k := bytesView(key)
		if !strings.Contains(k, "mitre") || !strings.Contains(k, "technique") {
			return
		}
		switch v.Type() {
		case fastjson.TypeString:
			add(v.GetStringBytes())
		case fastjson.TypeArray:
			for _, item := range v.GetArray() {
				if item.Type() == fastjson.TypeString {
					add(item.GetStringBytes())
				}
			}
		}
	})
	return ids
}

// isTechniqueID reports whether b is shaped like an ATT&CK technique ID: T and four digits
// (T0xxx for ICS, Txxxx for Enterprise).
func isTechniqueID(b []byte) bool {
	if len(b) != 5 || b[0] != 'T' {
		return false
	}
	for _, c := range b[1:] {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// intern returns the matching constant for common values, so they cost no allocation, and a
// copy of b otherwise.
func intern(b []byte, known ...string) string {
	for _, k := range known {
		if string(b) == k {
			return k
		}
	}
	return string(b)
}
