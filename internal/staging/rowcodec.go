package staging

import (
	"encoding/binary"
	"time"
	"unsafe"
)

// A buffered row is stored as bytes, so that the garbage collector never scans it: a flags
// word, the optional integers that are present, then each string as a ULEB128 length and its
// bytes. The event time, raw key and line live in the row's rowRef instead.

// Flags of a buffered row: which optional values are present.
const (
	hasIngestTime uint32 = 1 << iota
	timeAssumedUTC
	hasSrcPort
	hasDstPort
	hasSignatureID
	hasAlertSeverity
	hasModbusUnitID
	hasModbusFunction
	hasModbusAddress
	hasModbusException
	hasAlertCount
	hasTechniques // a non-nil list, which may be empty
)

// optionalInt32s returns pointers to the row's *int32 fields, in the order they are stored,
// each with its flag.
func optionalInt32s(r *Row) [8]optionalInt32 {
	return [8]optionalInt32{
		{hasSrcPort, &r.SrcPort},
		{hasDstPort, &r.DstPort},
		{hasAlertSeverity, &r.AlertSeverity},
		{hasModbusUnitID, &r.ModbusUnitID},
		{hasModbusFunction, &r.ModbusFunction},
		{hasModbusAddress, &r.ModbusAddress},
		{hasModbusException, &r.ModbusException},
		{hasAlertCount, &r.AlertCount},
	}
}

type optionalInt32 struct {
	flag  uint32
	field **int32
}

// rowStrings returns pointers to the row's string fields, in the order they are stored.
func rowStrings(r *Row) [16]*string {
	return [16]*string{
		&r.Format, &r.HostIdentifier, &r.EventType, &r.Rule, &r.Severity, &r.SrcIP, &r.DstIP,
		&r.Protocol, &r.Action, &r.FlowID, &r.LogPrefix, &r.InInterface, &r.OutInterface,
		&r.Signature, &r.Category, &r.Message,
	}
}

// encodedRowSize returns an upper bound of the bytes that appendRow writes for r.
func encodedRowSize(r *Row) int {
	n := 4 + 12 + 8 + 4*optionalInts + binary.MaxVarintLen64
	for _, s := range rowStrings(r) {
		n += binary.MaxVarintLen64 + len(*s)
	}
	for _, s := range r.Techniques {
		n += binary.MaxVarintLen64 + len(s)
	}
	return n + binary.MaxVarintLen64 + len(r.Raw)
}

// appendRow appends the stored form of r to b, all but its event time, raw key and line.
func appendRow(b []byte, r *Row) []byte {
	var flags uint32
	if r.IngestTime != nil {
		flags |= hasIngestTime
	}
	if r.TimeAssumedUTC {
		flags |= timeAssumedUTC
	}
	if r.SignatureID != nil {
		flags |= hasSignatureID
	}
	ints := optionalInt32s(r)
	for _, o := range ints {
		if *o.field != nil {
			flags |= o.flag
		}
	}
	if r.Techniques != nil {
		flags |= hasTechniques
	}
	b = binary.LittleEndian.AppendUint32(b, flags)

	// The optional values that are present, fixed width.
	if r.IngestTime != nil {
		b = binary.LittleEndian.AppendUint64(b, uint64(r.IngestTime.Unix()))
		b = binary.LittleEndian.AppendUint32(b, uint32(r.IngestTime.Nanosecond()))
	}
	if r.SignatureID != nil {
		b = binary.LittleEndian.AppendUint64(b, uint64(*r.SignatureID))
	}
	for _, o := range ints {
		if p := *o.field; p != nil {
			b = binary.LittleEndian.AppendUint32(b, uint32(*p))
		}
	}

	// The strings, then the techniques as a count and their strings.
	for _, s := range rowStrings(r) {
		b = appendText(b, *s)
	}
	if r.Techniques != nil {
		b = binary.AppendUvarint(b, uint64(len(r.Techniques)))
		for _, s := range r.Techniques {
			b = appendText(b, s)
		}
	}
	return appendText(b, r.Raw)
}

func appendText(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// rowDecoder turns stored rows back into Rows. The strings of a decoded row point into the
// stored bytes, which a RowBuffer never changes once written. Its pointers point into the
// decoder, so a decoded row is valid until the next decode.
type rowDecoder struct {
	row        Row
	ingestTime time.Time
	ints       [optionalInts]int32
	sid        int64
	techniques []string
}

// decode reads the row stored at b.
func (d *rowDecoder) decode(b []byte, ref rowRef, rawKey string) *Row {
	r := &d.row
	*r = Row{
		EventTime: time.UnixMilli(ref.millis).UTC(),
		RawKey:    rawKey,
		RawLine:   ref.line,
	}
	flags := binary.LittleEndian.Uint32(b)
	b = b[4:]

	r.TimeAssumedUTC = flags&timeAssumedUTC != 0
	if flags&hasIngestTime != 0 {
		sec, nsec := int64(binary.LittleEndian.Uint64(b)), int64(binary.LittleEndian.Uint32(b[8:]))
		d.ingestTime = time.Unix(sec, nsec).UTC()
		r.IngestTime = &d.ingestTime
		b = b[12:]
	}
	if flags&hasSignatureID != 0 {
		d.sid = int64(binary.LittleEndian.Uint64(b))
		r.SignatureID = &d.sid
		b = b[8:]
	}
	for i, o := range optionalInt32s(r) {
		if flags&o.flag != 0 {
			d.ints[i] = int32(binary.LittleEndian.Uint32(b))
			*o.field = &d.ints[i]
			b = b[4:]
		}
	}

	for _, s := range rowStrings(r) {
		*s, b = readText(b)
	}
	if flags&hasTechniques != 0 {
		n, size := binary.Uvarint(b)
		b = b[size:]
		if d.techniques == nil {
			d.techniques = make([]string, 0, 8) // non-nil: an empty list is not NULL
		}
		d.techniques = d.techniques[:0]
		for range n {
			var s string
			s, b = readText(b)
			d.techniques = append(d.techniques, s)
		}
		r.Techniques = d.techniques
	}
	r.Raw, _ = readText(b)
	return r
}

// readText reads one string that appendText wrote, without copying its bytes.
func readText(b []byte) (string, []byte) {
	n, size := binary.Uvarint(b)
	b = b[size:]
	if n == 0 {
		return "", b
	}
	return unsafe.String(&b[0], int(n)), b[n:]
}
