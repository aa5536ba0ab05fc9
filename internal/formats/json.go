package formats

import (
	"fmt"
	"sync"
	"time"
	"unsafe"

	"github.com/valyala/fastjson"

	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

// jsonKind is a JSON line shape.
type jsonKind int

const (
	jsonEnvelope jsonKind = iota // has date and log, no event_type or rule
	jsonEVE                      // has event_type
	jsonSensor                   // has sensor and rule, no event_type
)

// maxPooledLine bounds the lines whose parser goes back to the pool: fastjson keeps its
// buffer, and one huge line should not pin that much memory per pooled parser.
const maxPooledLine = 1 << 20

var parserPool sync.Pool

func getParser() *fastjson.Parser {
	if p, ok := parserPool.Get().(*fastjson.Parser); ok {
		return p
	}
	return new(fastjson.Parser)
}

func putParser(p *fastjson.Parser, lineLen int) {
	if lineLen <= maxPooledLine {
		parserPool.Put(p)
	}
}

// jsonOrder returns the order in which the JSON shapes are tried for a source hint. The
// shapes are disjoint, so the order changes only how soon the match is found.
func jsonOrder(hint string) [3]jsonKind {
	switch hint {
	case telemetry.SourceMalcolm:
		return [3]jsonKind{jsonEVE, jsonEnvelope, jsonSensor}
	case telemetry.SourceSensor:
		return [3]jsonKind{jsonSensor, jsonEnvelope, jsonEVE}
	}
	return [3]jsonKind{jsonEnvelope, jsonEVE, jsonSensor}
}

// matchesJSONKind reports whether an object with these top-level fields has the keys of a shape.
func matchesJSONKind(top *topFields, kind jsonKind) bool {
	switch kind {
	case jsonEnvelope:
		return top.log != nil && top.date != nil && top.eventType == nil && top.rule == nil
	case jsonEVE:
		return top.eventType != nil
	case jsonSensor:
		return top.eventType == nil && top.sensor != nil && top.rule != nil
	}
	return false
}

// parseJSONLine parses the JSON object at s[start:], after an optional syslog header.
func parseJSONLine(s string, start int, hdr syslogHeader, ctx Context, env *envelope, rec telemetry.Record) (telemetry.Record, error) {
	p := getParser()
	obj, err := p.Parse(s[start:])
	if err != nil {
		putParser(p, len(s))
		return rec, jsonError(s, start, err)
	}
	if obj.Type() != fastjson.TypeObject {
		putParser(p, len(s))
		return rec, &ParseError{Format: "JSON line", Column: start + 1, Detail: "value is a " + obj.Type().String() + ", not an object", Err: ErrUnknownFormat}
	}

	var top topFields
	top.collect(obj)
	for _, kind := range jsonOrder(ctx.SourceHint) {
		if !matchesJSONKind(&top, kind) {
			continue
		}
		switch kind {
		case jsonEnvelope:
			return unwrapEnvelope(p, &top, len(s), hdr, ctx, env, rec)
		case jsonEVE:
			err = readEVE(&top, hdr, &rec)
		case jsonSensor:
			err = readSensorAlert(&top, &rec)
		}
		putParser(p, len(s))
		return rec, err
	}

	putParser(p, len(s))
	return rec, &ParseError{Format: "JSON line", Column: start + 1, Detail: "object has no event_type, sensor and rule, or log key", Err: ErrUnknownFormat}
}

// unwrapEnvelope parses the line inside a log shipper envelope. The envelope's date sets only
// IngestTime; the inner line becomes the record, Raw included.
func unwrapEnvelope(p *fastjson.Parser, top *topFields, lineLen int, hdr syslogHeader, ctx Context, env *envelope, rec telemetry.Record) (telemetry.Record, error) {
	const format = "envelope"

	// Only one level is unwrapped, and only a bare envelope: a shipper never adds a header.
	if env != nil {
		putParser(p, lineLen)
		return rec, &ParseError{Format: format, Detail: "envelope inside an envelope", Err: ErrNestedEnvelope}
	}
	if hdr.kind != syslogNone {
		putParser(p, lineLen)
		return rec, &ParseError{Format: format, Detail: "envelope after a syslog header", Err: ErrUnknownFormat}
	}

	// IngestTime from "date": an ISO 8601 string or epoch seconds as a number.
	date, err := readEnvelopeDate(top.date)
	if err != nil {
		putParser(p, lineLen)
		return rec, err
	}

	// The inner line, copied out before the parser goes back to the pool.
	logValue := top.log
	if logValue.Type() != fastjson.TypeString {
		putParser(p, lineLen)
		return rec, &ParseError{Format: format, Detail: `"log" is a ` + logValue.Type().String() + ", not a string", Err: ErrBadField}
	}
	// Shippers that tail container logs keep the line ending inside "log"; Raw does not.
	innerBytes := logValue.GetStringBytes()
	for len(innerBytes) > 0 && (innerBytes[len(innerBytes)-1] == '\n' || innerBytes[len(innerBytes)-1] == '\r') {
		innerBytes = innerBytes[:len(innerBytes)-1]
	}
	inner := string(innerBytes)
	putParser(p, lineLen)

	innerRec, err := parseLine(inner, ctx, &envelope{date: &date})
	if err != nil {
		return innerRec, fmt.Errorf("parse envelope log: %w", err)
	}
	return innerRec, nil
}

// readEnvelopeDate reads the date in each of Fluent Bit's json_date_format settings: double
// (epoch seconds with a fraction, the default), epoch (integer seconds), epoch_ms (integer
// milliseconds), iso8601, and java_sql_timestamp ("2018-05-30 09:39:52.000681", UTC).
func readEnvelopeDate(v *fastjson.Value) (time.Time, error) {
	switch v.Type() {
	case fastjson.TypeString:
		text := bytesView(v.GetStringBytes())
		var buf [40]byte
		if len(text) > 10 && len(text) <= len(buf) && text[10] == ' ' {
			// java_sql_timestamp: the ISO layout with a space for the T.
			n := copy(buf[:], text)
			buf[10] = 'T'
			text = bytesView(buf[:n])
		}
		t, _, n, ok := parseISOTime(text)
		if ok && n == len(text) {
			return t, nil
		}
		return time.Time{}, &ParseError{Format: "envelope", Detail: `invalid "date" ` + quote(text), Err: ErrBadTimestamp}
	case fastjson.TypeNumber:
		var buf [32]byte
		text := bytesView(v.MarshalTo(buf[:0]))
		if t, ok := parseEpoch(text); ok {
			return t, nil
		}
		return time.Time{}, &ParseError{Format: "envelope", Detail: `invalid "date" ` + quote(text), Err: ErrBadTimestamp}
	}
	return time.Time{}, &ParseError{Format: "envelope", Detail: `"date" is a ` + v.Type().String() + ", not a string or number", Err: ErrBadTimestamp}
}

// jsonError classifies a JSON syntax error as truncation or other damage.
func jsonError(s string, start int, cause error) error {
	if jsonTruncated(s[start:]) {
		return &ParseError{Format: "JSON line", Column: len(s) + 1, Detail: "line ends inside a JSON value", Err: ErrTruncated, Cause: cause}
	}
	return &ParseError{Format: "JSON line", Column: start + 1, Detail: "malformed JSON", Err: ErrInvalidJSON, Cause: cause}
}

// jsonTruncated reports whether s ends inside a string or an open object or array, the mark
// of a line cut short rather than one written wrong.
func jsonTruncated(s string) bool {
	depth := 0
	inString := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return inString || depth > 0
}

// bytesView returns b as a string without copying. The result must not outlive the parser
// call it came from; callers use it only for parsing and copy what they keep.
func bytesView(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
