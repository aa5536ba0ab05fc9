package plant

import (
	"encoding/binary"
	"errors"

	"github.com/simonvetter/modbus"
)

// Modbus exception codes (Modbus Application Protocol v1.1b3, section 7).
const (
	ExceptionIllegalFunction    = 0x01
	ExceptionIllegalDataAddress = 0x02
	ExceptionIllegalDataValue   = 0x03
	ExceptionDeviceFailure      = 0x04
	ExceptionGatewayNoResponse  = 0x0B
)

// Quantity limits of the read functions (Modbus Application Protocol v1.1b3, 6.1-6.4).
const (
	maxReadBits      = 2000
	maxReadRegisters = 125
	maxWriteBits     = 1968
	maxWriteRegs     = 123
)

// Serve handles one request PDU (function code first) from client to unit as the TCP
// server of github.com/simonvetter/modbus v1.6.4 does, and returns the response PDU: the
// data, an echo of a write, or an exception. It returns nil for a malformed request (a
// wrong length, or a quantity of 0 or past the function's limit), on which that server
// closes the connection without a response. It uses the same handlers as the server, so a
// simulated capture holds the responses a live PLC gives.
func (p *Plant) Serve(client string, unit uint8, pdu []byte) []byte {
	if len(pdu) == 0 {
		return nil
	}
	fn, body := pdu[0], pdu[1:]

	switch fn {
	case 1, 2, 3, 4:
		return p.serveRead(client, unit, fn, body)
	case 5:
		return p.serveWriteCoil(client, unit, pdu)
	case 15:
		return p.serveWriteCoils(client, unit, pdu)
	case 6:
		if len(body) != 4 {
			return nil
		}
		addr, value := binary.BigEndian.Uint16(body[0:2]), binary.BigEndian.Uint16(body[2:4])
		_, err := p.HandleHoldingRegisters(&modbus.HoldingRegistersRequest{
			ClientAddr: client, UnitId: unit, Addr: addr, Quantity: 1, IsWrite: true, Args: []uint16{value},
		})
		return echoOrException(fn, pdu, err)
	case 16:
		return p.serveWriteRegisters(client, unit, pdu)
	}
	return exception(fn, ExceptionIllegalFunction)
}

func (p *Plant) serveRead(client string, unit, fn uint8, body []byte) []byte {
	if len(body) != 4 {
		return nil
	}
	addr, quantity := binary.BigEndian.Uint16(body[0:2]), binary.BigEndian.Uint16(body[2:4])
	limit := maxReadRegisters
	if fn <= 2 {
		limit = maxReadBits
	}
	if quantity == 0 || int(quantity) > limit {
		return nil
	}
	if int(addr)+int(quantity) > 0x10000 {
		return exception(fn, ExceptionIllegalDataAddress)
	}

	var bits []bool
	var regs []uint16
	var err error
	switch fn {
	case 1:
		bits, err = p.HandleCoils(&modbus.CoilsRequest{ClientAddr: client, UnitId: unit, Addr: addr, Quantity: quantity})
	case 2:
		bits, err = p.HandleDiscreteInputs(&modbus.DiscreteInputsRequest{ClientAddr: client, UnitId: unit, Addr: addr, Quantity: quantity})
	case 3:
		regs, err = p.HandleHoldingRegisters(&modbus.HoldingRegistersRequest{ClientAddr: client, UnitId: unit, Addr: addr, Quantity: quantity})
	default:
		regs, err = p.HandleInputRegisters(&modbus.InputRegistersRequest{ClientAddr: client, UnitId: unit, Addr: addr, Quantity: quantity})
	}
	if err != nil {
		return exception(fn, exceptionCode(err))
	}

	// Response: function, byte count, then packed bits (LSB first) or big-endian registers.
	if fn <= 2 {
		out := make([]byte, 2+(len(bits)+7)/8)
		out[0], out[1] = fn, byte(len(out)-2)
		for i, on := range bits {
			if on {
				out[2+i/8] |= 1 << (i % 8)
			}
		}
		return out
	}
	out := make([]byte, 2, 2+2*len(regs))
	out[0], out[1] = fn, byte(2*len(regs))
	for _, r := range regs {
		out = binary.BigEndian.AppendUint16(out, r)
	}
	return out
}

func (p *Plant) serveWriteCoil(client string, unit uint8, pdu []byte) []byte {
	const fn = 5
	if len(pdu) != 5 {
		return nil
	}
	addr, value := binary.BigEndian.Uint16(pdu[1:3]), binary.BigEndian.Uint16(pdu[3:5])
	if value != 0xFF00 && value != 0x0000 {
		return nil
	}
	_, err := p.HandleCoils(&modbus.CoilsRequest{
		ClientAddr: client, UnitId: unit, Addr: addr, Quantity: 1, IsWrite: true, Args: []bool{value == 0xFF00},
	})
	return echoOrException(fn, pdu, err)
}

func (p *Plant) serveWriteRegisters(client string, unit uint8, pdu []byte) []byte {
	const fn = 16
	if len(pdu) < 6 {
		return nil
	}
	addr, quantity, count := binary.BigEndian.Uint16(pdu[1:3]), binary.BigEndian.Uint16(pdu[3:5]), int(pdu[5])
	if quantity == 0 || quantity > maxWriteRegs || count != 2*int(quantity) || len(pdu) != 6+count {
		return nil
	}
	if int(addr)+int(quantity) > 0x10000 {
		return exception(fn, ExceptionIllegalDataAddress)
	}

	values := make([]uint16, quantity)
	for i := range values {
		values[i] = binary.BigEndian.Uint16(pdu[6+2*i:])
	}
	_, err := p.HandleHoldingRegisters(&modbus.HoldingRegistersRequest{
		ClientAddr: client, UnitId: unit, Addr: addr, Quantity: quantity, IsWrite: true, Args: values,
	})
	if err != nil {
		return exception(fn, exceptionCode(err))
	}
	return pdu[:5:5]
}

func (p *Plant) serveWriteCoils(client string, unit uint8, pdu []byte) []byte {
	const fn = 15
	if len(pdu) < 6 {
		return nil
	}
	addr, quantity, count := binary.BigEndian.Uint16(pdu[1:3]), binary.BigEndian.Uint16(pdu[3:5]), int(pdu[5])
	if quantity == 0 || quantity > maxWriteBits || count != (int(quantity)+7)/8 || len(pdu) != 6+count {
		return nil
	}
	if int(addr)+int(quantity) > 0x10000 {
		return exception(fn, ExceptionIllegalDataAddress)
	}

	coils := make([]bool, quantity)
	for i := range coils {
		coils[i] = pdu[6+i/8]&(1<<(i%8)) != 0
	}
	_, err := p.HandleCoils(&modbus.CoilsRequest{
		ClientAddr: client, UnitId: unit, Addr: addr, Quantity: quantity, IsWrite: true, Args: coils,
	})
	if err != nil {
		return exception(fn, exceptionCode(err))
	}
	return pdu[:5:5]
}

// echoOrException returns a copy of the request for a successful single write, which the
// protocol echoes, or the exception for err.
func echoOrException(fn uint8, pdu []byte, err error) []byte {
	if err != nil {
		return exception(fn, exceptionCode(err))
	}
	return append([]byte(nil), pdu...)
}

func exception(fn, code uint8) []byte {
	return []byte{fn | 0x80, code}
}

// exceptionCode maps the library's errors to the codes its server sends for them.
func exceptionCode(err error) uint8 {
	switch {
	case errors.Is(err, modbus.ErrIllegalFunction):
		return ExceptionIllegalFunction
	case errors.Is(err, modbus.ErrIllegalDataAddress):
		return ExceptionIllegalDataAddress
	case errors.Is(err, modbus.ErrIllegalDataValue):
		return ExceptionIllegalDataValue
	case errors.Is(err, modbus.ErrGWTargetFailedToRespond):
		return ExceptionGatewayNoResponse
	}
	return ExceptionDeviceFailure
}
