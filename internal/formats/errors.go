package formats

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors for bad lines. Every error that Parse returns wraps exactly one of them, so
// a caller can count bad lines by cause with errors.Is or with Reason.
var (
	// ErrUnknownFormat means the line fits none of the sniffed formats.
	ErrUnknownFormat = errors.New("unknown line format")
	// ErrTruncated means a JSON value ends before its closing bracket or quote.
	ErrTruncated = errors.New("truncated JSON")
	// ErrInvalidJSON means a JSON value is malformed in some other way than truncation.
	ErrInvalidJSON = errors.New("invalid JSON")
	// ErrBadSyslog means a syslog header starts but does not follow RFC 3164 or RFC 5424.
	ErrBadSyslog = errors.New("invalid syslog header")
	// ErrBadTimestamp means a timestamp is present but cannot be read.
	ErrBadTimestamp = errors.New("invalid timestamp")
	// ErrNoEventTime means neither the line nor its context gives an event time.
	ErrNoEventTime = errors.New("no event time")
	// ErrBadAddress means an IP address field is not an IPv4 or IPv6 address.
	ErrBadAddress = errors.New("invalid IP address")
	// ErrBadPort means a port field is not an integer from 0 to 65535.
	ErrBadPort = errors.New("invalid port")
	// ErrBadNumber means a numeric field is not a number in its allowed range.
	ErrBadNumber = errors.New("invalid number")
	// ErrBadField means a field has the wrong JSON type or an invalid value.
	ErrBadField = errors.New("invalid field")
	// ErrMissingField means a field the format requires is absent.
	ErrMissingField = errors.New("missing field")
	// ErrNestedEnvelope means a log shipper envelope holds another envelope; only one level
	// is unwrapped.
	ErrNestedEnvelope = errors.New("nested envelope")
)

// reasons maps each sentinel to its counter label. The labels are stable: dashboards and
// quarantine records keep them.
var reasons = []struct {
	err    error
	reason string
}{
	{ErrUnknownFormat, "unknown_format"},
	{ErrTruncated, "truncated_json"},
	{ErrInvalidJSON, "invalid_json"},
	{ErrBadSyslog, "bad_syslog_header"},
	{ErrBadTimestamp, "bad_timestamp"},
	{ErrNoEventTime, "no_event_time"},
	{ErrBadAddress, "bad_address"},
	{ErrBadPort, "bad_port"},
	{ErrBadNumber, "bad_number"},
	{ErrBadField, "bad_field"},
	{ErrMissingField, "missing_field"},
	{ErrNestedEnvelope, "nested_envelope"},
}

// Reason returns a short snake_case label for the cause of a Parse error, for counters and
// quarantine records. It returns "" for a nil error and "other" for an error that wraps none
// of this package's sentinels.
func Reason(err error) string {
	if err == nil {
		return ""
	}

	// The innermost ParseError names the cause: an envelope error wraps its inner line's.
	var pe *ParseError
	if errors.As(err, &pe) {
		for _, r := range reasons {
			if pe.Err == r.err {
				return r.reason
			}
		}
	}

	for _, r := range reasons {
		if errors.Is(err, r.err) {
			return r.reason
		}
	}
	return "other"
}

// maxQuotedValue bounds how much of an offending value an error message repeats, so a
// megabyte-long garbage token does not end up in every log line and counter label.
const maxQuotedValue = 64

// ParseError is a bad line: which format was being read, where, what was wrong, and the
// sentinel that classifies it.
type ParseError struct {
	// Format is the kind of input being parsed, e.g. "netfilter line" or "EVE record".
	Format string
	// Column is the 1-based byte column in the parsed line, 0 when no single place is at
	// fault (JSON fields are named in Detail instead).
	Column int
	// Detail is the problem with its field and value, e.g. `invalid SRC= "999.1.1.1"`.
	Detail string
	// Err is one of the package's sentinel errors.
	Err error
	// Cause is the underlying error from a lower-level parser, nil when there is none.
	Cause error
}

// Error formats the error as `parse FORMAT: DETAIL at column N: CAUSE`.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("parse ")
	b.WriteString(e.Format)
	b.WriteString(": ")
	b.WriteString(e.Detail)
	if e.Column > 0 {
		b.WriteString(" at column ")
		b.WriteString(strconv.Itoa(e.Column))
	}
	if e.Cause != nil {
		b.WriteString(": ")
		b.WriteString(e.Cause.Error())
	}
	return b.String()
}

// Unwrap returns the sentinel and the cause, so errors.Is matches either.
func (e *ParseError) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Cause}
}

// quote quotes a value for an error message, cutting it to maxQuotedValue bytes.
func quote(v string) string {
	if len(v) > maxQuotedValue {
		return strconv.Quote(v[:maxQuotedValue]) + "..."
	}
	return strconv.Quote(v)
}
