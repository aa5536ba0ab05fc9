package formats

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

// jsonShape is a JSON line format, identified by its top-level keys.
type jsonShape int

const (
	shapeEnvelope jsonShape = iota // has date and log, no event_type or rule
	shapeEVE                       // has event_type
	shapeSensor                    // has sensor and rule, no event_type
)

// jsonOrder returns the order in which the JSON shapes are tried for a source hint. The
// shapes are disjoint, so the order changes only how soon the match is found.
func jsonOrder(hint string) [3]jsonShape {
	switch hint {
	case telemetry.SourceMalcolm:
		return [3]jsonShape{shapeEVE, shapeEnvelope, shapeSensor}
	case telemetry.SourceSensor:
		return [3]jsonShape{shapeSensor, shapeEnvelope, shapeEVE}
	}
	return [3]jsonShape{shapeEnvelope, shapeEVE, shapeSensor}
}

// matchesShape reports whether an object with these top-level fields has the keys of a shape.
func matchesShape(fields *jsonFields, shape jsonShape) bool {
	has := func(id jsonFieldID) bool { return fields.spans[id].kind != 0 }
	switch shape {
	case shapeEnvelope:
		return has(fieldLog) && has(fieldDate) && !has(fieldEventType) && !has(fieldRule)
	case shapeEVE:
		return has(fieldEventType)
	case shapeSensor:
		return !has(fieldEventType) && has(fieldSensor) && has(fieldRule)
	}
	return false
}

// parseJSONLine parses the JSON object at s[start:], after an optional syslog header.
func parseJSONLine(s string, start int, hdr syslogHeader, ctx Context, env *envelope, rec *telemetry.Record) error {
	// One pass validates the line and stores the members that any JSON format reads, as
	// offsets into the line, so the readers below look nothing up.
	var fields jsonFields
	root, err := scanJSON(s, start, &fields)
	if err != nil {
		return jsonError(err)
	}
	if root.kind != jsonObject {
		return &ParseError{Format: "JSON line", Column: start + 1, Detail: "value is a " + root.typeName() + ", not an object", Err: ErrUnknownFormat}
	}

	for _, shape := range jsonOrder(ctx.SourceHint) {
		if !matchesShape(&fields, shape) {
			continue
		}
		switch shape {
		case shapeEnvelope:
			return unwrapEnvelope(&fields, hdr, ctx, env, rec)
		case shapeEVE:
			err = readEVE(&fields, hdr, rec, ctx.Blocks)
		case shapeSensor:
			err = readSensorAlert(&fields, rec, ctx.Blocks)
		}
		return err
	}
	return &ParseError{Format: "JSON line", Column: start + 1, Detail: "object has no event_type, sensor and rule, or log key", Err: ErrUnknownFormat}
}

// unwrapEnvelope parses the line inside a log shipper envelope. The envelope's date sets only
// IngestTime; the inner line becomes the record, Raw included.
func unwrapEnvelope(fields *jsonFields, hdr syslogHeader, ctx Context, env *envelope, rec *telemetry.Record) error {
	const format = "envelope"
	logValue := fields.get(fieldLog)

	// Only one level is unwrapped, and only a bare envelope: a shipper never adds a header.
	if env != nil {
		return &ParseError{Format: format, Column: logValue.pos + 1, Detail: "envelope inside an envelope", Err: ErrNestedEnvelope}
	}
	if hdr.kind != syslogNone {
		return &ParseError{Format: format, Column: logValue.pos + 1, Detail: "envelope after a syslog header", Err: ErrUnknownFormat}
	}

	// IngestTime from "date".
	date, err := readEnvelopeDate(fields.get(fieldDate))
	if err != nil {
		return err
	}

	// The inner line. Shippers that tail container logs keep its line ending; Raw does not.
	if logValue.kind != jsonString {
		return &ParseError{Format: format, Column: logValue.pos + 1, Detail: `"log" is a ` + logValue.typeName() + ", not a string", Err: ErrBadField}
	}
	inner := strings.TrimRight(logValue.stringValue(), "\r\n")

	// The inner line's record replaces the envelope's entirely.
	*rec = telemetry.Record{}
	if err := parseLine(inner, ctx, &envelope{date: &date}, rec); err != nil {
		return fmt.Errorf("parse envelope log: %w", err)
	}
	return nil
}

// readEnvelopeDate reads the date in each of Fluent Bit's json_date_format settings: double
// (epoch seconds with a fraction, the default), epoch (integer seconds), epoch_ms (integer
// milliseconds), iso8601, and java_sql_timestamp ("2018-05-30 09:39:52.000681", UTC).
func readEnvelopeDate(v jsonValue) (time.Time, error) {
	switch v.kind {
	case jsonString:
		text := v.stringValue()
		var buf [40]byte
		iso := text
		if len(text) > 10 && len(text) <= len(buf) && text[10] == ' ' {
			// java_sql_timestamp: the ISO layout with a space for the T.
			n := copy(buf[:], text)
			buf[10] = 'T'
			iso = string(buf[:n])
		}
		t, _, n, ok := parseISOTime(iso)
		if ok && n == len(iso) {
			return t, nil
		}
		return time.Time{}, &ParseError{Format: "envelope", Column: v.pos + 1, Detail: `invalid "date" ` + quote(text), Err: ErrBadTimestamp}
	case jsonNumber:
		if t, ok := parseEpoch(v.text); ok {
			return t, nil
		}
		return time.Time{}, &ParseError{Format: "envelope", Column: v.pos + 1, Detail: `invalid "date" ` + quote(v.text), Err: ErrBadTimestamp}
	}
	return time.Time{}, &ParseError{Format: "envelope", Column: v.pos + 1, Detail: `"date" is a ` + v.typeName() + ", not a string or number", Err: ErrBadTimestamp}
}

// jsonError turns a scanner error into a ParseError: truncated when the line ended inside a
// value, malformed otherwise.
func jsonError(err error) error {
	var syntax *jsonSyntaxError
	if !errors.As(err, &syntax) {
		return &ParseError{Format: "JSON line", Detail: "malformed JSON", Err: ErrInvalidJSON, Cause: err}
	}
	if syntax.truncated {
		return &ParseError{Format: "JSON line", Column: syntax.pos + 1, Detail: "line ends inside a JSON value", Err: ErrTruncated}
	}
	return &ParseError{Format: "JSON line", Column: syntax.pos + 1, Detail: "malformed JSON", Err: ErrInvalidJSON, Cause: syntax}
}
