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
	// Backing arrays for Techniques and Values, so that a typical alert's slices need no
	// allocation of their own. Longer lists grow past them as usual.
	techniques [4]string
	values     [4]int
}

// sensorSeverities are the severities the sensor alert schema allows.
var sensorSeverities = [...]string{"CRITICAL", "HIGH", "MEDIUM", "LOW"}

// readSensorAlert fills rec from one line of otsensor's alert NDJSON, whose contract is
// schema/sensor-alert.schema.json.
func readSensorAlert(fields *jsonFields, rec *telemetry.Record, blocks *Blocks) error {
	f := jsonField{format: sensorFormat}
	blk := blocks.sensorBlock()
	a := &blk.alert
	rec.Format = telemetry.FormatSensorAlert
	rec.EventType = "alert"
	rec.Alert = a

	// EventTime: timestamp, required.
	timestamp := fields.get(fieldTimestamp)
	t, assumed, ok, err := f.timestamp("timestamp", timestamp)
	if err != nil {
		return err
	}
	if !ok {
		return f.errorf(ErrNoEventTime, timestamp, `"timestamp" missing`, nil)
	}
	rec.EventTime, rec.TimeAssumedUTC = t, assumed

	// Host: the sensor name. Rule: the detection that fired.
	sensor, rule := fields.get(fieldSensor), fields.get(fieldRule)
	if rec.Host, ok, err = f.str("sensor", sensor); err != nil {
		return err
	} else if !ok || rec.Host == "" {
		return f.errorf(ErrMissingField, sensor, `"sensor" missing or empty`, nil)
	}
	if a.Rule, ok, err = f.str("rule", rule); err != nil {
		return err
	} else if !ok || a.Rule == "" {
		return f.errorf(ErrMissingField, rule, `"rule" missing or empty`, nil)
	}

	// Severity: one of the schema's four words.
	if err := readSensorSeverity(fields.get(fieldSeverity), f, a); err != nil {
		return err
	}

	// Techniques: ATT&CK for ICS IDs.
	if a.Techniques, err = readTechniques(fields, f, blk.techniques[:0]); err != nil {
		return err
	}

	// SrcIP, DstIP, SrcPort, DstPort.
	if rec.SrcIP, err = f.addr("src_ip", fields.get(fieldSrcIP)); err != nil {
		return err
	}
	if rec.DstIP, err = f.addr("dst_ip", fields.get(fieldDstIP)); err != nil {
		return err
	}
	if rec.SrcPort, err = f.port("src_port", fields.get(fieldSrcPort), &blk.ports[0]); err != nil {
		return err
	}
	if rec.DstPort, err = f.port("dst_port", fields.get(fieldDstPort), &blk.ports[1]); err != nil {
		return err
	}

	// SrcZone, DstZone, Message.
	if a.SrcZone, _, err = f.str("src_zone", fields.get(fieldSrcZone)); err != nil {
		return err
	}
	if a.DstZone, _, err = f.str("dst_zone", fields.get(fieldDstZone)); err != nil {
		return err
	}
	if a.Message, _, err = f.str("message", fields.get(fieldMessage)); err != nil {
		return err
	}

	// Count: events folded into the alert; 1 when absent.
	count, ok, err := f.integer("count", fields.get(fieldCount), 1, 1<<53, ErrBadNumber)
	if err != nil {
		return err
	}
	a.Count = 1
	if ok {
		a.Count = int(count)
	}

	// FirstSeen, LastSeen.
	if first, _, ok, err := f.timestamp("first_seen", fields.get(fieldFirstSeen)); err != nil {
		return err
	} else if ok {
		blk.firstSeen = first
		a.FirstSeen = &blk.firstSeen
	}
	if last, _, ok, err := f.timestamp("last_seen", fields.get(fieldLastSeen)); err != nil {
		return err
	} else if ok {
		blk.lastSeen = last
		a.LastSeen = &blk.lastSeen
	}

	// Modbus: the request that triggered the alert, when one did.
	_, ok, err = f.object("modbus", fields.get(fieldModbus))
	if err != nil {
		return err
	}
	if ok {
		rec.Modbus = &blk.modbus
		return readSensorModbus(fields, &blk.modbus, &blk.modbusInts, blk.values[:0])
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

// readTechniques reads the techniques array into ids, rejecting items not shaped like
// technique IDs. ids must be empty and not nil, because an empty array reads as an empty list.
func readTechniques(fields *jsonFields, f jsonField, ids []string) ([]string, error) {
	v := fields.get(fieldTechniques)
	if !v.present() {
		return nil, nil
	}
	if v.kind != jsonArray {
		return nil, f.typeError(ErrBadField, "techniques", v, "an array")
	}

	err := fields.elements(listTechniques, v, func(k int, item jsonValue) error {
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

// readSensorModbus fills m from the sensor's modbus block. The slots are, in order,
// TransactionID, UnitID, Function, Address, Quantity and Exception. backing is the empty,
// non-nil slice that Values grows from.
func readSensorModbus(fields *jsonFields, m *telemetry.Modbus, slots *[6]int, backing []int) error {
	f := jsonField{format: sensorFormat, path: "modbus."}
	var err error

	if m.TransactionID, err = f.intInto("transaction_id", fields.get(fieldModbusTransactionID), 0, 65535, &slots[0]); err != nil {
		return err
	}
	if m.UnitID, err = f.intInto("unit_id", fields.get(fieldModbusUnitID), 0, 255, &slots[1]); err != nil {
		return err
	}
	if m.Function, err = f.intInto("function", fields.get(fieldModbusFunction), 1, 127, &slots[2]); err != nil {
		return err
	}
	if m.Address, err = f.intInto("address", fields.get(fieldModbusAddress), 0, 65535, &slots[3]); err != nil {
		return err
	}
	if m.Quantity, err = f.intInto("quantity", fields.get(fieldModbusQuantity), 0, 65535, &slots[4]); err != nil {
		return err
	}
	if m.Exception, err = f.intInto("exception", fields.get(fieldModbusException), 1, 255, &slots[5]); err != nil {
		return err
	}

	// Values: written registers, or coil states as 0 and 1.
	values := fields.get(fieldModbusValues)
	if !values.present() {
		return nil
	}
	if values.kind != jsonArray {
		return f.typeError(ErrBadField, "values", values, "an array")
	}
	m.Values = backing
	return fields.elements(listModbusValues, values, func(k int, item jsonValue) error {
		n, ok := parseJSONInt(item.text)
		var err error
		if !ok {
			n, err = strconv.ParseInt(item.text, 10, 64)
		}
		if item.kind != jsonNumber || err != nil || n < 0 || n > 65535 {
			return f.errorf(ErrBadNumber, item, fmt.Sprintf(`invalid "modbus.values[%d]" %s, want an integer from 0 to 65535`, k, quote(item.text)), nil)
		}
		m.Values = append(m.Values, int(n))
		return nil
	})
}
