package formats

import "math/bits"

// The token scan below reads eight bytes at a time and finds a byte value with the classic
// zero-byte test. In (x - 0x01...01) &^ x & 0x80...80, the lowest set bit is the high bit of
// the lowest zero byte of x. The borrow can set bits above it falsely, so only the lowest one
// is used. XOR with a byte repeated eight times turns "byte equals c" into "byte is zero". A
// netfilter line is a run of short tokens, so one word per step costs less than a
// strings.IndexByte call per token.
const (
	repeatedOnes   = 0x0101010101010101
	repeatedHigh   = 0x8080808080808080
	repeatedSpace  = ' ' * repeatedOnes
	repeatedEquals = '=' * repeatedOnes
)

// load64 returns s[i:i+8] as a little-endian word. Go 1.26 on amd64 compiles the eight byte
// loads to one 64-bit load. The caller checks that i+8 <= len(s).
func load64(s string, i int) uint64 {
	b := s[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// zeroByteMask returns a word whose lowest set bit is the high bit of the lowest zero byte of
// x, and 0 when x has no zero byte.
func zeroByteMask(x uint64) uint64 {
	return (x - repeatedOnes) &^ x & repeatedHigh
}

// scanToken returns the end of the token that starts at i, which is the offset of the next
// space or len(s), and the offset of the token's first '=' relative to i, or -1.
func scanToken(s string, i int) (end, eq int) {
	// One load per word serves both searches: the lowest bit of each mask is exact, so a word
	// whose first '=' comes before its first space gives eq, and its first space ends the token.
	start := i
	eq = -1
	for i+8 <= len(s) {
		x := load64(s, i)
		spaces := zeroByteMask(x ^ repeatedSpace)
		if eq < 0 {
			equals := zeroByteMask(x ^ repeatedEquals)
			if equals != 0 && (spaces == 0 || bits.TrailingZeros64(equals) < bits.TrailingZeros64(spaces)) {
				eq = i + bits.TrailingZeros64(equals)/8 - start
			}
		}
		if spaces != 0 {
			return i + bits.TrailingZeros64(spaces)/8, eq
		}
		i += 8
	}

	// The last bytes of the line, fewer than eight.
	for i < len(s) && s[i] != ' ' {
		if s[i] == '=' && eq < 0 {
			eq = i - start
		}
		i++
	}
	return i, eq
}

// indexSpace returns the offset of the first space at or after i, or len(s).
func indexSpace(s string, i int) int {
	for i+8 <= len(s) {
		if m := zeroByteMask(load64(s, i) ^ repeatedSpace); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		i += 8
	}
	for i < len(s) && s[i] != ' ' {
		i++
	}
	return i
}

// indexEquals returns the offset of the first '=' at or after i, or len(s).
func indexEquals(s string, i int) int {
	for i+8 <= len(s) {
		if m := zeroByteMask(load64(s, i) ^ repeatedEquals); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		i += 8
	}
	for i < len(s) && s[i] != '=' {
		i++
	}
	return i
}
