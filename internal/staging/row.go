package staging

import (
	"time"

	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

// Row is one row of staged_telemetry. The parquet tags are the table's schema: column names,
// OPTIONAL for values a record may lack, and millisecond UTC timestamps.
type Row struct {
	EventTime      time.Time  `parquet:"event_time,timestamp(millisecond)"`
	IngestTime     *time.Time `parquet:"ingest_time,optional,timestamp(millisecond)"`
	TimeAssumedUTC bool       `parquet:"time_assumed_utc"`
	Format         string     `parquet:"format,dict"`
	HostIdentifier *string    `parquet:"host_identifier,optional,dict"`
	EventType      *string    `parquet:"event_type,optional,dict"`
	Rule           *string    `parquet:"rule,optional,dict"`
	Severity       *string    `parquet:"severity,optional,dict"`
	SrcIP          *string    `parquet:"src_ip,optional"`
	DstIP          *string    `parquet:"dst_ip,optional"`
	SrcPort        *int32     `parquet:"src_port,optional"`
	DstPort        *int32     `parquet:"dst_port,optional"`
	Protocol       *string    `parquet:"protocol,optional,dict"`
	Action         *string    `parquet:"action,optional,dict"`
	FlowID         *string    `parquet:"flow_id,optional"`
	LogPrefix      *string    `parquet:"log_prefix,optional,dict"`
	InInterface    *string    `parquet:"in_interface,optional,dict"`
	OutInterface   *string    `parquet:"out_interface,optional,dict"`
	SignatureID    *int64     `parquet:"signature_id,optional"`
	Signature      *string    `parquet:"signature,optional,dict"`
	Category       *string    `parquet:"category,optional,dict"`
	AlertSeverity  *int32     `parquet:"alert_severity,optional"`
	Techniques     []string   `parquet:"techniques,optional,list"`
	ModbusUnitID   *int32     `parquet:"modbus_unit_id,optional"`
	ModbusFunction *int32     `parquet:"modbus_function,optional"`
	ModbusAddress  *int32     `parquet:"modbus_address,optional"`
	ModbusExcept   *int32     `parquet:"modbus_exception,optional"`
	AlertCount     *int32     `parquet:"alert_count,optional"`
	Message        *string    `parquet:"message,optional"`
	RawKey         string     `parquet:"raw_key,dict"`
	RawLine        int32      `parquet:"raw_line"`
	Raw            string     `parquet:"raw"`
}

// FromRecord builds the row of a record read from line of the raw object rawKey.
func FromRecord(rec *telemetry.Record, rawKey string, line int) Row {
	row := Row{
		EventTime:      rec.EventTime.UTC(),
		IngestTime:     rec.IngestTime,
		TimeAssumedUTC: rec.TimeAssumedUTC,
		Format:         string(rec.Format),
		HostIdentifier: optString(rec.Host),
		EventType:      optString(rec.EventType),
		Protocol:       optString(rec.Protocol),
		Action:         optString(rec.Action),
		FlowID:         optString(rec.FlowID),
		SrcPort:        optPort(rec.SrcPort),
		DstPort:        optPort(rec.DstPort),
		RawKey:         rawKey,
		RawLine:        int32(line),
		Raw:            rec.Raw,
	}

	// src_ip, dst_ip: canonical text form, NULL when the record has no address.
	if rec.SrcIP.IsValid() {
		row.SrcIP = optString(rec.SrcIP.String())
	}
	if rec.DstIP.IsValid() {
		row.DstIP = optString(rec.DstIP.String())
	}

	// log_prefix, in_interface, out_interface: netfilter only.
	if nf := rec.Netfilter; nf != nil {
		row.LogPrefix = optString(nf.Prefix)
		row.InInterface = optString(nf.In)
		if nf.Out != nil {
			row.OutInterface = optString(*nf.Out)
		}
	}

	// rule, severity, signature and the alert's count: sensor and EVE alerts.
	if a := rec.Alert; a != nil {
		row.Rule = optString(a.Rule)
		row.Severity = optString(a.Severity)
		row.SignatureID = a.SignatureID
		row.Signature = optString(a.Signature)
		row.Category = optString(a.Category)
		row.Techniques = a.Techniques
		row.Message = optString(a.Message)
		if a.EVESeverity > 0 {
			row.AlertSeverity = optInt32(a.EVESeverity)
		}
		if a.Count > 0 {
			row.AlertCount = optInt32(a.Count)
		}
	}

	// modbus_*: the request or response fields the record carries.
	if m := rec.Modbus; m != nil {
		row.ModbusUnitID = optIntPtr(m.UnitID)
		row.ModbusFunction = optIntPtr(m.Function)
		row.ModbusAddress = optIntPtr(m.Address)
		row.ModbusExcept = optIntPtr(m.Exception)
	}
	return row
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optInt32(v int) *int32 {
	n := int32(v)
	return &n
}

func optIntPtr(p *int) *int32 {
	if p == nil {
		return nil
	}
	return optInt32(*p)
}

func optPort(p *uint16) *int32 {
	if p == nil {
		return nil
	}
	return optInt32(int(*p))
}
