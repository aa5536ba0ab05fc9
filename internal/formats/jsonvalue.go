package formats

import (
	"strings"
	"unicode/utf8"
)

// jsonValue is one validated JSON value: its type and its text in the line, quotes included
// for a string. A string value without escapes is a substring of the line, so reading it
// costs no allocation. The zero jsonValue is an absent member.
type jsonValue struct {
	kind    byte
	escaped bool // a string with backslash escapes, which reading must decode
	text    string
	pos     int // byte offset of text in the line
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

// memberFunc receives an object member's decoded key and its value; for an array element the
// key is empty.
type memberFunc func(key string, val jsonValue) error

// members calls fn for each member of an object value, in order, stopping at fn's error.
func (v jsonValue) members(fn memberFunc) error {
	if v.kind != jsonObject {
		return nil
	}
	return v.children(func(_ int, quotedKey string, keyEscaped bool, val jsonValue) error {
		key := quotedKey[1 : len(quotedKey)-1]
		if keyEscaped {
			key = decodeJSONString(quotedKey)
		}
		return fn(key, val)
	})
}

// elements calls fn for each element of an array value.
func (v jsonValue) elements(fn func(i int, val jsonValue) error) error {
	if v.kind != jsonArray {
		return nil
	}
	return v.children(func(i int, _ string, _ bool, val jsonValue) error {
		return fn(i, val)
	})
}

// children calls fn for each member of an object or element of an array, with its index and
// the member's quoted key, or "" for an element. The scanner stores no children, so this
// reads the value's text again. The formats call it only on short arrays and small objects.
// The text was validated, but every read is still bounds-checked and any error is returned.
func (v jsonValue) children(fn func(i int, quotedKey string, keyEscaped bool, val jsonValue) error) error {
	closing := byte(']')
	if v.kind == jsonObject {
		closing = '}'
	}
	sc := jsonScanner{s: v.text, pos: 1}
	sc.skipSpace()
	if sc.pos < len(sc.s) && sc.s[sc.pos] == closing {
		return nil
	}

	for i := 0; sc.pos < len(sc.s); i++ {
		// An object member starts with its key and a colon.
		quotedKey, keyEscaped := "", false
		if v.kind == jsonObject {
			sc.skipSpace()
			keyStart := sc.pos
			if err := sc.str(); err != nil {
				return err
			}
			quotedKey, keyEscaped = sc.s[keyStart:sc.pos], sc.escaped
			sc.skipSpace()
			if sc.pos >= len(sc.s) || sc.s[sc.pos] != ':' {
				return sc.fail("missing ':' after object key")
			}
			sc.pos++
		}

		// The value. A plain string, the usual element, is read without going through value.
		sc.skipSpace()
		start := sc.pos
		end := -1
		if start < len(sc.s) && sc.s[start] == '"' {
			end = plainStringEnd(sc.s, start)
		}
		kind, escaped := byte(jsonString), false
		if end >= 0 {
			sc.pos = end
		} else {
			var err error
			if kind, err = sc.value(nodeNone, 0); err != nil {
				return err
			}
			escaped = kind == jsonString && sc.escaped
		}
		val := jsonValue{kind: kind, escaped: escaped, text: sc.s[start:sc.pos], pos: v.pos + start}
		if err := fn(i, quotedKey, keyEscaped, val); err != nil {
			return err
		}

		// A comma comes before the next child, and anything else is the closing bracket.
		sc.skipSpace()
		if sc.pos >= len(sc.s) || sc.s[sc.pos] != ',' {
			return nil
		}
		sc.pos++
	}
	return nil
}

// stringValue returns the decoded text of a string value.
func (v jsonValue) stringValue() string {
	if !v.escaped && len(v.text) >= 2 {
		return v.text[1 : len(v.text)-1]
	}
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
