package formats

import (
	"fmt"
	"net/netip"
	"strconv"
	"time"
)

// jsonField reads the members of one JSON object of a format and names them in errors. Each
// reader takes the member's key, for the message, and its value, zero when absent.
type jsonField struct {
	format string // e.g. "EVE record"
	path   string // the keys leading to the object, each ending in '.', e.g. "modbus.request."
}

// name returns the member's full key for error messages, e.g. "alert.severity".
func (f jsonField) name(key string) string {
	return f.path + key
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
	n, ok := parseJSONInt(v.text)
	var err error
	if !ok {
		n, err = strconv.ParseInt(v.text, 10, 64)
	}
	if err != nil || n < lo || n > hi {
		return 0, false, f.errorf(kind, v, fmt.Sprintf("invalid %q %s, want an integer from %d to %d", f.name(key), quote(v.text), lo, hi), nil)
	}
	return n, true, nil
}

// parseJSONInt reads a JSON number that is an integer of at most 18 digits, which always
// fits in an int64, without strconv.ParseInt's generality. It reports false for anything
// else, such as fractions, exponents and longer integers, which strconv.ParseInt then reads
// or rejects.
func parseJSONInt(text string) (int64, bool) {
	negative := len(text) > 0 && text[0] == '-'
	if negative {
		text = text[1:]
	}
	v, ok := digits(text)
	if !ok {
		return 0, false
	}
	if negative {
		return -int64(v), true
	}
	return int64(v), true
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

	// Most addresses are dotted-quad IPv4, which parseDottedQuad reads for less than
	// netip.ParseAddr costs. It reports false for anything else, including every invalid
	// address, and netip.ParseAddr then decides.
	text := v.stringValue()
	if a, ok := parseDottedQuad(text); ok {
		return a, nil
	}
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
