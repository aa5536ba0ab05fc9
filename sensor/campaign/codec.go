package campaign

import (
	"encoding/binary"
	"fmt"
	"io"
)

// MBAP framing (Modbus Messaging on TCP/IP Implementation Guide v1.0b, section 3.1.3).
const (
	mbapHeaderLen = 7   // transaction ID 2, protocol ID 2, length 2, unit ID 1
	maxPDULen     = 253 // the serial line ADU's 256 bytes less address and CRC
)

// Codec frames request PDUs as Modbus/TCP ADUs and reads the responses, numbering the
// transactions of one connection. The zero value starts at transaction 1.
type Codec struct {
	next uint16
	sent uint16
}

// Request returns the ADU for pdu to unit with the next transaction ID.
func (c *Codec) Request(unit uint8, pdu []byte) []byte {
	c.next++
	c.sent = c.next
	return Frame(c.sent, unit, pdu)
}

// Frame returns the ADU with transaction ID id, unit and pdu.
func Frame(id uint16, unit uint8, pdu []byte) []byte {
	adu := make([]byte, mbapHeaderLen, mbapHeaderLen+len(pdu))
	binary.BigEndian.PutUint16(adu[0:2], id)
	binary.BigEndian.PutUint16(adu[4:6], uint16(len(pdu)+1))
	adu[6] = unit
	return append(adu, pdu...)
}

// ReadResponse reads one ADU from r and returns its PDU. It rejects a response to another
// transaction, another protocol ID, or a length outside 2 to 254.
func (c *Codec) ReadResponse(r io.Reader) ([]byte, error) {
	var header [mbapHeaderLen]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}

	id := binary.BigEndian.Uint16(header[0:2])
	protocol := binary.BigEndian.Uint16(header[2:4])
	length := int(binary.BigEndian.Uint16(header[4:6]))
	switch {
	case protocol != 0:
		return nil, fmt.Errorf("invalid MBAP protocol ID %d: expected 0", protocol)
	case length < 2 || length > maxPDULen+1:
		return nil, fmt.Errorf("invalid MBAP length %d: expected 2 to %d", length, maxPDULen+1)
	case id != c.sent:
		return nil, fmt.Errorf("response to transaction %d: expected %d", id, c.sent)
	}

	pdu := make([]byte, length-1)
	if _, err := io.ReadFull(r, pdu); err != nil {
		return nil, fmt.Errorf("read PDU of transaction %d: %w", id, err)
	}
	return pdu, nil
}
