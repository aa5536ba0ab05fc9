package modbus

import "encoding/binary"

const (
	// HeaderLen is the MBAP header: transaction ID (2), protocol ID (2), length (2), unit ID (1).
	HeaderLen = 7
	// MaxPDULen is the largest PDU, inherited from the 256-byte serial line ADU.
	MaxPDULen = 253
	// MaxADULen is the largest Modbus/TCP ADU: the MBAP header plus the largest PDU.
	MaxADULen = HeaderLen + MaxPDULen
	// minLengthField counts the unit ID and the function code, the smallest valid length field.
	minLengthField = 2
	// maxLengthField counts the unit ID and the largest PDU.
	maxLengthField = 1 + MaxPDULen
	// lengthFieldBase is the number of header bytes that the length field does not count.
	lengthFieldBase = 6
)

// ExceptionBit is set in the function code of an exception response.
const ExceptionBit = 0x80

// ADU is one Modbus/TCP application data unit. PDU starts with the function code; it
// aliases the stream's buffer or the segment and is valid only during the Handler call.
type ADU struct {
	TransactionID uint16
	UnitID        uint8
	PDU           []byte
}

// Function returns the function code as sent, exception bit included.
func (a *ADU) Function() uint8 { return a.PDU[0] }

// BaseFunction returns the function code without the exception bit.
func (a *ADU) BaseFunction() uint8 { return a.PDU[0] &^ ExceptionBit }

// IsException reports whether the ADU is an exception response.
func (a *ADU) IsException() bool { return a.PDU[0]&ExceptionBit != 0 }

// Handler receives what a Stream decodes.
type Handler interface {
	// HandleADU is called for each ADU with a valid MBAP header, in stream order.
	HandleADU(adu *ADU)
	// HandleDecodeError is called once for each invalid header.
	HandleDecodeError(kind ErrorKind)
}

// Stream splits one direction of a TCP byte stream into ADUs. It keeps at most one
// partial ADU (MaxADULen bytes) between calls. The zero value is ready to use.
type Stream struct {
	buf [MaxADULen]byte
	n   int
	adu ADU
}

// Pending returns the number of bytes of a partial ADU held for the next Feed.
func (s *Stream) Pending() int { return s.n }

// Reset drops any partial ADU, for example after the reassembler skipped lost bytes.
func (s *Stream) Reset() { s.n = 0 }

// Feed decodes the next bytes of the stream, which must follow the previous Feed's bytes
// without a gap. An invalid header drops the rest of data and any partial ADU.
func (s *Stream) Feed(data []byte, h Handler) {
	for len(data) > 0 {
		// A partial ADU from an earlier segment is completed in the buffer first.
		if s.n > 0 {
			data = s.fill(data, h)
			continue
		}

		// Fast path: whole ADUs are decoded in place without copying.
		if len(data) < HeaderLen {
			s.n = copy(s.buf[:], data)
			return
		}
		total, kind, ok := checkHeader(data)
		if !ok {
			h.HandleDecodeError(kind)
			return
		}
		if len(data) < total {
			s.n = copy(s.buf[:], data)
			return
		}
		s.deliver(data[:total], h)
		data = data[total:]
	}
}

// fill moves bytes from data into the partial ADU, delivers it when complete, and
// returns the bytes left over. It returns nil when it drops the segment.
func (s *Stream) fill(data []byte, h Handler) []byte {
	// Complete the header before its length field can be trusted.
	if s.n < HeaderLen {
		took := copy(s.buf[s.n:HeaderLen], data)
		s.n += took
		data = data[took:]
		if s.n < HeaderLen {
			return nil
		}
	}

	total, kind, ok := checkHeader(s.buf[:HeaderLen])
	if !ok {
		s.n = 0
		h.HandleDecodeError(kind)
		return nil
	}

	took := copy(s.buf[s.n:total], data)
	s.n += took
	data = data[took:]
	if s.n < total {
		return nil
	}

	s.n = 0
	s.deliver(s.buf[:total], h)
	return data
}

func (s *Stream) deliver(adu []byte, h Handler) {
	s.adu.TransactionID = binary.BigEndian.Uint16(adu[0:2])
	s.adu.UnitID = adu[6]
	s.adu.PDU = adu[HeaderLen:]
	h.HandleADU(&s.adu)
}

// checkHeader validates an MBAP header (at least HeaderLen bytes) and returns the ADU's
// total length.
func checkHeader(b []byte) (total int, kind ErrorKind, ok bool) {
	if binary.BigEndian.Uint16(b[2:4]) != 0 {
		return 0, ErrProtocolID, false
	}

	length := int(binary.BigEndian.Uint16(b[4:6]))
	if length < minLengthField || length > maxLengthField {
		return 0, ErrLength, false
	}

	return lengthFieldBase + length, 0, true
}
