package telemetry

import (
	"net/netip"
	"time"
)

// Format names the wire format a line was parsed from.
type Format string

// Formats the parser recognises.
const (
	FormatSensorAlert Format = "sensor_alert" // otsensor alert NDJSON
	FormatNetfilter   Format = "netfilter"    // kernel netfilter LOG line, bare or behind syslog
	FormatEVE         Format = "eve"          // Suricata EVE JSON, as Malcolm writes it
)

// Sources are the values of the raw and staged keys' source= partition.
const (
	SourceSensor   = "ot_sensor"
	SourceIptables = "iptables"
	SourceMalcolm  = "malcolm"
)

// DefaultSource returns the source partition a format is shipped under when the key gives none.
func (f Format) DefaultSource() string {
	switch f {
	case FormatSensorAlert:
		return SourceSensor
	case FormatNetfilter:
		return SourceIptables
	case FormatEVE:
		return SourceMalcolm
	}
	return "unknown"
}

// Record is one parsed telemetry event. EventTime is always set and in UTC; everything else
// is optional and left zero or nil when the line does not carry it.
type Record struct {
	Format    Format
	EventTime time.Time
	// TimeAssumedUTC is set when the line's timestamp carried no zone and UTC was assumed.
	TimeAssumedUTC bool
	// IngestTime is the log shipper envelope's date, when the line came inside one.
	IngestTime *time.Time

	// Host is the host_identifier: the syslog hostname, the sensor name or the EVE host.
	Host string
	// EventType is "alert" for sensor alerts, "firewall" for netfilter lines, and the EVE
	// event_type for EVE records.
	EventType string

	SrcIP    netip.Addr // zero when absent
	DstIP    netip.Addr // zero when absent
	SrcPort  *uint16
	DstPort  *uint16
	Protocol string // upper-case name (TCP, UDP, ICMP) or the decimal number as logged
	Action   string // DROP, ACCEPT, REJECT for netfilter; the EVE alert action; empty otherwise
	FlowID   string // EVE flow_id, digits kept exactly

	Netfilter *Netfilter
	Alert     *Alert
	Modbus    *Modbus

	// Raw is the record's own line: the inner line when it came inside an envelope.
	Raw string
}

// Netfilter holds the fields of a netfilter LOG line beyond the 5-tuple.
type Netfilter struct {
	Prefix    string // everything before IN=, trimmed, e.g. "OT-DROP:"
	In        string
	Out       *string // nil when OUT= is absent; "" when present and empty
	PhysIn    string
	PhysOut   string
	DstMAC    string
	SrcMAC    string
	EtherType string // e.g. "08:00"
	IPLen     *int   // the first LEN=, the IP datagram length
	TTL       *int
	ID        *int
	Flags     []string // bare tokens in line order: DF, MF, CE, SYN, ACK, ...
	Frag      *int     // FRAG:n offset
	ICMPType  *int
	ICMPCode  *int
	// Inner is the packet quoted inside [...] of an ICMP error, nil otherwise.
	Inner *InnerPacket
	// KernelUptime is the bracketed seconds-since-boot stamp; it is never the event time.
	KernelUptime string
}

// InnerPacket is the header an ICMP error quotes from the packet that caused it.
type InnerPacket struct {
	SrcIP    netip.Addr
	DstIP    netip.Addr
	Protocol string
	SrcPort  *uint16
	DstPort  *uint16
}

// Alert holds what an IDS alert adds: either one of our sensor's rules or a Suricata signature.
type Alert struct {
	Rule     string // sensor rule name; empty for EVE alerts
	Severity string // CRITICAL, HIGH, MEDIUM or LOW; for EVE derived from the numeric severity
	// EVESeverity is Suricata's 1 (highest) to 4 scale; 0 for sensor alerts.
	EVESeverity int
	SignatureID *int64
	Signature   string
	Category    string
	Techniques  []string // ATT&CK for ICS IDs
	Message     string
	SrcZone     string
	DstZone     string
	Count       int // events folded into the alert; 1 when the format has no count
	FirstSeen   *time.Time
	LastSeen    *time.Time
}

// Modbus holds the Modbus/TCP fields of a record.
type Modbus struct {
	TransactionID *int
	UnitID        *int
	// Function is the function code without the exception bit (0x80).
	Function *int
	Address  *int
	Quantity *int
	Values   []int
	// Exception is the exception code of an exception response, nil when there was none.
	Exception *int
	// Access is Suricata's access_type split into words, e.g. [READ COILS].
	Access []string
}
