package formats

import (
	"strconv"
	"strings"
)

// maxJSONLine bounds the lines the scanner reads, because recorded offsets are int32.
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

// jsonScanner validates JSON text in one pass. Inside the objects that a jsonNode describes,
// it stores the members the formats read in fields as it meets their keys, so no second
// pass over the line looks them up.
type jsonScanner struct {
	s     string
	pos   int
	depth int
	// escaped is set by str when the string it read had a backslash escape.
	escaped bool
	// fields receives the members of described objects. When it is nil, nothing is stored.
	fields *jsonFields
}

func (sc *jsonScanner) fail(msg string) error {
	return &jsonSyntaxError{pos: sc.pos, msg: msg}
}

func (sc *jsonScanner) eof() error {
	return &jsonSyntaxError{pos: sc.pos, truncated: true, msg: "unexpected end of line"}
}

// skipSpace moves past blanks. Lines from shippers and sensors are compact JSON, so the
// first test usually ends it, and the function stays small enough to inline.
func (sc *jsonScanner) skipSpace() {
	for sc.pos < len(sc.s) && sc.s[sc.pos] <= ' ' && isBlank(sc.s[sc.pos]) {
		sc.pos++
	}
}

// skipBlanks returns the offset of the first byte at or after i that is not a blank.
func skipBlanks(s string, i int) int {
	for i < len(s) && s[i] <= ' ' && isBlank(s[i]) {
		i++
	}
	return i
}

// integerEnd returns the offset just past the unsigned integer that starts with the digit at
// s[i], or -1 when a fraction or exponent follows, which number reads and checks. Like
// number, it ends a leading 0 at once, so "01" is "0" followed by a stray '1'.
func integerEnd(s string, i int) int {
	i++
	if s[i-1] != '0' {
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == '.' || s[i] == 'e' || s[i] == 'E') {
		return -1
	}
	return i
}

// value reads and validates one value, nested values included, and returns its kind. For an
// object, node names which of its members go to sc.fields, with their IDs counted from base,
// and for an array, whether its elements go there as a list.
func (sc *jsonScanner) value(node jsonNode, base jsonFieldID) (byte, error) {
	sc.skipSpace()
	if sc.pos >= len(sc.s) {
		return 0, sc.eof()
	}

	// Strings and numbers come first because they are most of the values in a line.
	switch c := sc.s[sc.pos]; {
	case c == '"':
		return jsonString, sc.str()
	case c == '-' || isDigit(c):
		return jsonNumber, sc.number()
	case c == '{':
		return jsonObject, sc.object(node, base)
	case c == '[':
		return jsonArray, sc.array(node)
	case c == 't':
		return jsonTrue, sc.literal("true")
	case c == 'f':
		return jsonFalse, sc.literal("false")
	case c == 'n':
		return jsonNull, sc.literal("null")
	default:
		return 0, sc.fail("invalid character " + strconv.QuoteRune(rune(c)) + " looking for a value")
	}
}

// open enters the object or array whose bracket is at sc.pos.
func (sc *jsonScanner) open() error {
	sc.depth++
	if sc.depth > maxJSONDepth {
		return sc.fail("nested deeper than " + strconv.Itoa(maxJSONDepth) + " levels")
	}
	sc.pos++
	return nil
}

// object reads an object from its opening brace to the closing one. Members whose keys node
// describes are stored in sc.fields, and the first of duplicate keys wins.
func (sc *jsonScanner) object(node jsonNode, base jsonFieldID) error {
	if err := sc.open(); err != nil {
		return err
	}
	sc.skipSpace()
	if sc.pos >= len(sc.s) {
		return sc.eof()
	}
	if sc.s[sc.pos] == '}' {
		sc.pos++
		sc.depth--
		return nil
	}
	if sc.fields == nil {
		node = nodeNone
	}

	// The loop keeps the position in a local and stores sc.pos only before a call that reads
	// it, so that the compiler can hold the position in a register.
	s := sc.s
	for {
		// The key and a colon. Keys are plain strings, so the careful reader str runs only for
		// an escape, a control character or a key cut by the end of the line.
		i := skipBlanks(s, sc.pos)
		if i >= len(s) {
			sc.pos = i
			return sc.eof()
		}
		if s[i] != '"' {
			sc.pos = i
			return sc.fail("object key is not a string")
		}
		keyStart := i
		keyEnd, keyEscaped := plainStringEnd(s, i), false
		if keyEnd < 0 {
			sc.pos = i
			if err := sc.str(); err != nil {
				return err
			}
			keyEnd, keyEscaped = sc.pos, sc.escaped
		}
		i = skipBlanks(s, keyEnd)
		if i >= len(s) {
			sc.pos = i
			return sc.eof()
		}
		if s[i] != ':' {
			sc.pos = i
			return sc.fail("missing ':' after object key")
		}
		i = skipBlanks(s, i+1)

		// The field the value goes to, when the key names one that is still empty.
		id, child, childBase := noJSONField, nodeNone, jsonFieldID(0)
		if node != nodeNone {
			key := s[keyStart+1 : keyEnd-1]
			if keyEscaped {
				key = decodeJSONString(s[keyStart:keyEnd])
			}
			id, child, childBase = memberField(node, base, key)
			if id < numJSONFields && sc.fields.spans[id].kind != 0 {
				id, child = noJSONField, nodeNone
			}
		}

		// The value. Plain strings and non-negative integers, most of the values in a line,
		// are read here, and anything else goes through value.
		start := i
		kind, escaped := byte(jsonString), false
		end := -1
		if i < len(s) {
			switch c := s[i]; {
			case c == '"':
				end = plainStringEnd(s, i)
			case isDigit(c):
				kind, end = jsonNumber, integerEnd(s, i)
			}
		}
		if end >= 0 {
			sc.pos = end
		} else {
			sc.pos = i
			var err error
			if kind, err = sc.value(child, childBase); err != nil {
				return err
			}
			escaped = kind == jsonString && sc.escaped
		}
		if id != noJSONField {
			// Offsets fit in int32 because scanJSON rejects longer lines.
			sp := jsonSpan{start: int32(start), end: int32(sc.pos), kind: kind, escaped: escaped}
			if id == fieldTechniqueValue {
				sc.fields.addTechniqueValue(sp)
			} else {
				sc.fields.spans[id] = sp
			}
		}

		// Then a comma and the next member, or the closing brace.
		i = skipBlanks(s, sc.pos)
		if i >= len(s) {
			sc.pos = i
			return sc.eof()
		}
		switch s[i] {
		case ',':
			sc.pos = i + 1
		case '}':
			sc.pos = i + 1
			sc.depth--
			return nil
		default:
			sc.pos = i
			return sc.fail("missing ',' or '}'")
		}
	}
}

// array reads an array from its opening bracket to the closing one. For the arrays that
// node names as lists, the elements are stored in sc.fields.
func (sc *jsonScanner) array(node jsonNode) error {
	if err := sc.open(); err != nil {
		return err
	}
	sc.skipSpace()
	if sc.pos >= len(sc.s) {
		return sc.eof()
	}
	if sc.s[sc.pos] == ']' {
		sc.pos++
		sc.depth--
		return nil
	}

	var list *jsonList
	if sc.fields != nil {
		switch node {
		case nodeTechniqueList:
			list = &sc.fields.lists[listTechniques]
		case nodeValueList:
			list = &sc.fields.lists[listModbusValues]
		}
	}

	for {
		sc.skipSpace()
		start := sc.pos
		kind, err := sc.value(nodeNone, 0)
		if err != nil {
			return err
		}
		if list != nil {
			if list.count < maxListElements {
				list.elements[list.count] = jsonSpan{start: int32(start), end: int32(sc.pos), kind: kind, escaped: kind == jsonString && sc.escaped}
			}
			list.count++
		}

		// Then a comma and the next element, or the closing bracket.
		sc.skipSpace()
		if sc.pos >= len(sc.s) {
			return sc.eof()
		}
		switch sc.s[sc.pos] {
		case ',':
			sc.pos++
		case ']':
			sc.pos++
			sc.depth--
			return nil
		default:
			return sc.fail("missing ',' or ']'")
		}
	}
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

// scanJSON validates the single JSON value that makes up s[start:] and returns it. When
// fields is not nil, the members of a top-level object that the JSON formats read are
// stored there, down to the nested objects that jsonNode describes.
func scanJSON(s string, start int, fields *jsonFields) (jsonValue, error) {
	if len(s) > maxJSONLine {
		return jsonValue{}, &jsonSyntaxError{pos: maxJSONLine, msg: "line longer than " + strconv.Itoa(maxJSONLine) + " bytes"}
	}
	if fields != nil {
		fields.line = s
	}

	sc := jsonScanner{s: s, pos: start, fields: fields}
	sc.skipSpace()
	valueStart := sc.pos
	kind, err := sc.value(nodeTop, 0)
	if err != nil {
		return jsonValue{}, err
	}
	value := jsonValue{kind: kind, escaped: kind == jsonString && sc.escaped, text: s[valueStart:sc.pos], pos: valueStart}

	sc.skipSpace()
	if sc.pos < len(s) {
		return jsonValue{}, sc.fail("data after the JSON value")
	}
	return value, nil
}
