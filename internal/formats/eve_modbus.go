package formats

import (
	"strings"

	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

// modbusExceptionBit is set in the function code of a Modbus exception response
// (Modbus Application Protocol v1.1b3, section 7).
const modbusExceptionBit = 0x80

// Member names of Suricata's modbus object, in the order of the found arrays below.
var (
	modbusSideKeys    = []string{"request", "response"}
	modbusMessageKeys = []string{"transaction_id", "unit_id", "function_raw", "exception", "access_type", "read", "write"}
	modbusBlockKeys   = []string{"address", "quantity", "data"}
	modbusRawKeys     = []string{"raw"}
)

// Indexes into eveBlock.modbusInts.
const (
	modbusTransaction = iota
	modbusUnit
	modbusFunction
	modbusException
	modbusAddress
	modbusQuantity
)

// readEVEModbus fills rec.Modbus from Suricata's modbus object: the request gives the
// transaction, unit, function and addresses; the response adds the exception code.
func readEVEModbus(obj jsonValue, blk *eveBlock, rec *telemetry.Record) error {
	f := jsonField{format: eveFormat}.at("modbus.")
	m := &blk.modbus
	rec.Modbus = m

	var sides [2]jsonValue
	lookup(obj, modbusSideKeys, sides[:])

	// Each field comes from the request when it has it, else from the response.
	prefixes := [2]string{"request.", "response."}
	for i, side := range sides {
		msg, ok, err := f.object(modbusSideKeys[i], side)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := readModbusMessage(msg, f.at(prefixes[i]), m, &blk.modbusInts); err != nil {
			return err
		}
	}
	return nil
}

// readModbusMessage fills the fields of m that are still unset from one request or response.
func readModbusMessage(msg jsonValue, f jsonField, m *telemetry.Modbus, slots *[6]int) error {
	var found [7]jsonValue
	lookup(msg, modbusMessageKeys, found[:])
	transactionID, unitID, functionRaw, exception, accessType := found[0], found[1], found[2], found[3], found[4]
	var err error

	// TransactionID, UnitID.
	if m.TransactionID == nil {
		if m.TransactionID, err = f.intInto("transaction_id", transactionID, 0, 65535, &slots[modbusTransaction]); err != nil {
			return err
		}
	}
	if m.UnitID == nil {
		if m.UnitID, err = f.intInto("unit_id", unitID, 0, 255, &slots[modbusUnit]); err != nil {
			return err
		}
	}

	// Function: function_raw without the exception bit.
	if m.Function == nil {
		if m.Function, err = f.intInto("function_raw", functionRaw, 0, 255, &slots[modbusFunction]); err != nil {
			return err
		}
		if m.Function != nil {
			*m.Function &^= modbusExceptionBit
		}
	}

	// Exception: exception.raw.
	exc, ok, err := f.object("exception", exception)
	if err != nil {
		return err
	}
	if ok && m.Exception == nil {
		var raw [1]jsonValue
		lookup(exc, modbusRawKeys, raw[:])
		if m.Exception, err = f.at("exception.").intInto("raw", raw[0], 0, 255, &slots[modbusException]); err != nil {
			return err
		}
	}

	// Access: "READ | COILS" split into words.
	if m.Access == nil && accessType.kind == jsonString {
		m.Access = splitAccess(accessType.stringValue())
	}

	// Address, Quantity and Values from the read or write block of a request.
	blocks := [2]struct {
		key, prefix string
		v           jsonValue
	}{{"read", "read.", found[5]}, {"write", "write.", found[6]}}
	for _, block := range blocks {
		b, ok, err := f.object(block.key, block.v)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := readModbusBlock(b, f.at(block.prefix), block.key == "write", m, slots); err != nil {
			return err
		}
	}
	return nil
}

// readModbusBlock reads a read or write block's address, quantity and, for a single write,
// its value.
func readModbusBlock(b jsonValue, f jsonField, write bool, m *telemetry.Modbus, slots *[6]int) error {
	var found [3]jsonValue
	lookup(b, modbusBlockKeys, found[:])
	var err error

	if m.Address == nil {
		if m.Address, err = f.intInto("address", found[0], 0, 65535, &slots[modbusAddress]); err != nil {
			return err
		}
	}
	if m.Quantity == nil {
		if m.Quantity, err = f.intInto("quantity", found[1], 0, 65535, &slots[modbusQuantity]); err != nil {
			return err
		}
	}

	// A single write logs its value as a number; multiple writes log raw bytes as text.
	if write && m.Values == nil && found[2].kind == jsonNumber {
		value, _, err := f.integer("data", found[2], 0, 65535, ErrBadNumber)
		if err != nil {
			return err
		}
		m.Values = []int{int(value)}
	}
	return nil
}

// splitAccess splits Suricata's access_type ("READ | COILS") into words; NONE means no access.
func splitAccess(s string) []string {
	var words []string
	for part := range strings.SplitSeq(s, "|") {
		word := strings.TrimSpace(part)
		if word == "" || word == "NONE" {
			continue
		}
		words = append(words, word)
	}
	return words
}
