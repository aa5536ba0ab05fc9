package campaign

import "encoding/binary"

// Function codes the clients send (Modbus Application Protocol v1.1b3, section 6).
const (
	FuncReadCoils            = 1
	FuncReadDiscreteInputs   = 2
	FuncReadHoldingRegisters = 3
	FuncReadInputRegisters   = 4
	FuncWriteSingleRegister  = 6
	FuncEncapsulated         = 43
	meiReadDeviceID          = 14
	deviceIDBasic            = 1
)

// ReadPDU returns a read request of function fn for quantity items from addr.
func ReadPDU(fn uint8, addr, quantity uint16) []byte {
	pdu := []byte{fn}
	pdu = binary.BigEndian.AppendUint16(pdu, addr)
	return binary.BigEndian.AppendUint16(pdu, quantity)
}

// WriteRegisterPDU returns a Write Single Register request.
func WriteRegisterPDU(addr, value uint16) []byte {
	pdu := []byte{FuncWriteSingleRegister}
	pdu = binary.BigEndian.AppendUint16(pdu, addr)
	return binary.BigEndian.AppendUint16(pdu, value)
}

// DeviceIDPDU returns a Read Device Identification request for the basic objects.
func DeviceIDPDU() []byte {
	return []byte{FuncEncapsulated, meiReadDeviceID, deviceIDBasic, 0}
}

// IsException reports whether a response PDU is an exception response.
func IsException(pdu []byte) bool {
	return len(pdu) >= 2 && pdu[0]&0x80 != 0
}

// ExceptionCode returns the exception code of an exception response, or 0.
func ExceptionCode(pdu []byte) uint8 {
	if !IsException(pdu) {
		return 0
	}
	return pdu[1]
}
