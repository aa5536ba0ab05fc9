package formats

import (
	"strings"

	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

// modbusExceptionBit is set in the function code of a Modbus exception response
// (Modbus Application Protocol v1.1b3, section 7).
const modbusExceptionBit = 0x80

// Indexes into eveBlock.modbusInts.
const (
	modbusTransaction = iota
	modbusUnit
	modbusFunction
	modbusException
	modbusAddress
	modbusQuantity
)

// modbusSide is the request or response object of Suricata's modbus object.
type modbusSide struct {
	key  string
	id   jsonFieldID // the object
	base jsonFieldID // its members
	// Paths that name its members and those of its nested objects in errors. They are
	// spelled out because joining them per line would allocate.
	path, exceptionPath, readPath, writePath string
}

// modbusSides are the request and response, in the order they are read.
var modbusSides = [...]modbusSide{
	{"request", fieldModbusRequest, fieldModbusRequestBase,
		"modbus.request.", "modbus.request.exception.", "modbus.request.read.", "modbus.request.write."},
	{"response", fieldModbusResponse, fieldModbusResponseBase,
		"modbus.response.", "modbus.response.exception.", "modbus.response.read.", "modbus.response.write."},
}

// readEVEModbus fills rec.Modbus from Suricata's modbus object: the request gives the
// transaction, unit, function and addresses; the response adds the exception code.
func readEVEModbus(fields *jsonFields, blk *eveBlock, rec *telemetry.Record) error {
	f := jsonField{format: eveFormat, path: "modbus."}
	m := &blk.modbus
	rec.Modbus = m

	// Each field comes from the request when it has it, else from the response.
	for i := range modbusSides {
		side := &modbusSides[i]
		_, ok, err := f.object(side.key, fields.get(side.id))
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := readModbusMessage(fields, side, blk); err != nil {
			return err
		}
	}
	return nil
}

// readModbusMessage fills the fields of blk.modbus that are still unset from one request or
// response.
func readModbusMessage(fields *jsonFields, side *modbusSide, blk *eveBlock) error {
	f := jsonField{format: eveFormat, path: side.path}
	m, slots := &blk.modbus, &blk.modbusInts
	base := side.base
	var err error

	// TransactionID, UnitID.
	if m.TransactionID == nil {
		if m.TransactionID, err = f.intInto("transaction_id", fields.get(base+messageTransactionID), 0, 65535, &slots[modbusTransaction]); err != nil {
			return err
		}
	}
	if m.UnitID == nil {
		if m.UnitID, err = f.intInto("unit_id", fields.get(base+messageUnitID), 0, 255, &slots[modbusUnit]); err != nil {
			return err
		}
	}

	// Function: function_raw without the exception bit.
	if m.Function == nil {
		if m.Function, err = f.intInto("function_raw", fields.get(base+messageFunctionRaw), 0, 255, &slots[modbusFunction]); err != nil {
			return err
		}
		if m.Function != nil {
			*m.Function &^= modbusExceptionBit
		}
	}

	// Exception: exception.raw.
	_, ok, err := f.object("exception", fields.get(base+messageException))
	if err != nil {
		return err
	}
	if ok && m.Exception == nil {
		excField := jsonField{format: eveFormat, path: side.exceptionPath}
		if m.Exception, err = excField.intInto("raw", fields.get(base+messageExceptionRaw), 0, 255, &slots[modbusException]); err != nil {
			return err
		}
	}

	// Access: "READ | COILS" split into words.
	if accessType := fields.get(base + messageAccessType); m.Access == nil && accessType.kind == jsonString {
		m.Access = splitAccess(accessType.stringValue(), blk.access[:0])
	}

	// Address, Quantity and Values from the read or write block of a request.
	blocks := [2]struct {
		key, path string
		id, base  jsonFieldID
	}{
		{"read", side.readPath, base + messageRead, base + messageReadBlock},
		{"write", side.writePath, base + messageWrite, base + messageWriteBlock},
	}
	for _, block := range blocks {
		_, ok, err := f.object(block.key, fields.get(block.id))
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		blockField := jsonField{format: eveFormat, path: block.path}
		if err := readModbusBlock(fields, block.base, blockField, block.key == "write", m, slots); err != nil {
			return err
		}
	}
	return nil
}

// readModbusBlock reads a read or write block's address, quantity and, for a single write,
// its value. The block's members start at base.
func readModbusBlock(fields *jsonFields, base jsonFieldID, f jsonField, write bool, m *telemetry.Modbus, slots *[6]int) error {
	var err error

	if m.Address == nil {
		if m.Address, err = f.intInto("address", fields.get(base+blockAddress), 0, 65535, &slots[modbusAddress]); err != nil {
			return err
		}
	}
	if m.Quantity == nil {
		if m.Quantity, err = f.intInto("quantity", fields.get(base+blockQuantity), 0, 65535, &slots[modbusQuantity]); err != nil {
			return err
		}
	}

	// A single write logs its value as a number; multiple writes log raw bytes as text.
	if data := fields.get(base + blockData); write && m.Values == nil && data.kind == jsonNumber {
		value, _, err := f.integer("data", data, 0, 65535, ErrBadNumber)
		if err != nil {
			return err
		}
		m.Values = []int{int(value)}
	}
	return nil
}

// splitAccess splits Suricata's access_type ("READ | COILS") into words; NONE means no access.
// The words go into backing, an empty slice, when they fit. Otherwise it counts them first,
// so that the slice is allocated once at its final size.
func splitAccess(s string, backing []string) []string {
	count := 0
	for rest, more := s, true; more; {
		var part string
		part, rest, more = strings.Cut(rest, "|")
		if isAccessWord(strings.TrimSpace(part)) {
			count++
		}
	}
	if count == 0 {
		return nil
	}

	words := backing
	if count > cap(backing) {
		words = make([]string, 0, count)
	}
	for rest, more := s, true; more; {
		var part string
		part, rest, more = strings.Cut(rest, "|")
		if word := strings.TrimSpace(part); isAccessWord(word) {
			words = append(words, word)
		}
	}
	return words
}

// isAccessWord reports whether a trimmed part of access_type names an access.
func isAccessWord(word string) bool {
	return word != "" && word != "NONE"
}
