package formats

import (
	"strings"

	"github.com/valyala/fastjson"

	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

// modbusExceptionBit is set in the function code of a Modbus exception response
// (Modbus Application Protocol v1.1b3, section 7).
const modbusExceptionBit = 0x80

// readEVEModbus fills rec.Modbus from Suricata's modbus object: the request gives the
// transaction, unit, function and addresses; the response adds the exception code.
func readEVEModbus(obj *fastjson.Value, blk *eveBlock, rec *telemetry.Record) error {
	f := jsonField{format: eveFormat}.at("modbus.")
	m := &blk.modbus
	rec.Modbus = m

	request, err := f.object("request", obj.Get("request"))
	if err != nil {
		return err
	}
	response, err := f.object("response", obj.Get("response"))
	if err != nil {
		return err
	}

	// Each field comes from the request when it has it, else from the response.
	for _, side := range [...]struct {
		name string
		v    *fastjson.Value
	}{{"request.", request}, {"response.", response}} {
		if side.v == nil {
			continue
		}
		if err := readModbusMessage(side.v, f.at(side.name), m, &blk.modbusInts); err != nil {
			return err
		}
	}
	return nil
}

// readModbusMessage fills the fields of m that are still unset from one request or response.
func readModbusMessage(msg *fastjson.Value, f jsonField, m *telemetry.Modbus, slots *[6]int) error {
	var err error

	// TransactionID, UnitID.
	if m.TransactionID == nil {
		if m.TransactionID, err = f.intInto("transaction_id", msg.Get("transaction_id"), 0, 65535, &slots[0]); err != nil {
			return err
		}
	}
	if m.UnitID == nil {
		if m.UnitID, err = f.intInto("unit_id", msg.Get("unit_id"), 0, 255, &slots[1]); err != nil {
			return err
		}
	}

	// Function: function_raw without the exception bit.
	if m.Function == nil {
		if m.Function, err = f.intInto("function_raw", msg.Get("function_raw"), 0, 255, &slots[2]); err != nil {
			return err
		}
		if m.Function != nil {
			*m.Function &^= modbusExceptionBit
		}
	}

	// Exception: exception.raw.
	exc, err := f.object("exception", msg.Get("exception"))
	if err != nil {
		return err
	}
	if exc != nil && m.Exception == nil {
		ef := f.at("exception.")
		if m.Exception, err = ef.intInto("raw", exc.Get("raw"), 0, 255, &slots[3]); err != nil {
			return err
		}
	}

	// Access: "READ | COILS" split into words.
	if v := msg.Get("access_type"); m.Access == nil && v != nil && v.Type() == fastjson.TypeString {
		m.Access = splitAccess(v.GetStringBytes())
	}

	// Address, Quantity and Values from the read or write block of a request.
	for _, block := range [...]struct{ key, prefix string }{{"read", "read."}, {"write", "write."}} {
		b, err := f.object(block.key, msg.Get(block.key))
		if err != nil {
			return err
		}
		if b == nil {
			continue
		}
		bf := f.at(block.prefix)
		if m.Address == nil {
			if m.Address, err = bf.intInto("address", b.Get("address"), 0, 65535, &slots[4]); err != nil {
				return err
			}
		}
		if m.Quantity == nil {
			if m.Quantity, err = bf.intInto("quantity", b.Get("quantity"), 0, 65535, &slots[5]); err != nil {
				return err
			}
		}
		// A single write logs its value as a number; multiple writes log raw bytes as text.
		if d := b.Get("data"); block.key == "write" && m.Values == nil && d != nil && d.Type() == fastjson.TypeNumber {
			value, _, err := bf.integer("data", d, 0, 65535, ErrBadNumber)
			if err != nil {
				return err
			}
			m.Values = []int{int(value)}
		}
	}
	return nil
}

// splitAccess splits Suricata's access_type ("READ | COILS") into words; NONE means no access.
func splitAccess(b []byte) []string {
	var words []string
	for part := range strings.SplitSeq(bytesView(b), "|") {
		word := strings.TrimSpace(part)
		if word == "" || word == "NONE" {
			continue
		}
		words = append(words, intern([]byte(word), "READ", "WRITE", "COILS", "HOLDING", "INPUT", "DISCRETES"))
	}
	return words
}
