package modbus

import "encoding/binary"

// Function codes that the rules look at.
const (
	FuncReadCoils              = 1
	FuncReadDiscreteInputs     = 2
	FuncReadHoldingRegisters   = 3
	FuncReadInputRegisters     = 4
	FuncWriteSingleCoil        = 5
	FuncWriteSingleRegister    = 6
	FuncWriteMultipleCoils     = 15
	FuncWriteMultipleRegisters = 16
	FuncMaskWriteRegister      = 22
	FuncReadWriteRegisters     = 23
	FuncEncapsulatedInterface  = 43
)

// MEIReadDeviceID is the MEI type of Read Device Identification (function 43).
const MEIReadDeviceID = 14

// Quantity limits of the write functions (Modbus Application Protocol v1.1b3, 6.11-6.17).
const (
	maxWriteCoils       = 1968 // function 15: 0x7B0
	maxWriteRegisters   = 123  // function 16: 0x7B
	maxRWWriteRegisters = 121  // function 23: 0x79
	// MaxValues is the most values a single request writes: function 15's coil limit.
	MaxValues = maxWriteCoils
)

// coilOn and coilOff are the only valid values of a Write Single Coil request.
const (
	coilOn  = 0xFF00
	coilOff = 0x0000
)

// Request is the decoded body of a request PDU. Fields a function does not carry are zero.
type Request struct {
	Function uint8
	// Address and Quantity are the first data address (0-based, as in the PDU) and count
	// of the read, or of the write for functions 5, 6, 15, 16, 22 and 23.
	Address  uint16
	Quantity uint16
	// ReadAddress and ReadQuantity are the read part of function 23.
	ReadAddress  uint16
	ReadQuantity uint16
	// Values are the written register values, or coil states as 0 and 1. The slice
	// aliases the buffer given to ParseRequest.
	Values []uint16
	// MEIType is the MEI type of function 43.
	MEIType uint8
}

// IsWriteFunction reports whether fn writes coils or registers.
func IsWriteFunction(fn uint8) bool {
	switch fn {
	case FuncWriteSingleCoil, FuncWriteSingleRegister, FuncWriteMultipleCoils,
		FuncWriteMultipleRegisters, FuncMaskWriteRegister, FuncReadWriteRegisters:
		return true
	}
	return false
}

// WritesCoils reports whether the write function fn addresses coils rather than registers.
func WritesCoils(fn uint8) bool {
	return fn == FuncWriteSingleCoil || fn == FuncWriteMultipleCoils
}

// ParseRequest decodes a request PDU (function code first). Written values go into
// values, which needs room for MaxValues entries to hold any request. Functions without
// a body the rules need return only Function.
func ParseRequest(pdu []byte, values []uint16) (Request, error) {
	req := Request{Function: pdu[0]}
	body := pdu[1:]

	switch req.Function {
	case FuncReadCoils, FuncReadDiscreteInputs, FuncReadHoldingRegisters, FuncReadInputRegisters:
		if len(body) < 4 {
			return req, ErrShortPDU
		}
		req.Address = binary.BigEndian.Uint16(body[0:2])
		req.Quantity = binary.BigEndian.Uint16(body[2:4])

	case FuncWriteSingleCoil:
		return parseSingleCoil(req, body, values)

	case FuncWriteSingleRegister:
		if len(body) < 4 || len(values) < 1 {
			return req, ErrShortPDU
		}
		req.Address = binary.BigEndian.Uint16(body[0:2])
		req.Quantity = 1
		values[0] = binary.BigEndian.Uint16(body[2:4])
		req.Values = values[:1]

	case FuncWriteMultipleCoils:
		return parseMultipleCoils(req, body, values)

	case FuncWriteMultipleRegisters:
		if len(body) < 5 {
			return req, ErrShortPDU
		}
		req.Address = binary.BigEndian.Uint16(body[0:2])
		req.Quantity = binary.BigEndian.Uint16(body[2:4])
		return parseRegisterValues(req, body[4:], maxWriteRegisters, values)

	case FuncMaskWriteRegister:
		if len(body) < 6 {
			return req, ErrShortPDU
		}
		req.Address = binary.BigEndian.Uint16(body[0:2])
		req.Quantity = 1

	case FuncReadWriteRegisters:
		if len(body) < 9 {
			return req, ErrShortPDU
		}
		req.ReadAddress = binary.BigEndian.Uint16(body[0:2])
		req.ReadQuantity = binary.BigEndian.Uint16(body[2:4])
		req.Address = binary.BigEndian.Uint16(body[4:6])
		req.Quantity = binary.BigEndian.Uint16(body[6:8])
		return parseRegisterValues(req, body[8:], maxRWWriteRegisters, values)

	case FuncEncapsulatedInterface:
		if len(body) < 1 {
			return req, ErrShortPDU
		}
		req.MEIType = body[0]
	}

	return req, nil
}

func parseSingleCoil(req Request, body []byte, values []uint16) (Request, error) {
	if len(body) < 4 || len(values) < 1 {
		return req, ErrShortPDU
	}
	req.Address = binary.BigEndian.Uint16(body[0:2])
	req.Quantity = 1

	// Values: the coil state as 0 or 1.
	switch binary.BigEndian.Uint16(body[2:4]) {
	case coilOn:
		values[0] = 1
	case coilOff:
		values[0] = 0
	default:
		return req, ErrCoilValue
	}
	req.Values = values[:1]
	return req, nil
}

func parseMultipleCoils(req Request, body []byte, values []uint16) (Request, error) {
	if len(body) < 5 {
		return req, ErrShortPDU
	}
	req.Address = binary.BigEndian.Uint16(body[0:2])
	req.Quantity = binary.BigEndian.Uint16(body[2:4])
	if req.Quantity == 0 || req.Quantity > maxWriteCoils {
		return req, ErrQuantity
	}

	// The byte count must cover exactly the quantity's bits.
	byteCount := int(body[4])
	if byteCount != (int(req.Quantity)+7)/8 {
		return req, ErrByteCount
	}
	packed := body[5:]
	if len(packed) < byteCount {
		return req, ErrShortPDU
	}
	if len(values) < int(req.Quantity) {
		return req, ErrValuesTooSmall
	}

	// Values: one 0 or 1 per coil, least significant bit of the first byte first.
	for i := range int(req.Quantity) {
		values[i] = uint16(packed[i/8]>>(i%8)) & 1
	}
	req.Values = values[:req.Quantity]
	return req, nil
}

// parseRegisterValues decodes the byte count and register values that follow the write
// address and quantity of functions 16 and 23.
func parseRegisterValues(req Request, rest []byte, maxQuantity uint16, values []uint16) (Request, error) {
	if req.Quantity == 0 || req.Quantity > maxQuantity {
		return req, ErrQuantity
	}

	byteCount := int(rest[0])
	if byteCount != 2*int(req.Quantity) {
		return req, ErrByteCount
	}
	packed := rest[1:]
	if len(packed) < byteCount {
		return req, ErrShortPDU
	}
	if len(values) < int(req.Quantity) {
		return req, ErrValuesTooSmall
	}

	for i := range int(req.Quantity) {
		values[i] = binary.BigEndian.Uint16(packed[2*i:])
	}
	req.Values = values[:req.Quantity]
	return req, nil
}

// ExceptionCode returns the exception code of an exception response PDU, or 0 when the
// PDU is not an exception or has no code byte.
func ExceptionCode(pdu []byte) uint8 {
	if pdu[0]&ExceptionBit == 0 || len(pdu) < 2 {
		return 0
	}
	return pdu[1]
}
