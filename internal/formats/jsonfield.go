package formats

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/valyala/fastjson"
)

// topFields are the top-level members of a JSON line that any of the JSON formats reads,
// gathered in one pass. fastjson's Get scans the object on every call, twice for a missing
// key, which cost about a sixth of an EVE parse.
type topFields struct {
	// Shape keys.
	eventType, log, date, rule, sensor *fastjson.Value
	// Shared by EVE and sensor alerts.
	timestamp, srcIP, srcPort, modbus *fastjson.Value
	// EVE only.
	flowID, destIP, destPort, proto, host, alert *fastjson.Value
	// Sensor alerts only.
	severity, techniques, dstIP, dstPort, srcZone, dstZone, count, firstSeen, lastSeen, message *fastjson.Value
}

// collect fills t from obj, keeping the first of duplicate keys as fastjson's Get does.
func (t *topFields) collect(obj *fastjson.Value) {
	o, err := obj.Object()
	if err != nil {
		return
	}
	o.Visit(func(key []byte, v *fastjson.Value) {
		var slot **fastjson.Value
		switch string(key) {
		case "event_type":
			slot = &t.eventType
		case "log":
			slot = &t.log
		case "date":
			slot = &t.date
		case "rule":
			slot = &t.rule
		case "sensor":
			slot = &t.sensor
		case "timestamp":
			slot = &t.timestamp
		case "src_ip":
			slot = &t.srcIP
		case "src_port":
			slot = &t.srcPort
		case "modbus":
			slot = &t.modbus
		case "flow_id":
			slot = &t.flowID
		case "dest_ip":
			slot = &t.destIP
		case "dest_port":
			slot = &t.destPort
		case "proto":
			slot = &t.proto
		case "host":
			slot = &t.host
		case "alert":
			slot = &t.alert
		case "severity":
			slot = &t.severity
		case "techniques":
			slot = &t.techniques
		case "dst_ip":
			slot = &t.dstIP
		case "dst_port":
			slot = &t.dstPort
		case "src_zone":
			slot = &t.srcZone
		case "dst_zone":
			slot = &t.dstZone
		case "count":
			slot = &t.count
		case "first_seen":
			slot = &t.firstSeen
		case "last_seen":
			slot = &t.lastSeen
		case "message":
			slot = &t.message
		default:
			return
		}
		if *slot == nil {
			*slot = v
		}
	})
}

// jsonField reads the members of one JSON object of a format and names them in errors. Each
// reader takes the member's key, for the message, and its value, nil when absent.
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

func (f jsonField) errorf(kind error, detail string, cause error) error {
	return &ParseError{Format: f.format, Detail: detail, Err: kind, Cause: cause}
}

func (f jsonField) typeError(kind error, key string, v *fastjson.Value, want string) error {
	return f.errorf(kind, fmt.Sprintf("%q is a %s, not %s", f.name(key), v.Type(), want), nil)
}

// absent reports whether a member is missing or null, which the formats treat alike.
func absent(v *fastjson.Value) bool {
	return v == nil || v.Type() == fastjson.TypeNull
}

// str returns a string member, copied out of the parser's buffer, and whether it was present.
func (f jsonField) str(key string, v *fastjson.Value) (string, bool, error) {
	if absent(v) {
		return "", false, nil
	}
	if v.Type() != fastjson.TypeString {
		return "", false, f.typeError(ErrBadField, key, v, "a string")
	}
	return string(v.GetStringBytes()), true, nil
}

// integer returns an integer member and whether it was present; it rejects fractions and
// values outside [lo, hi] with kind.
func (f jsonField) integer(key string, v *fastjson.Value, lo, hi int64, kind error) (int64, bool, error) {
	if absent(v) {
		return 0, false, nil
	}
	if v.Type() != fastjson.TypeNumber {
		return 0, false, f.typeError(kind, key, v, "a number")
	}
	n, err := v.Int64()
	if err != nil || n < lo || n > hi {
		var buf [32]byte
		return 0, false, f.errorf(kind, fmt.Sprintf("invalid %q %s, want an integer from %d to %d", f.name(key), quote(string(v.MarshalTo(buf[:0]))), lo, hi), nil)
	}
	return n, true, nil
}

// intInto stores an optional integer member in slot and returns slot, or nil when absent.
func (f jsonField) intInto(key string, v *fastjson.Value, lo, hi int64, slot *int) (*int, error) {
	n, ok, err := f.integer(key, v, lo, hi, ErrBadNumber)
	if err != nil || !ok {
		return nil, err
	}
	*slot = int(n)
	return slot, nil
}

// port stores a port member in slot and returns slot, or nil when absent.
func (f jsonField) port(key string, v *fastjson.Value, slot *uint16) (*uint16, error) {
	n, ok, err := f.integer(key, v, 0, 65535, ErrBadPort)
	if err != nil || !ok {
		return nil, err
	}
	*slot = uint16(n)
	return slot, nil
}

// addr returns an IP address member, the zero Addr when absent.
func (f jsonField) addr(key string, v *fastjson.Value) (netip.Addr, error) {
	if absent(v) {
		return netip.Addr{}, nil
	}
	if v.Type() != fastjson.TypeString {
		return netip.Addr{}, f.typeError(ErrBadAddress, key, v, "a string")
	}

	// netip copies a zone into its own storage, so parsing from the parser's buffer is safe.
	text := bytesView(v.GetStringBytes())
	a, err := netip.ParseAddr(text)
	if err != nil {
		// netip's error keeps its input, so parse a copy to get an error that owns its text.
		owned := strings.Clone(text)
		_, err = netip.ParseAddr(owned)
		err = addrCause(owned, err)
		return netip.Addr{}, f.errorf(ErrBadAddress, fmt.Sprintf("invalid %q %s", f.name(key), quote(owned)), err)
	}
	return a.Unmap(), nil
}

// timestamp returns a date-time member and whether it was present.
func (f jsonField) timestamp(key string, v *fastjson.Value) (t time.Time, assumedUTC, ok bool, err error) {
	if absent(v) {
		return time.Time{}, false, false, nil
	}
	if v.Type() != fastjson.TypeString {
		return time.Time{}, false, false, f.typeError(ErrBadTimestamp, key, v, "a string")
	}
	text := bytesView(v.GetStringBytes())
	t, assumedUTC, n, good := parseISOTime(text)
	if !good || n != len(text) {
		return time.Time{}, false, false, f.errorf(ErrBadTimestamp, fmt.Sprintf("invalid %q %s", f.name(key), quote(text)), nil)
	}
	return t, assumedUTC, true, nil
}

// object returns an object member, nil when absent.
func (f jsonField) object(key string, v *fastjson.Value) (*fastjson.Value, error) {
	if absent(v) {
		return nil, nil
	}
	if v.Type() != fastjson.TypeObject {
		return nil, f.typeError(ErrBadField, key, v, "an object")
	}
	return v, nil
}
