package formats

import (
	"fmt"
	"strconv"
	"time"

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
		return f.errorf(ErrNoEventTime, top.timestamp, `"timestamp" missing`, nil)
	}
	rec.EventTime, rec.TimeAssumedUTC = t, assumed

	// Host: the sensor name. Rule: the detection that fired.
	if rec.Host, ok, err = f.str("sensor", top.sensor); err != nil {
		return err
	} else if !ok || rec.Host == "" {
		return f.errorf(ErrMissingField, top.sensor, `"sensor" missing or empty`, nil)
	}
	if a.Rule, ok, err = f.str("rule", top.rule); err != nil {
		return err
	} else if !ok || a.Rule == "" {
		return f.errorf(ErrMissingField, top.rule, `"rule" missing or empty`, nil)
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
	modbusObj, ok, err := f.object("modbus", top.modbus)
	if err != nil {
		return err
	}
	if ok {
		rec.Modbus = &blk.modbus
		return readSensorModbus(modbusObj, &blk.modbus, &blk.modbusInts)
	}
	return nil
}

func readSensorSeverity(v jsonValue, f jsonField, a *telemetry.Alert) error {
	if !v.present() {
		return nil
	}
	if v.kind == jsonString {
		word := v.stringValue()
		for _, s := range sensorSeverities {
			if word == s {
				a.Severity = s
				return nil
			}
		}
	}
	return f.errorf(ErrBadField, v, fmt.Sprintf(`invalid "severity" %s, want CRITICAL, HIGH, MEDIUM or LOW`, quote(v.text)), nil)
}

// readTechniques reads the techniques array, rejecting items not shaped like technique IDs.
func readTechniques(v jsonValue, f jsonField) ([]string, error) {
	if !v.present() {
		return nil, nil
	}
	if v.kind != jsonArray {
		return nil, f.typeError(ErrBadField, "techniques", v, "an array")
	}

	ids := []string{}
	err := v.elements(func(k int, item jsonValue) error {
		id := ""
		if item.kind == jsonString {
			id = item.stringValue()
		}
		if !isTechniqueID(id) {
			return f.errorf(ErrBadField, item, fmt.Sprintf(`invalid "techniques[%d]" %s, want an ID such as T0855`, k, quote(item.text)), nil)
		}
		ids = append(ids, id)
		return nil
	})
	return ids, err
}

// sensorModbusKeys are the members of the sensor's modbus block, in the order of the found
// array and of sensorBlock.modbusInts.
var sensorModbusKeys = []string{"transaction_id", "unit_id", "function", "address", "quantity", "exception", "values"}

// readSensorModbus fills m from the sensor's modbus block.
func readSensorModbus(obj jsonValue, m *telemetry.Modbus, slots *[6]int) error {
	f := jsonField{format: sensorFormat}.at("modbus.")
	var found [7]jsonValue
	lookup(obj, sensorModbusKeys, found[:])
	var err error

	if m.TransactionID, err = f.intInto("transaction_id", found[0], 0, 65535, &slots[0]); err != nil {
		return err
	}
	if m.UnitID, err = f.intInto("unit_id", found[1], 0, 255, &slots[1]); err != nil {
		return err
	}
	if m.Function, err = f.intInto("function", found[2], 1, 127, &slots[2]); err != nil {
		return err
	}
	if m.Address, err = f.intInto("address", found[3], 0, 65535, &slots[3]); err != nil {
		return err
	}
	if m.Quantity, err = f.intInto("quantity", found[4], 0, 65535, &slots[4]); err != nil {
		return err
	}
	if m.Exception, err = f.intInto("exception", found[5], 1, 255, &slots[5]); err != nil {
		return err
	}

	// Values: written registers, or coil states as 0 and 1.
	values := found[6]
	if !values.present() {
		return nil
	}
	if values.kind != jsonArray {
		return f.typeError(ErrBadField, "values", values, "an array")
	}
	m.Values = []int{}
	return values.elements(func(k int, item jsonValue) error {
		n, err := strconv.ParseInt(item.text, 10, 64)
		if item.kind != jsonNumber || err != nil || n < 0 || n > 65535 {
			return f.errorf(ErrBadNumber, item, fmt.Sprintf(`invalid "modbus.values[%d]" %s, want an integer from 0 to 65535`, k, quote(item.text)), nil)
		}
		m.Values = append(m.Values, int(n))
		return nil
	})
}
