package staging

import (
	"net/netip"
	"time"
	"unsafe"

	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

// Row is one row of staged_telemetry. The parquet tags are the table's schema: column names,
// OPTIONAL for values a record may lack, and millisecond UTC timestamps. The encoder chooses
// each column's encoding itself (dictionaryColumns), whatever encoding a tag might ask for.
type Row struct {
	EventTime       time.Time  `parquet:"event_time,timestamp(millisecond)"`
	IngestTime      *time.Time `parquet:"ingest_time,optional,timestamp(millisecond)"`
	TimeAssumedUTC  bool       `parquet:"time_assumed_utc"`
	Format          string     `parquet:"format"`
	HostIdentifier  string     `parquet:"host_identifier,optional"`
	EventType       string     `parquet:"event_type,optional"`
	Rule            string     `parquet:"rule,optional"`
	Severity        string     `parquet:"severity,optional"`
	SrcIP           string     `parquet:"src_ip,optional"`
	DstIP           string     `parquet:"dst_ip,optional"`
	SrcPort         *int32     `parquet:"src_port,optional"`
	DstPort         *int32     `parquet:"dst_port,optional"`
	Protocol        string     `parquet:"protocol,optional"`
	Action          string     `parquet:"action,optional"`
	FlowID          string     `parquet:"flow_id,optional"`
	LogPrefix       string     `parquet:"log_prefix,optional"`
	InInterface     string     `parquet:"in_interface,optional"`
	OutInterface    string     `parquet:"out_interface,optional"`
	SignatureID     *int64     `parquet:"signature_id,optional"`
	Signature       string     `parquet:"signature,optional"`
	Category        string     `parquet:"category,optional"`
	AlertSeverity   *int32     `parquet:"alert_severity,optional"`
	Techniques      []string   `parquet:"techniques,optional,list"`
	ModbusUnitID    *int32     `parquet:"modbus_unit_id,optional"`
	ModbusFunction  *int32     `parquet:"modbus_function,optional"`
	ModbusAddress   *int32     `parquet:"modbus_address,optional"`
	ModbusException *int32     `parquet:"modbus_exception,optional"`
	AlertCount      *int32     `parquet:"alert_count,optional"`
	Message         string     `parquet:"message,optional"`
	RawKey          string     `parquet:"raw_key"`
	RawLine         int32      `parquet:"raw_line"`
	Raw             string     `parquet:"raw"`
}

// optionalInts is how many *int32 columns a row can fill; FromRecord allocates their values
// together so that a row costs one allocation for all of them.
const optionalInts = 8

// FromRecord builds the row of a record read from line of the raw object rawKey. The row
// shares the record's strings.
func FromRecord(rec *telemetry.Record, rawKey string, line int) Row {
	var row Row
	fillRow(&row, rec, rawKey, line, &intSlab{}, nil)
	return row
}

// fillRow sets row from rec, taking the optional integers from ints. With addrs nil, the
// addresses become new strings. Otherwise they are formatted into *addrs and share its bytes,
// which lets a caller that copies the row at once allocate nothing.
func fillRow(row *Row, rec *telemetry.Record, rawKey string, line int, ints *intSlab, addrs *[]byte) {
	*row = Row{
		EventTime:      rec.EventTime.UTC(),
		IngestTime:     rec.IngestTime,
		TimeAssumedUTC: rec.TimeAssumedUTC,
		Format:         string(rec.Format),
		HostIdentifier: rec.Host,
		EventType:      rec.EventType,
		Protocol:       rec.Protocol,
		Action:         rec.Action,
		FlowID:         rec.FlowID,
		RawKey:         rawKey,
		RawLine:        int32(line),
		Raw:            rec.Raw,
	}

	// src_ip, dst_ip: canonical text form, NULL when the record has no address.
	row.SrcIP = addrText(rec.SrcIP, addrs)
	row.DstIP = addrText(rec.DstIP, addrs)
	row.SrcPort = ints.port(rec.SrcPort)
	row.DstPort = ints.port(rec.DstPort)

	// log_prefix, in_interface, out_interface: netfilter only.
	if nf := rec.Netfilter; nf != nil {
		row.LogPrefix = nf.Prefix
		row.InInterface = nf.In
		if nf.Out != nil {
			row.OutInterface = *nf.Out
		}
	}

	// rule, severity, signature and the alert's count: sensor and EVE alerts.
	if a := rec.Alert; a != nil {
		row.Rule = a.Rule
		row.Severity = a.Severity
		row.SignatureID = a.SignatureID
		row.Signature = a.Signature
		row.Category = a.Category
		row.Techniques = a.Techniques
		row.Message = a.Message
		if a.EVESeverity > 0 {
			row.AlertSeverity = ints.value(a.EVESeverity)
		}
		if a.Count > 0 {
			row.AlertCount = ints.value(a.Count)
		}
	}

	// modbus_*: the request or response fields the record carries.
	if m := rec.Modbus; m != nil {
		row.ModbusUnitID = ints.ptr(m.UnitID)
		row.ModbusFunction = ints.ptr(m.Function)
		row.ModbusAddress = ints.ptr(m.Address)
		row.ModbusException = ints.ptr(m.Exception)
	}
}

// addrText returns the canonical text form of addr, "" for the zero Addr. With scratch set,
// the text is appended to *scratch and the string shares those bytes.
func addrText(addr netip.Addr, scratch *[]byte) string {
	if !addr.IsValid() {
		return ""
	}
	if scratch == nil {
		return addr.String()
	}

	start := len(*scratch)
	*scratch = addr.AppendTo(*scratch)
	text := (*scratch)[start:]
	return unsafe.String(&text[0], len(text))
}

// intSlab hands out pointers into one lazily allocated array.
type intSlab struct {
	values *[optionalInts]int32
	used   int
}

func (s *intSlab) value(v int) *int32 {
	if s.values == nil {
		s.values = new([optionalInts]int32)
	}
	p := &s.values[s.used]
	*p = int32(v)
	s.used++
	return p
}

func (s *intSlab) ptr(p *int) *int32 {
	if p == nil {
		return nil
	}
	return s.value(*p)
}

func (s *intSlab) port(p *uint16) *int32 {
	if p == nil {
		return nil
	}
	return s.value(int(*p))
}
