package formats

import (
	"math/bits"
	"strconv"
	"strings"
)

// maxJSONLine bounds the lines the scanner reads, because tape offsets are int32.
const maxJSONLine = 1<<31 - 1

// maxJSONDepth bounds object and array nesting. EVE records nest four levels (modbus,
// request, read, address); the bound keeps hostile input from exhausting the stack.
const maxJSONDepth = 64

// JSON value types, named by the first byte of a value's text (any digit for numbers).
const (
	jsonObject = '{'
	jsonArray  = '['
	jsonString = '"'
	jsonNumber = '0'
	jsonTrue   = 't'
	jsonFalse  = 'f'
	jsonNull   = 'n'
)

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
	// escaped is set by str when the string it read had a backslash escape.
	escaped bool
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

	// Offsets fit in int32 because scanJSON rejects longer lines.
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
		if sc.escaped {
			sc.tape.entries[index].flags |= valueEscaped
		}
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
		keyWasEscaped := false
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
			keyWasEscaped = sc.escaped
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
		if keyWasEscaped {
			sc.tape.entries[child].flags |= keyEscaped
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
	sc.escaped = false
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
		sc.escaped = true
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
// or len(s). It tests eight bytes per step and finishes the last few byte by byte.
func skipPlainString(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		b := s[i : i+8]
		w := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		quote := w ^ (swarOnes * '"')
		backslash := w ^ (swarOnes * '\\')
		stop := ((quote-swarOnes)&^quote | (backslash-swarOnes)&^backslash | (w-swarOnes*0x20)&^w) & swarHighs
		if stop != 0 {
			// The lowest marked byte is exact: false marks appear only above a true one.
			return i + bits.TrailingZeros64(stop)/8
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
	if len(s) > maxJSONLine {
		return jsonValue{}, &jsonSyntaxError{pos: maxJSONLine, msg: "line longer than " + strconv.Itoa(maxJSONLine) + " bytes"}
	}
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
