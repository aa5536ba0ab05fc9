package formats

import "math/bits"

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

// plainStringEnd returns the offset just past the closing quote of the string that opens at
// s[i], or -1 when the string has an escape or a control character or is cut by the end of
// the line. Those cases go to str, which reads them and reports the errors. It repeats the
// short loop of skipPlainString rather than calling it, because most strings are keys and
// short values, for which the extra call is a visible share of the cost.
func plainStringEnd(s string, i int) int {
	i++
	for ; i+8 <= len(s); i += 8 {
		if stop := stringStopMask(load64(s, i)); stop != 0 {
			i += bits.TrailingZeros64(stop) / 8
			if s[i] == '"' {
				return i + 1
			}
			return -1
		}
	}
	for i < len(s) && !stringStops[s[i]] {
		i++
	}
	if i < len(s) && s[i] == '"' {
		return i + 1
	}
	return -1
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

// stringStopMask returns a word whose lowest set bit is the high bit of the lowest byte of w
// that stringStops marks, and 0 when no byte is marked. It is zeroByteMask for the quote and
// the backslash, and the same borrow test for bytes below 0x20, with one mask at the end.
func stringStopMask(w uint64) uint64 {
	quote := w ^ ('"' * repeatedOnes)
	backslash := w ^ ('\\' * repeatedOnes)
	return ((quote-repeatedOnes)&^quote | (backslash-repeatedOnes)&^backslash | (w-0x20*repeatedOnes)&^w) & repeatedHigh
}

// skipPlainString returns the offset of the first byte at or after i that stringStops marks,
// or len(s). It tests eight bytes per step and finishes the last few byte by byte.
func skipPlainString(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		if stop := stringStopMask(load64(s, i)); stop != 0 {
			// The lowest marked byte is exact: false marks appear only above a true one.
			return i + bits.TrailingZeros64(stop)/8
		}
	}
	for i < len(s) && !stringStops[s[i]] {
		i++
	}
	return i
}
