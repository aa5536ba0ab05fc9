package formats

import (
	"fmt"
	"net/netip"
	"strconv"
	"time"
)

// topFields are the top-level members of a JSON line that any of the JSON formats reads,
// gathered in one walk over the tape.
type topFields struct {
	// Shape keys.
	eventType, log, date, rule, sensor jsonValue
	// Shared by EVE and sensor alerts.
	timestamp, srcIP, srcPort, modbus jsonValue
	// EVE only.
	flowID, destIP, destPort, proto, host, alert jsonValue
	// Sensor alerts only.
	severity, techniques, dstIP, dstPort, srcZone, dstZone, count, firstSeen, lastSeen, message jsonValue
}

// collect fills t from the members of obj, keeping the first of duplicate keys.
func (t *topFields) collect(obj jsonValue) {
	tape := obj.tape
	for i := tape.entries[obj.index].firstChild; i != 0; i = tape.entries[i].next {
		if slot := t.slot(tape.key(i)); slot != nil && slot.kind == 0 {
			*slot = tape.valueAt(i)
		}
	}
}

// slot returns the field for a top-level key, nil for keys no format reads.
func (t *topFields) slot(key string) *jsonValue {
	switch key {
	case "event_type":
		return &t.eventType
	case "log":
		return &t.log
	case "date":
		return &t.date
	case "rule":
		return &t.rule
	case "sensor":
		return &t.sensor
	case "timestamp":
		return &t.timestamp
	case "src_ip":
		return &t.srcIP
	case "src_port":
		return &t.srcPort
	case "modbus":
		return &t.modbus
	case "flow_id":
		return &t.flowID
	case "dest_ip":
		return &t.destIP
	case "dest_port":
		return &t.destPort
	case "proto":
		return &t.proto
	case "host":
		return &t.host
	case "alert":
		return &t.alert
	case "severity":
		return &t.severity
	case "techniques":
		return &t.techniques
	case "dst_ip":
		return &t.dstIP
	case "dst_port":
		return &t.dstPort
	case "src_zone":
		return &t.srcZone
	case "dst_zone":
		return &t.dstZone
	case "count":
		return &t.count
	case "first_seen":
		return &t.firstSeen
	case "last_seen":
		return &t.lastSeen
	case "message":
		return &t.message
	}
	return nil
}

// lookup fills out[i] with the member of obj named keys[i], keeping the first of duplicate
// keys; members not found stay zero (kind 0).
func lookup(obj jsonValue, keys []string, out []jsonValue) {
	if obj.kind != jsonObject {
		return
	}
	tape := obj.tape
	for i := tape.entries[obj.index].firstChild; i != 0; i = tape.entries[i].next {
		key := tape.key(i)
		for k, want := range keys {
			if want == key && out[k].kind == 0 {
				out[k] = tape.valueAt(i)
				break
			}
		}
	}
}

// jsonField reads the members of one JSON object of a format and names them in errors. Each
// reader takes the member's key, for the message, and its value, zero when absent.
type jsonField struct {
	format string    // e.g. "EVE record"
	path   [3]string // the keys leading to the object, each ending in '.', e.g. "alert."
}

// at returns the reader for a nested object. The path is joined only when an error names it,
// so reading a valid line builds no strings.
func (f jsonField) at(prefix string) jsonField {
	for i := range f.path {
		if f.path[i] == "" {
			f.path[i] = prefix
			return f
		}
	}
	f.path[len(f.path)-1] += prefix
	return f
}

// name returns the member's full key for error messages, e.g. "alert.severity".
func (f jsonField) name(key string) string {
	return f.path[0] + f.path[1] + f.path[2] + key
}

// errorf returns a ParseError at v's column, or with no column when v is absent.
func (f jsonField) errorf(kind error, v jsonValue, detail string, cause error) error {
	column := 0
	if v.kind != 0 {
		column = v.pos + 1
	}
	return &ParseError{Format: f.format, Column: column, Detail: detail, Err: kind, Cause: cause}
}

func (f jsonField) typeError(kind error, key string, v jsonValue, want string) error {
	return f.errorf(kind, v, fmt.Sprintf("%q is a %s, not %s", f.name(key), v.typeName(), want), nil)
}

// str returns a string member and whether it was present.
func (f jsonField) str(key string, v jsonValue) (string, bool, error) {
	if !v.present() {
		return "", false, nil
	}
	if v.kind != jsonString {
		return "", false, f.typeError(ErrBadField, key, v, "a string")
	}
	return v.stringValue(), true, nil
}

// integer returns an integer member and whether it was present; it rejects fractions,
// exponents and values outside [lo, hi] with kind.
func (f jsonField) integer(key string, v jsonValue, lo, hi int64, kind error) (int64, bool, error) {
	if !v.present() {
		return 0, false, nil
	}
	if v.kind != jsonNumber {
		return 0, false, f.typeError(kind, key, v, "a number")
	}
	n, err := strconv.ParseInt(v.text, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, false, f.errorf(kind, v, fmt.Sprintf("invalid %q %s, want an integer from %d to %d", f.name(key), quote(v.text), lo, hi), nil)
	}
	return n, true, nil
}

// intInto stores an optional integer member in slot and returns slot, or nil when absent.
func (f jsonField) intInto(key string, v jsonValue, lo, hi int64, slot *int) (*int, error) {
	n, ok, err := f.integer(key, v, lo, hi, ErrBadNumber)
	if err != nil || !ok {
		return nil, err
	}
	*slot = int(n)
	return slot, nil
}

// port stores a port member in slot and returns slot, or nil when absent.
func (f jsonField) port(key string, v jsonValue, slot *uint16) (*uint16, error) {
	n, ok, err := f.integer(key, v, 0, 65535, ErrBadPort)
	if err != nil || !ok {
		return nil, err
	}
	*slot = uint16(n)
	return slot, nil
}

// addr returns an IP address member, the zero Addr when absent.
func (f jsonField) addr(key string, v jsonValue) (netip.Addr, error) {
	if !v.present() {
		return netip.Addr{}, nil
	}
	if v.kind != jsonString {
		return netip.Addr{}, f.typeError(ErrBadAddress, key, v, "a string")
	}

	text := v.stringValue()
	a, err := netip.ParseAddr(text)
	if err != nil {
		return netip.Addr{}, f.errorf(ErrBadAddress, v, fmt.Sprintf("invalid %q %s", f.name(key), quote(text)), addrCause(text, err))
	}
	return a.Unmap(), nil
}

// timestamp returns a date-time member and whether it was present.
func (f jsonField) timestamp(key string, v jsonValue) (t time.Time, assumedUTC, ok bool, err error) {
	if !v.present() {
		return time.Time{}, false, false, nil
	}
	if v.kind != jsonString {
		return time.Time{}, false, false, f.typeError(ErrBadTimestamp, key, v, "a string")
	}
	text := v.stringValue()
	t, assumedUTC, n, good := parseISOTime(text)
	if !good || n != len(text) {
		return time.Time{}, false, false, f.errorf(ErrBadTimestamp, v, fmt.Sprintf("invalid %q %s", f.name(key), quote(text)), nil)
	}
	return t, assumedUTC, true, nil
}

// object checks that a member, when present, is an object.
func (f jsonField) object(key string, v jsonValue) (jsonValue, bool, error) {
	if !v.present() {
		return jsonValue{}, false, nil
	}
	if v.kind != jsonObject {
		return jsonValue{}, false, f.typeError(ErrBadField, key, v, "an object")
	}
	return v, true, nil
}
