package formats

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// jsonValue is one validated JSON value: its type and its text in the line, quotes included
// for a string. A string value without escapes is a substring of the line, so reading it
// costs no allocation. The zero jsonValue is an absent member.
type jsonValue struct {
	kind    byte
	escaped bool // a string with backslash escapes, which reading must decode
	text    string
	pos     int       // byte offset of text in the line
	tape    *jsonTape // the scan that found the value; its children are listed there
	index   int32     // the value's entry in tape
}

// tapeEntry is one value of a scanned line. Entries hold offsets, not strings or pointers,
// so a pooled tape is cheap to reuse and costs the garbage collector nothing to scan.
type tapeEntry struct {
	keyStart, keyEnd int32 // the member's quoted key, empty for array elements and the root
	start, end       int32 // the value's text
	firstChild       int32 // a container's first member, 0 when it has none
	next             int32 // the next member of the same container, 0 after the last
	kind             byte
	flags            byte // keyEscaped, valueEscaped
}

// tapeEntry.flags bits.
const (
	keyEscaped   = 1 << iota // the key has backslash escapes
	valueEscaped             // the string value has backslash escapes
)

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

// key returns the decoded key of object member i.
func (t *jsonTape) key(i int32) string {
	e := &t.entries[i]
	if e.keyEnd-e.keyStart < 2 {
		return ""
	}
	if e.flags&keyEscaped != 0 {
		return decodeJSONString(t.s[e.keyStart:e.keyEnd])
	}
	return t.s[e.keyStart+1 : e.keyEnd-1]
}

// valueAt returns the value of entry i.
func (t *jsonTape) valueAt(i int32) jsonValue {
	e := &t.entries[i]
	return jsonValue{kind: e.kind, escaped: e.flags&valueEscaped != 0, text: t.s[e.start:e.end], pos: int(e.start), tape: t, index: i}
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
	t := v.tape
	for i := t.entries[v.index].firstChild; i != 0; i = t.entries[i].next {
		if err := fn(t.key(i), t.valueAt(i)); err != nil {
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
