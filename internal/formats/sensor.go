package formats

import (
	"fmt"
	"time"

	"github.com/valyala/fastjson"

	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

const sensorFormat = "sensor alert"

// sensorBlock holds the values a sensor alert's pointers refer to, allocated together.
type sensorBlock struct {
	modbusInts          [6]int // TransactionID, UnitID, Function, Address, Quantity, Exception
	ports               [2]uint16
	alert               telemetry.Alert
	modbus              telemetry.Modbus
	firstSeen, lastSeen time.Time
}

// sensorSeverities are the severities the sensor alert schema allows.
var sensorSeverities = [...]string{"CRITICAL", "HIGH", "MEDIUM", "LOW"}

// readSensorAlert fills rec from one line of otsensor's alert NDJSON, whose contract is
// schema/sensor-alert.schema.json.
func readSensorAlert(top *topFields, rec *telemetry.Record) error {
	f := jsonField{format: sensorFormat}
	blk := &sensorBlock{}
	a := &blk.alert
	rec.Format = telemetry.FormatSensorAlert
	rec.EventType = "alert"
	rec.Alert = a

	// EventTime: timestamp, required.
	t, assumed, ok, err := f.timestamp("timestamp", top.timestamp)
	if err != nil {
		return err
	}
	if !ok {
		return f.errorf(ErrNoEventTime, `"timestamp" missing`, nil)
	}
	rec.EventTime, rec.TimeAssumedUTC = t, assumed

	// Host: the sensor name. Rule: the detection that fired.
	if rec.Host, ok, err = f.str("sensor", top.sensor); err != nil {
		return err
	} else if !ok || rec.Host == "" {
		return f.errorf(ErrMissingField, `"sensor" missing or empty`, nil)
	}
	if a.Rule, ok, err = f.str("rule", top.rule); err != nil {
		return err
	} else if !ok || a.Rule == "" {
		return f.errorf(ErrMissingField, `"rule" missing or empty`, nil)
	}

	// Severity: one of the schema's four words.
	if err := readSensorSeverity(top.severity, f, a); err != nil {
		return err
	}

	// Techniques: ATT&CK for ICS IDs.
	if a.Techniques, err = readTechniques(top.techniques, f); err != nil {
		return err
	}

	// SrcIP, DstIP, SrcPort, DstPort.
	if rec.SrcIP, err = f.addr("src_ip", top.srcIP); err != nil {
		return err
	}
	if rec.DstIP, err = f.addr("dst_ip", top.dstIP); err != nil {
		return err
	}
	if rec.SrcPort, err = f.port("src_port", top.srcPort, &blk.ports[0]); err != nil {
		return err
	}
	if rec.DstPort, err = f.port("dst_port", top.dstPort, &blk.ports[1]); err != nil {
		return err
	}

	// SrcZone, DstZone, Message.
	if a.SrcZone, _, err = f.str("src_zone", top.srcZone); err != nil {
		return err
	}
	if a.DstZone, _, err = f.str("dst_zone", top.dstZone); err != nil {
		return err
	}
	if a.Message, _, err = f.str("message", top.message); err != nil {
		return err
	}

	// Count: events folded into the alert; 1 when absent.
	count, ok, err := f.integer("count", top.count, 1, 1<<53, ErrBadNumber)
	if err != nil {
		return err
	}
	a.Count = 1
	if ok {
		a.Count = int(count)
	}

	// FirstSeen, LastSeen.
	if first, _, ok, err := f.timestamp("first_seen", top.firstSeen); err != nil {
		return err
	} else if ok {
		blk.firstSeen = first
		a.FirstSeen = &blk.firstSeen
	}
	if last, _, ok, err := f.timestamp("last_seen", top.lastSeen); err != nil {
		return err
	} else if ok {
		blk.lastSeen = last
		a.LastSeen = &blk.lastSeen
	}

	// Modbus: the request that triggered the alert, when one did.
	modbusObj, err := f.object("modbus", top.modbus)
	if err != nil {
		return err
	}
	if modbusObj != nil {
		rec.Modbus = &blk.modbus
		return readSensorModbus(modbusObj, &blk.modbus, &blk.modbusInts)
	}
	return nil
}

func readSensorSeverity(v *fastjson.Value, f jsonField, a *telemetry.Alert) error {
	if absent(v) {
		return nil
	}
	if v.Type() == fastjson.TypeString {
		for _, s := range sensorSeverities {
			if string(v.GetStringBytes()) == s {
				a.Severity = s
				return nil
			}
		}
	}
	var buf [64]byte
	return f.errorf(ErrBadField, fmt.Sprintf(`invalid "severity" %s, want CRITICAL, HIGH, MEDIUM or LOW`, quote(string(v.MarshalTo(buf[:0])))), nil)
}

// readTechniques reads the techniques array, keeping only strings shaped like technique IDs.
func readTechniques(v *fastjson.Value, f jsonField) ([]string, error) {
	if absent(v) {
		return nil, nil
	}
	if v.Type() != fastjson.TypeArray {
		return nil, f.errorf(ErrBadField, `"techniques" is a `+v.Type().String()+", not an array", nil)
	}

	items := v.GetArray()
	ids := make([]string, 0, len(items))
	for k, item := range items {
		id := item.GetStringBytes()
		if item.Type() != fastjson.TypeString || !isTechniqueID(id) {
			var buf [64]byte
			return nil, f.errorf(ErrBadField, fmt.Sprintf(`invalid "techniques[%d]" %s, want an ID such as T0855`, k, quote(string(item.MarshalTo(buf[:0])))), nil)
		}
		ids = append(ids, intern(id, "T0855", "T0836", "T0886", "T0822", "T0846", "T0861", "T0888", "T0880", "T0831"))
	}
	return ids, nil
}

// readSensorModbus fills m from the sensor's modbus block.
func readSensorModbus(obj *fastjson.Value, m *telemetry.Modbus, slots *[6]int) error {
	f := jsonField{format: sensorFormat}.at("modbus.")
	var err error

	if m.TransactionID, err = f.intInto("transaction_id", obj.Get("transaction_id"), 0, 65535, &slots[0]); err != nil {
		return err
	}
	if m.UnitID, err = f.intInto("unit_id", obj.Get("unit_id"), 0, 255, &slots[1]); err != nil {
		return err
	}
	if m.Function, err = f.intInto("function", obj.Get("function"), 1, 127, &slots[2]); err != nil {
		return err
	}
	if m.Address, err = f.intInto("address", obj.Get("address"), 0, 65535, &slots[3]); err != nil {
		return err
	}
	if m.Quantity, err = f.intInto("quantity", obj.Get("quantity"), 0, 65535, &slots[4]); err != nil {
		return err
	}
	if m.Exception, err = f.intInto("exception", obj.Get("exception"), 1, 255, &slots[5]); err != nil {
		return err
	}

	// Values: written registers, or coil states as 0 and 1.
	v := obj.Get("values")
	if v == nil || v.Type() == fastjson.TypeNull {
		return nil
	}
	if v.Type() != fastjson.TypeArray {
		return f.errorf(ErrBadField, `"modbus.values" is a `+v.Type().String()+", not an array", nil)
	}
	items := v.GetArray()
	m.Values = make([]int, 0, len(items))
	for k, item := range items {
		n, err := item.Int()
		if item.Type() != fastjson.TypeNumber || err != nil || n < 0 || n > 65535 {
			return f.errorf(ErrBadNumber, fmt.Sprintf(`invalid "modbus.values[%d]", want an integer from 0 to 65535`, k), nil)
		}
		m.Values = append(m.Values, n)
	}
	return nil
}
