package modbus

import "errors"

// ErrorKind classifies a decode error for the counters.
type ErrorKind uint8

// Decode error kinds, in counter order.
const (
	// ErrProtocolID is an MBAP header whose protocol identifier is not 0.
	ErrProtocolID ErrorKind = iota
	// ErrLength is an MBAP length field outside 2-254.
	ErrLength
	// ErrPDU is a PDU too short or inconsistent for its function code.
	ErrPDU
	// NumErrorKinds is the number of kinds, for arrays indexed by ErrorKind.
	NumErrorKinds
)

var errorKindNames = [NumErrorKinds]string{"protocol_id", "length", "pdu"}

// String returns the kind's counter name.
func (k ErrorKind) String() string {
	if k >= NumErrorKinds {
		return "unknown"
	}
	return errorKindNames[k]
}

// Sentinel errors of the PDU parsers; they are all of kind ErrPDU.
var (
	ErrShortPDU       = errors.New("pdu shorter than its function requires")
	ErrByteCount      = errors.New("byte count does not match the quantity")
	ErrQuantity       = errors.New("quantity out of range")
	ErrCoilValue      = errors.New("coil value is neither 0x0000 nor 0xFF00")
	ErrValuesTooSmall = errors.New("values buffer smaller than the written quantity")
)
