package staging

import (
	"time"

	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

// Row is one row of staged_telemetry. The parquet tags are the table's schema: column names,
// OPTIONAL for values a record may lack, and millisecond UTC timestamps.
type Row struct {
	EventTime       time.Time  `parquet:"event_time,timestamp(millisecond)"`
	IngestTime      *time.Time `parquet:"ingest_time,optional,timestamp(millisecond)"`
	TimeAssumedUTC  bool       `parquet:"time_assumed_utc"`
	Format          string     `parquet:"format,dict"`
	HostIdentifier  string     `parquet:"host_identifier,optional,dict"`
	EventType       string     `parquet:"event_type,optional,dict"`
	Rule            string     `parquet:"rule,optional,dict"`
	Severity        string     `parquet:"severity,optional,dict"`
	SrcIP           string     `parquet:"src_ip,optional"`
	DstIP           string     `parquet:"dst_ip,optional"`
	SrcPort         *int32     `parquet:"src_port,optional"`
	DstPort         *int32     `parquet:"dst_port,optional"`
	Protocol        string     `parquet:"protocol,optional,dict"`
	Action          string     `parquet:"action,optional,dict"`
	FlowID          string     `parquet:"flow_id,optional"`
	LogPrefix       string     `parquet:"log_prefix,optional,dict"`
	InInterface     string     `parquet:"in_interface,optional,dict"`
	OutInterface    string     `parquet:"out_interface,optional,dict"`
	SignatureID     *int64     `parquet:"signature_id,optional"`
	Signature       string     `parquet:"signature,optional,dict"`
	Category        string     `parquet:"category,optional,dict"`
	AlertSeverity   *int32     `parquet:"alert_severity,optional"`
	Techniques      []string   `parquet:"techniques,optional,list"`
	ModbusUnitID    *int32     `parquet:"modbus_unit_id,optional"`
	ModbusFunction  *int32     `parquet:"modbus_function,optional"`
	ModbusAddress   *int32     `parquet:"modbus_address,optional"`
	ModbusException *int32     `parquet:"modbus_exception,optional"`
	AlertCount      *int32     `parquet:"alert_count,optional"`
	Message         string     `parquet:"message,optional"`
	RawKey          string     `parquet:"raw_key,dict"`
	RawLine         int32      `parquet:"raw_line"`
	Raw             string     `parquet:"raw"`
}

// optionalInts is how many *int32 columns a row can fill; FromRecord allocates their values
// together so that a row costs one allocation for all of them.
const optionalInts = 8

// FromRecord builds the row of a record read from line of the raw object rawKey. The row
// shares the record's strings.
func FromRecord(rec *telemetry.Record, rawKey string, line int) Row {
	row := Row{
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
	ints := intSlab{}

	// src_ip, dst_ip: canonical text form, NULL when the record has no address.
	if rec.SrcIP.IsValid() {
		row.SrcIP = rec.SrcIP.String()
	}
	if rec.DstIP.IsValid() {
		row.DstIP = rec.DstIP.String()
	}
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
	return row
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
