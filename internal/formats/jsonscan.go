package formats

import (
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// maxJSONDepth bounds object and array nesting. EVE records nest four levels (modbus,
// request, read, address); the bound keeps hostile input from exhausting the stack.
const maxJSONDepth = 64

// jsonKindOf values: the first byte of a JSON value names its type.
const (
	jsonObject = '{'
	jsonArray  = '['
	jsonString = '"'
	jsonNumber = '0'
	jsonTrue   = 't'
	jsonFalse  = 'f'
	jsonNull   = 'n'
)

// jsonValue is one validated JSON value: its type and its text in the line, quotes included
// for a string. A string value without escapes is a substring of the line, so reading it
// costs no allocation. The zero jsonValue is an absent member.
type jsonValue struct {
	kind  byte
	text  string
	pos   int       // byte offset of text in the line
	tape  *jsonTape // the scan that found the value; its children are listed there
	index int32     // the value's entry in tape
}

// tapeEntry is one value of a scanned line. Entries hold offsets, not strings or pointers,
// so a pooled tape is cheap to reuse and costs the garbage collector nothing to scan.
type tapeEntry struct {
	keyStart, keyEnd int32 // the member's quoted key, empty for array elements and the root
	start, end       int32 // the value's text
	firstChild       int32 // a container's first member, 0 when it has none
	next             int32 // the next member of the same container, 0 after the last
	kind             byte
}

// jsonTape lists every value of a line in document order, so a nested object is read
// without scanning its text again.
type jsonTape struct {
	s       string
	entries []tapeEntry
}

// maxPooledTape bounds the tapes kept for reuse, so one huge line does not pin its tape.
const maxPooledTape = 1 << 14

var tapePool = sync.Pool{New: func() any { return new(jsonTape) }}

func getTape(s string) *jsonTape {
	t := tapePool.Get().(*jsonTape)
	t.s = s
	t.entries = t.entries[:0]
	return t
}

func putTape(t *jsonTape) {
	t.s = ""
	if cap(t.entries) <= maxPooledTape {
		tapePool.Put(t)
	}
}

// valueAt returns the value of entry i.
func (t *jsonTape) valueAt(i int32) jsonValue {
	e := &t.entries[i]
	return jsonValue{kind: e.kind, text: t.s[e.start:e.end], pos: int(e.start), tape: t, index: i}
}

// typeName returns the JSON type name for error messages.
func (v jsonValue) typeName() string {
	switch v.kind {
	case jsonObject:
		return "object"
	case jsonArray:
		return "array"
	case jsonString:
		return "string"
	case jsonNumber:
		return "number"
	case jsonTrue, jsonFalse:
		return "boolean"
	case jsonNull:
		return "null"
	}
	return "missing"
}

// present reports whether the member was there and not null; the formats treat null as absent.
func (v jsonValue) present() bool {
	return v.kind != 0 && v.kind != jsonNull
}

// jsonSyntaxError is a position in the line where JSON stops being valid.
type jsonSyntaxError struct {
	pos       int
	truncated bool // the line ended inside a value
	msg       string
}

func (e *jsonSyntaxError) Error() string { return e.msg }

// jsonScanner validates JSON text and records its values on a tape.
type jsonScanner struct {
	s     string
	pos   int
	depth int
	tape  *jsonTape
}

// stringStops marks the bytes that end a run of plain string content: the closing quote, a
// backslash, and the control characters JSON forbids inside strings.
var stringStops = func() (stops [256]bool) {
	for c := 0; c < 0x20; c++ {
		stops[c] = true
	}
	stops['"'] = true
	stops['\\'] = true
	return stops
}()

func (sc *jsonScanner) fail(msg string) error {
	return &jsonSyntaxError{pos: sc.pos, msg: msg}
}

func (sc *jsonScanner) eof() error {
	return &jsonSyntaxError{pos: sc.pos, truncated: true, msg: "unexpected end of line"}
}

func (sc *jsonScanner) skipSpace() {
	for sc.pos < len(sc.s) {
		switch sc.s[sc.pos] {
		case ' ', '\t', '\n', '\r':
			sc.pos++
		default:
			return
		}
	}
}

// value reads and validates one value, nested values included, and appends it and them to
// the tape. It returns the value's entry index.
func (sc *jsonScanner) value(keyStart, keyEnd int) (int32, error) {
	sc.skipSpace()
	if sc.pos >= len(sc.s) {
		return 0, sc.eof()
	}

	// Offsets fit in int32: lines are far shorter than 2 GiB.
	index := int32(len(sc.tape.entries))
	sc.tape.entries = append(sc.tape.entries, tapeEntry{keyStart: int32(keyStart), keyEnd: int32(keyEnd), start: int32(sc.pos)})

	var kind byte
	var err error
	switch c := sc.s[sc.pos]; {
	case c == '{':
		kind, err = jsonObject, sc.container('}', index)
	case c == '[':
		kind, err = jsonArray, sc.container(']', index)
	case c == '"':
		kind, err = jsonString, sc.str()
	case c == '-' || isDigit(c):
		kind, err = jsonNumber, sc.number()
	case c == 't':
		kind, err = jsonTrue, sc.literal("true")
	case c == 'f':
		kind, err = jsonFalse, sc.literal("false")
	case c == 'n':
		kind, err = jsonNull, sc.literal("null")
	default:
		return 0, sc.fail("invalid character " + strconv.QuoteRune(rune(c)) + " looking for a value")
	}
	if err != nil {
		return 0, err
	}

	e := &sc.tape.entries[index]
	e.kind = kind
	e.end = int32(sc.pos)
	return index, nil
}

// container reads an object or array from its opening bracket to the closing one, linking
// its members on the tape under the entry parent.
func (sc *jsonScanner) container(closing byte, parent int32) error {
	sc.depth++
	if sc.depth > maxJSONDepth {
		return sc.fail("nested deeper than " + strconv.Itoa(maxJSONDepth) + " levels")
	}
	sc.pos++

	sc.skipSpace()
	if sc.pos >= len(sc.s) {
		return sc.eof()
	}
	if sc.s[sc.pos] == closing {
		sc.pos++
		sc.depth--
		return nil
	}

	previous := int32(0)
	for {
		// An object member starts with its key and a colon.
		keyStart, keyEnd := 0, 0
		if closing == '}' {
			sc.skipSpace()
			if sc.pos >= len(sc.s) {
				return sc.eof()
			}
			if sc.s[sc.pos] != '"' {
				return sc.fail("object key is not a string")
			}
			keyStart = sc.pos
			if err := sc.str(); err != nil {
				return err
			}
			keyEnd = sc.pos
			sc.skipSpace()
			if sc.pos >= len(sc.s) {
				return sc.eof()
			}
			if sc.s[sc.pos] != ':' {
				return sc.fail("missing ':' after object key")
			}
			sc.pos++
		}

		child, err := sc.value(keyStart, keyEnd)
		if err != nil {
			return err
		}
		if previous == 0 {
			sc.tape.entries[parent].firstChild = child
		} else {
			sc.tape.entries[previous].next = child
		}
		previous = child

		// Then a comma and the next element, or the closing bracket.
		sc.skipSpace()
		if sc.pos >= len(sc.s) {
			return sc.eof()
		}
		switch sc.s[sc.pos] {
		case ',':
			sc.pos++
		case closing:
			sc.pos++
			sc.depth--
			return nil
		default:
			return sc.fail("missing ',' or '" + string(closing) + "'")
		}
	}
}

// str reads a string from its opening quote, checking escapes and control characters.
func (sc *jsonScanner) str() error {
	sc.pos++
	for sc.pos < len(sc.s) {
		sc.pos = skipPlainString(sc.s, sc.pos)
		if sc.pos >= len(sc.s) {
			break
		}
		switch c := sc.s[sc.pos]; {
		case c == '"':
			sc.pos++
			return nil
		case c < 0x20:
			return sc.fail("control character in string")
		}

		// A backslash escape: one of "\/bfnrt, or u and four hex digits.
		if sc.pos+1 >= len(sc.s) {
			sc.pos = len(sc.s)
			return sc.eof()
		}
		switch sc.s[sc.pos+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			sc.pos += 2
		case 'u':
			if sc.pos+6 > len(sc.s) {
				sc.pos = len(sc.s)
				return sc.eof()
			}
			for k := sc.pos + 2; k < sc.pos+6; k++ {
				if !isHex(sc.s[k]) {
					sc.pos = k
					return sc.fail("invalid \\u escape")
				}
			}
			sc.pos += 6
		default:
			sc.pos++
			return sc.fail("invalid escape character")
		}
	}
	return sc.eof()
}

// Constants for testing eight string bytes at once (SWAR): a byte is zero in x exactly when
// the same byte of (x - ones) &^ x has its high bit set, with no false positives below the
// first zero byte.
const (
	swarOnes  = 0x0101010101010101
	swarHighs = 0x8080808080808080
)

// skipPlainString returns the offset of the first byte at or after i that stringStops marks,
// or len(s). It tests eight bytes per step and finishes byte by byte.
func skipPlainString(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		b := s[i : i+8]
		w := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		quote := w ^ (swarOnes * '"')
		backslash := w ^ (swarOnes * '\\')
		stop := (quote-swarOnes)&^quote | (backslash-swarOnes)&^backslash | (w-swarOnes*0x20)&^w
		if stop&swarHighs != 0 {
			break
		}
	}
	for i < len(s) && !stringStops[s[i]] {
		i++
	}
	return i
}

// number reads -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?.
func (sc *jsonScanner) number() error {
	if sc.s[sc.pos] == '-' {
		sc.pos++
	}
	if sc.pos >= len(sc.s) {
		return sc.eof()
	}
	switch {
	case sc.s[sc.pos] == '0':
		sc.pos++
	case isDigit(sc.s[sc.pos]):
		sc.skipDigits()
	default:
		return sc.fail("invalid number")
	}

	if sc.pos < len(sc.s) && sc.s[sc.pos] == '.' {
		sc.pos++
		if sc.pos >= len(sc.s) {
			return sc.eof()
		}
		if !isDigit(sc.s[sc.pos]) {
			return sc.fail("missing digits after decimal point")
		}
		sc.skipDigits()
	}

	if sc.pos < len(sc.s) && (sc.s[sc.pos] == 'e' || sc.s[sc.pos] == 'E') {
		sc.pos++
		if sc.pos < len(sc.s) && (sc.s[sc.pos] == '+' || sc.s[sc.pos] == '-') {
			sc.pos++
		}
		if sc.pos >= len(sc.s) {
			return sc.eof()
		}
		if !isDigit(sc.s[sc.pos]) {
			return sc.fail("missing digits in exponent")
		}
		sc.skipDigits()
	}
	return nil
}

func (sc *jsonScanner) skipDigits() {
	for sc.pos < len(sc.s) && isDigit(sc.s[sc.pos]) {
		sc.pos++
	}
}

// literal reads true, false or null; a prefix of one at the end of the line is truncation.
func (sc *jsonScanner) literal(word string) error {
	rest := sc.s[sc.pos:]
	if strings.HasPrefix(rest, word) {
		sc.pos += len(word)
		return nil
	}
	if len(rest) < len(word) && strings.HasPrefix(word, rest) {
		sc.pos = len(sc.s)
		return sc.eof()
	}
	return sc.fail("invalid literal")
}

// scanJSON validates the single JSON value that makes up s[start:] and returns it. The caller
// returns the value's tape with putTape when it no longer reads the value.
func scanJSON(s string, start int) (jsonValue, error) {
	sc := jsonScanner{s: s, pos: start, tape: getTape(s)}
	root, err := sc.value(0, 0)
	if err == nil {
		sc.skipSpace()
		if sc.pos < len(s) {
			err = sc.fail("data after the JSON value")
		}
	}
	if err != nil {
		putTape(sc.tape)
		return jsonValue{}, err
	}
	return sc.tape.valueAt(root), nil
}

// memberFunc receives an object member's decoded key and its value; for an array element the
// key is empty.
type memberFunc func(key string, val jsonValue) error

// members calls fn for each member of an object value, in order, stopping at fn's error.
func (v jsonValue) members(fn memberFunc) error {
	if v.kind != jsonObject {
		return nil
	}
	t := v.tape
	for i := t.entries[v.index].firstChild; i != 0; i = t.entries[i].next {
		e := &t.entries[i]
		if err := fn(decodeJSONString(t.s[e.keyStart:e.keyEnd]), t.valueAt(i)); err != nil {
			return err
		}
	}
	return nil
}

// elements calls fn for each element of an array value.
func (v jsonValue) elements(fn func(i int, val jsonValue) error) error {
	if v.kind != jsonArray {
		return nil
	}
	t := v.tape
	k := 0
	for i := t.entries[v.index].firstChild; i != 0; i = t.entries[i].next {
		if err := fn(k, t.valueAt(i)); err != nil {
			return err
		}
		k++
	}
	return nil
}

// stringValue returns the decoded text of a string value.
func (v jsonValue) stringValue() string {
	return decodeJSONString(v.text)
}

// decodeJSONString decodes a validated quoted string. Without escapes the result is a
// substring of the input; with them it is a new string.
func decodeJSONString(quoted string) string {
	if len(quoted) < 2 {
		return ""
	}
	body := quoted[1 : len(quoted)-1]
	if strings.IndexByte(body, '\\') < 0 {
		return body
	}

	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		switch body[i] {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r := rune(hexValue(body[i+1 : i+5]))
			i += 4
			// A UTF-16 surrogate pair spans two escapes; a lone surrogate becomes U+FFFD.
			if r >= 0xD800 && r < 0xDC00 && i+6 < len(body) && body[i+1] == '\\' && body[i+2] == 'u' {
				low := rune(hexValue(body[i+3 : i+7]))
				if low >= 0xDC00 && low < 0xE000 {
					r = 0x10000 + (r-0xD800)<<10 + (low - 0xDC00)
					i += 6
				}
			}
			if !utf8.ValidRune(r) {
				r = utf8.RuneError
			}
			b.WriteRune(r)
		default:
			// '"', '\\' and '/' stand for themselves.
			b.WriteByte(body[i])
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return isDigit(c) || (c|0x20) >= 'a' && (c|0x20) <= 'f'
}

// hexValue decodes four validated hex digits.
func hexValue(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			v = v<<4 | int(c-'0')
		default:
			v = v<<4 | int((c|0x20)-'a'+10)
		}
	}
	return v
}
