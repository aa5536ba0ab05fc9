package formats

import (
	"strings"
	"time"

	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

// envelope is the log shipper envelope around an inner line.
type envelope struct {
	date *time.Time // the envelope's date, never nil
}

// utf8BOM is the UTF-8 encoding of U+FEFF, the byte order mark.
const utf8BOM = "\xef\xbb\xbf"

// Parse parses one line, without its line ending, into a record. The format is sniffed from
// the line itself; ctx.SourceHint only changes the order of the checks. A bad line returns an
// error that wraps one of the sentinel errors in errors.go, and the record is then partial and
// should be dropped. The record holds no reference to line, so the caller may reuse the buffer.
// Parse is safe for concurrent use.
func Parse(line []byte, ctx Context) (telemetry.Record, error) {
	// Raw: one copy of the line; the record's string fields are substrings of it.
	var rec telemetry.Record
	err := parseLine(string(line), ctx, nil, &rec)
	return rec, err
}

// ParseString parses a line like Parse but copies nothing: the record's strings, Raw
// included, are substrings of line.
func ParseString(line string, ctx Context) (telemetry.Record, error) {
	var rec telemetry.Record
	err := parseLine(line, ctx, nil, &rec)
	return rec, err
}

// parseLine parses a line that the record may reference into rec, which must be zero; env is
// set for an envelope's inner line.
func parseLine(raw string, ctx Context, env *envelope, rec *telemetry.Record) error {
	// Raw: the line without a UTF-8 byte order mark, which editors put before a file's first
	// line, and without a CR or LF that a CRLF file or a shipper left at its end.
	raw = strings.TrimPrefix(raw, utf8BOM)
	rec.Raw = trimLineEnd(raw)
	if env != nil {
		rec.IngestTime = env.date
	}

	// A CRLF file leaves '\r' behind, and shippers pad with spaces; neither is part of a field.
	s := trimRight(rec.Raw)
	start := skipBlank(s, 0)
	if start == len(s) {
		return &ParseError{Format: "line", Detail: "empty line", Err: ErrUnknownFormat}
	}

	// A bare JSON object: sensor alert, EVE record or envelope.
	if s[start] == '{' {
		return parseJSONLine(s, start, syslogHeader{}, ctx, env, rec)
	}

	// Everything else may start with a syslog header.
	var hdr syslogHeader
	msg, err := splitSyslog(s, &ctx, &hdr)
	if err != nil {
		return err
	}
	rec.Host = hdr.host

	// The checks below are disjoint (a JSON message starts with '{', a netfilter message has
	// IN=), so the source hint cannot change which one matches.
	msg = skipBlank(s, msg)
	if msg < len(s) && s[msg] == '{' {
		return parseJSONLine(s, msg, hdr, ctx, env, rec)
	}
	fields := findNetfilterFields(s, msg)
	if fields < 0 {
		return &ParseError{Format: "line", Column: msg + 1, Detail: "no JSON object and no netfilter IN= field in " + quote(s[msg:]), Err: ErrUnknownFormat}
	}
	if err := parseNetfilter(s, msg, fields, rec, ctx.Blocks); err != nil {
		return err
	}

	// EventTime: the syslog timestamp, else the envelope's date, else the object's date.
	switch {
	case !hdr.time.IsZero():
		rec.EventTime, rec.TimeAssumedUTC = hdr.time, hdr.assumedUTC
	case env != nil:
		rec.EventTime = *env.date
	case !ctx.ObjectDate.IsZero():
		rec.EventTime, rec.TimeAssumedUTC = ctx.ObjectDate.UTC(), true
	default:
		return &ParseError{Format: netfilterFormat, Detail: "no syslog timestamp, envelope date or object date", Err: ErrNoEventTime}
	}
	return nil
}

// trimLineEnd drops trailing CR and LF bytes. It does what strings.TrimRight(s, "\r\n") does,
// without building a set from the cutset on every line.
func trimLineEnd(s string) string {
	end := len(s)
	for end > 0 && (s[end-1] == '\r' || s[end-1] == '\n') {
		end--
	}
	return s[:end]
}

// trimRight drops trailing spaces, tabs, CR and LF.
func trimRight(s string) string {
	end := len(s)
	for end > 0 && isBlank(s[end-1]) {
		end--
	}
	return s[:end]
}

// skipBlank returns the offset of the first byte at or after i that is not blank.
func skipBlank(s string, i int) int {
	for i < len(s) && isBlank(s[i]) {
		i++
	}
	return i
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
