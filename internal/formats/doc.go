// Package formats parses the raw lines of the telemetry lake into telemetry records.
//
// Parse takes one line, without its line ending, and sniffs its format from the bytes; the
// object's source= partition (Context.SourceHint) only changes the order of the checks, and
// since the checks are disjoint it never changes the result. The order is:
//
//  1. A line that starts with '{' is a JSON object. One pass of the package's own scanner
//     validates it and stores the members that the formats read as offsets into the line.
//     The object is then classified by its keys:
//     - a log shipper envelope has "date" and "log" but no "event_type" or "rule";
//     - a Suricata EVE record has "event_type";
//     - a sensor alert has "sensor" and "rule" and no "event_type".
//  2. Any other line may start with a syslog header: RFC 3164 ("<PRI>Mmm dd hh:mm:ss host
//     tag:"), RFC 5424 ("<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD") or an ISO 8601
//     timestamp, host and tag (rsyslog's high-precision form). The header gives Host and,
//     unless the message has its own, the event time.
//  3. A message that starts with '{' after the header is JSON as in step 1, except that an
//     envelope is not accepted there.
//  4. A message with an IN= field is a netfilter LOG line.
//  5. Anything else is a bad line with ErrUnknownFormat.
//
// # Sensor alerts
//
// One JSON object per line from otsensor, whose contract is schema/sensor-alert.schema.json.
// Host is the sensor name and EventType is "alert". The rule, severity, techniques, zones,
// count, first and last seen times and message go to Record.Alert, and the modbus block goes
// to Record.Modbus.
//
// # Netfilter LOG lines
//
// The kernel's nf_log_syslog format, bare or behind a syslog header. The log prefix runs up to
// " IN=" and may hold spaces, quotes and colons; Action is the first DROP, REJECT or ACCEPT
// word in it (case-insensitive, also inside tokens such as OT-DROP:), else "LOG". A leading
// "[seconds.micros]" stamp is the kernel's uptime and is kept in KernelUptime, never used as
// the event time. The packet quoted inside "[...]" by an ICMP error goes to Netfilter.Inner and
// never overwrites the outer fields. MAC= is split into destination, source and ethertype.
// The --log-macdecode fields MACSRC=, MACDST= and MACPROTO= fill the same fields, and ARP
// lines give their addresses as IPSRC= and IPDST=.
//
// An RFC 3164 timestamp has no year. It takes the year that puts it nearest to
// Context.ObjectDate, or without one the current UTC year unless that is more than a day
// ahead. A line without a syslog timestamp takes its event time from the
// envelope date, else from ObjectDate with TimeAssumedUTC set, else it is a bad line
// (ErrNoEventTime).
//
// # Suricata EVE
//
// Any event_type is telemetry, and only the known fields are read. The timestamp may end in
// +hhmm, +hh:mm, Z or nothing (UTC assumed). flow_id keeps its exact digits. The 5-tuple and
// host come from the top level. In the alert block, severity 1 is HIGH, 2 MEDIUM, and 3 or
// higher LOW, and ATT&CK IDs come from alert.metadata keys that name a MITRE technique. In the
// modbus block, the function loses the exception bit 0x80, the exception code is kept, and
// the access type is split into words.
//
// # Log shipper envelopes
//
// Fluent Bit's {"date": ..., "log": "<line>"} around any of the formats above: the inner line
// is parsed as the record (Raw is the inner line) and the date only sets IngestTime. The date
// may be in any of Fluent Bit's json_date_format settings: epoch seconds with or without a
// fraction, epoch milliseconds, ISO 8601, or "YYYY-MM-DD hh:mm:ss" in UTC. One level is unwrapped; an envelope inside an envelope is a
// bad line (ErrNestedEnvelope), and so is an envelope whose inner line is bad.
//
// # Errors and memory
//
// Every error wraps one sentinel from errors.go and most are a *ParseError naming the field
// and column; Reason turns an error into a stable label for counters. Parse copies the line
// once into Record.Raw. String fields are substrings of that copy, except JSON strings with
// escapes, which are decoded into new strings, so the caller may reuse its buffer as soon as
// Parse returns.
//
// A caller that parses many lines can avoid both costs. ParseString parses a string that the
// caller keeps unchanged, without copying it. Context.Blocks gives the record reusable memory
// for its pointer fields, which the next line overwrites. The lake's parser does both: it
// copies lines into large blocks of its own and copies what it keeps of each record.
package formats
