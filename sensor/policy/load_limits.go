package policy

import (
	"fmt"
	"math"
	"time"

	"gopkg.in/yaml.v3"
)

func (w *walker) limits(n *yaml.Node) ([]Limit, error) {
	items, err := w.sequence(n, "safety_limits")
	if err != nil {
		return nil, err
	}

	limits := make([]Limit, 0, len(items))
	seen := make(map[limitKey]bool, len(items))
	for i, item := range items {
		field := fmt.Sprintf("safety_limits[%d]", i)
		fields, err := w.mapping(item, field, "unit", "register", "name", "min", "max", "signed")
		if err != nil {
			return nil, err
		}
		for _, key := range []string{"unit", "register", "name", "min", "max"} {
			if _, err := w.required(fields, item, field, key); err != nil {
				return nil, err
			}
		}

		var l Limit
		if node, ok := fields["signed"]; ok {
			if l.Signed, err = w.boolean(node, field+".signed"); err != nil {
				return nil, err
			}
		}
		unit, err := w.integer(fields["unit"], field+".unit", 0, 255)
		if err != nil {
			return nil, err
		}
		register, err := w.integer(fields["register"], field+".register", 0, 65535)
		if err != nil {
			return nil, err
		}
		l.Unit, l.Register = uint8(unit), uint16(register)
		if l.Name, err = w.str(fields["name"], field+".name"); err != nil {
			return nil, err
		}

		// Min and Max: within what the register can hold.
		lowest, highest := 0, math.MaxUint16
		if l.Signed {
			lowest, highest = math.MinInt16, math.MaxInt16
		}
		if l.Min, err = w.integer(fields["min"], field+".min", lowest, highest); err != nil {
			return nil, err
		}
		if l.Max, err = w.integer(fields["max"], field+".max", lowest, highest); err != nil {
			return nil, err
		}
		if l.Min > l.Max {
			return nil, w.errorf(fields["max"], field+".max", "max %d is below min %d", l.Max, l.Min)
		}

		key := limitKey{l.Unit, l.Register}
		if seen[key] {
			return nil, w.errorf(item, field, "unit %d register %d has a limit already", unit, register)
		}
		seen[key] = true
		limits = append(limits, l)
	}
	return limits, nil
}

func (w *walker) detection(n *yaml.Node, d *Detection) error {
	fields, err := w.mapping(n, "detection", "alert_window", "transaction_timeout", "flow_timeout", "scan")
	if err != nil {
		return err
	}

	for _, setting := range []struct {
		key string
		out *time.Duration
	}{
		{"alert_window", &d.AlertWindow},
		{"transaction_timeout", &d.TransactionTimeout},
		{"flow_timeout", &d.FlowTimeout},
	} {
		if node, ok := fields[setting.key]; ok {
			if *setting.out, err = w.duration(node, "detection."+setting.key); err != nil {
				return err
			}
		}
	}

	scan, ok := fields["scan"]
	if !ok {
		return nil
	}
	scanFields, err := w.mapping(scan, "detection.scan", "window", "exceptions", "unit_ids", "registers")
	if err != nil {
		return err
	}
	if node, ok := scanFields["window"]; ok {
		if d.Scan.Window, err = w.duration(node, "detection.scan.window"); err != nil {
			return err
		}
	}
	for _, threshold := range []struct {
		key string
		out *int
	}{
		{"exceptions", &d.Scan.Exceptions},
		{"unit_ids", &d.Scan.UnitIDs},
		{"registers", &d.Scan.Registers},
	} {
		if node, ok := scanFields[threshold.key]; ok {
			// Thresholds: at least 2, so one event is never a scan; at most 256 to bound memory.
			if *threshold.out, err = w.integer(node, "detection.scan."+threshold.key, 2, maxScanThreshold); err != nil {
				return err
			}
		}
	}
	return nil
}

// maxScanThreshold bounds the distinct values the scan rule keeps per client.
const maxScanThreshold = 256
