package formats

import (
	"fmt"
	"net/netip"
	"strings"
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

// matchesJSONKind reports whether an object has the keys of a shape.
func matchesJSONKind(obj *fastjson.Value, kind jsonKind) bool {
	hasEventType := obj.Exists("event_type")
	switch kind {
	case jsonEnvelope:
		return obj.Exists("log") && obj.Exists("date") && !hasEventType && !obj.Exists("rule")
	case jsonEVE:
		return hasEventType
	case jsonSensor:
		return !hasEventType && obj.Exists("sensor") && obj.Exists("rule")
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

	for _, kind := range jsonOrder(ctx.SourceHint) {
		if !matchesJSONKind(obj, kind) {
			continue
		}
		switch kind {
		case jsonEnvelope:
			return unwrapEnvelope(p, obj, len(s), hdr, ctx, env, rec)
		case jsonEVE:
			err = readEVE(obj, hdr, &rec)
		case jsonSensor:
			err = readSensorAlert(obj, &rec)
		}
		putParser(p, len(s))
		return rec, err
	}

	putParser(p, len(s))
	return rec, &ParseError{Format: "JSON line", Column: start + 1, Detail: "object has no event_type, sensor and rule, or log key", Err: ErrUnknownFormat}
}

// unwrapEnvelope parses the line inside a log shipper envelope. The envelope's date sets only
// IngestTime; the inner line becomes the record, Raw included.
func unwrapEnvelope(p *fastjson.Parser, obj *fastjson.Value, lineLen int, hdr syslogHeader, ctx Context, env *envelope, rec telemetry.Record) (telemetry.Record, error) {
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
	date, err := readEnvelopeDate(obj.Get("date"))
	if err != nil {
		putParser(p, lineLen)
		return rec, err
	}

	// The inner line, copied out before the parser goes back to the pool.
	logValue := obj.Get("log")
	if logValue.Type() != fastjson.TypeString {
		putParser(p, lineLen)
		return rec, &ParseError{Format: format, Detail: `"log" is a ` + logValue.Type().String() + ", not a string", Err: ErrBadField}
	}
	inner := string(logValue.GetStringBytes())
	putParser(p, lineLen)

	innerRec, err := parseLine(inner, ctx, &envelope{date: &date})
	if err != nil {
		return innerRec, fmt.Errorf("parse envelope log: %w", err)
	}
	return innerRec, nil
}

// readEnvelopeDate reads Fluent Bit's date: ISO 8601 text or float epoch seconds.
func readEnvelopeDate(v *fastjson.Value) (time.Time, error) {
	switch v.Type() {
	case fastjson.TypeString:
		text := bytesView(v.GetStringBytes())
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

// jsonField names a field of a JSON format for error messages.
type jsonField struct {
	format string // e.g. "EVE record"
	path   string // e.g. "alert.severity"
}

func (f jsonField) errorf(kind error, detail string, cause error) error {
	return &ParseError{Format: f.format, Detail: detail, Err: kind, Cause: cause}
}

// str returns the string at key, copied, and whether it was present and not null.
func (f jsonField) str(obj *fastjson.Value, key string) (string, bool, error) {
	v := obj.Get(key)
	if v == nil || v.Type() == fastjson.TypeNull {
		return "", false, nil
	}
	if v.Type() != fastjson.TypeString {
		return "", false, f.errorf(ErrBadField, fmt.Sprintf("%q is a %s, not a string", f.path+key, v.Type()), nil)
	}
	return string(v.GetStringBytes()), true, nil
}

// integer returns the integer at key and whether it was present and not null; it rejects
// fractions and values outside [lo, hi] with kind.
func (f jsonField) integer(obj *fastjson.Value, key string, lo, hi int64, kind error) (int64, bool, error) {
	v := obj.Get(key)
	if v == nil || v.Type() == fastjson.TypeNull {
		return 0, false, nil
	}
	if v.Type() != fastjson.TypeNumber {
		return 0, false, f.errorf(kind, fmt.Sprintf("%q is a %s, not a number", f.path+key, v.Type()), nil)
	}
	n, err := v.Int64()
	if err != nil || n < lo || n > hi {
		var buf [32]byte
		return 0, false, f.errorf(kind, fmt.Sprintf("invalid %q %s, want an integer from %d to %d", f.path+key, quote(string(v.MarshalTo(buf[:0]))), lo, hi), nil)
	}
	return n, true, nil
}

// intPtr is integer for optional fields stored as *int.
func (f jsonField) intPtr(obj *fastjson.Value, key string, lo, hi int64) (*int, error) {
	n, ok, err := f.integer(obj, key, lo, hi, ErrBadNumber)
	if err != nil || !ok {
		return nil, err
	}
	v := int(n)
	return &v, nil
}

// port returns the port at key, nil when absent or null.
func (f jsonField) port(obj *fastjson.Value, key string, slot *uint16) (*uint16, error) {
	n, ok, err := f.integer(obj, key, 0, 65535, ErrBadPort)
	if err != nil || !ok {
		return nil, err
	}
	*slot = uint16(n)
	return slot, nil
}

// addr returns the IP address at key, zero when absent or null.
func (f jsonField) addr(obj *fastjson.Value, key string) (netip.Addr, error) {
	v := obj.Get(key)
	if v == nil || v.Type() == fastjson.TypeNull {
		return netip.Addr{}, nil
	}
	if v.Type() != fastjson.TypeString {
		return netip.Addr{}, f.errorf(ErrBadAddress, fmt.Sprintf("%q is a %s, not a string", f.path+key, v.Type()), nil)
	}

	// netip copies a zone into its own storage, so parsing from the parser's buffer is safe.
	text := bytesView(v.GetStringBytes())
	a, err := netip.ParseAddr(text)
	if err != nil {
		// netip's error keeps its input, so parse a copy to get an error that owns its text.
		owned := strings.Clone(text)
		_, err = netip.ParseAddr(owned)
		err = addrCause(owned, err)
		return netip.Addr{}, f.errorf(ErrBadAddress, fmt.Sprintf("invalid %q %s", f.path+key, quote(owned)), err)
	}
	return a.Unmap(), nil
}

// timestamp returns the date-time at key and whether it was present.
func (f jsonField) timestamp(obj *fastjson.Value, key string) (t time.Time, assumedUTC, ok bool, err error) {
	v := obj.Get(key)
	if v == nil || v.Type() == fastjson.TypeNull {
		return time.Time{}, false, false, nil
	}
	if v.Type() != fastjson.TypeString {
		return time.Time{}, false, false, f.errorf(ErrBadTimestamp, fmt.Sprintf("%q is a %s, not a string", f.path+key, v.Type()), nil)
	}
	text := bytesView(v.GetStringBytes())
	t, assumedUTC, n, good := parseISOTime(text)
	if !good || n != len(text) {
		return time.Time{}, false, false, f.errorf(ErrBadTimestamp, fmt.Sprintf("invalid %q %s", f.path+key, quote(text)), nil)
	}
	return t, assumedUTC, true, nil
}

// object returns the object at key, nil when absent or null.
func (f jsonField) object(obj *fastjson.Value, key string) (*fastjson.Value, error) {
	v := obj.Get(key)
	if v == nil || v.Type() == fastjson.TypeNull {
		return nil, nil
	}
	if v.Type() != fastjson.TypeObject {
		return nil, f.errorf(ErrBadField, fmt.Sprintf("%q is a %s, not an object", f.path+key, v.Type()), nil)
	}
	return v, nil
}
