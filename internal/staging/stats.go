package staging

import (
	"bytes"
	"encoding/binary"

	"github.com/parquet-go/parquet-go/format"
)

// columnStats tracks the minimum and maximum non-null value in the Parquet type-defined
// order: signed for integers, bytewise for strings, false before true for booleans.
type columnStats struct {
	set              bool
	minInt, maxInt   int64
	minText, maxText []byte     // copies, because a streamed row's strings may be reused
	minKey, maxKey   textPrefix // the first 16 bytes of minText and maxText
}

func (s *columnStats) addInt(v int64) {
	if !s.set {
		s.set, s.minInt, s.maxInt = true, v, v
		return
	}
	s.minInt = min(s.minInt, v)
	s.maxInt = max(s.maxInt, v)
}

// addText keeps v if it is a new bound. Most values differ from both bounds within their
// first 16 bytes, or equal one of them, which their prefix and length show without comparing
// the strings.
func (s *columnStats) addText(v string) {
	k := stringKey(v)
	if s.set && (s.minKey.less(k) && k.less(s.maxKey) ||
		len(v) <= 16 && (k == s.minKey && len(v) == len(s.minText) || k == s.maxKey && len(v) == len(s.maxText))) {
		return
	}
	s.addTextBound(v, k)
}

// addTextBound compares v, whose prefix is k, with the bounds in full.
func (s *columnStats) addTextBound(v string, k textPrefix) {
	switch {
	case !s.set:
		s.set = true
		s.minText, s.minKey = append(s.minText[:0], v...), k
		s.maxText, s.maxKey = append(s.maxText[:0], v...), k
	case v < string(s.minText):
		s.minText, s.minKey = append(s.minText[:0], v...), k
	case v > string(s.maxText):
		s.maxText, s.maxKey = append(s.maxText[:0], v...), k
	}
}

// textPrefix is the first 16 bytes of a string as two big-endian integers, zero-padded when
// the string is shorter. If a's prefix is less than b's, then a < b bytewise, because a
// padding zero appears only past the end of a, and a string that ends first sorts first.
// Equal prefixes leave the order open, except between strings of the same length of at most
// 16 bytes, which are then equal.
type textPrefix struct{ hi, lo uint64 }

func (a textPrefix) less(b textPrefix) bool {
	return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo)
}

// stringKey returns the prefix of v. Its loads stay inside v: for 4 to 15 bytes, the last
// word overlaps the first and is shifted into place.
func stringKey(v string) textPrefix {
	n := len(v)
	switch {
	case n >= 16:
		return textPrefix{hi: be64(v), lo: be64(v[8:])}
	case n >= 8:
		return textPrefix{hi: be64(v), lo: be64(v[n-8:]) << (8 * (16 - n))}
	case n >= 4:
		rest := uint64(be32(v[n-4:])) << (8 * (8 - n)) & 0xffffffff
		return textPrefix{hi: uint64(be32(v))<<32 | rest}
	}
	var hi uint64
	for i := range n {
		hi |= uint64(v[i]) << (56 - 8*i)
	}
	return textPrefix{hi: hi}
}

func be64(s string) uint64 {
	_ = s[7]
	return uint64(s[0])<<56 | uint64(s[1])<<48 | uint64(s[2])<<40 | uint64(s[3])<<32 |
		uint64(s[4])<<24 | uint64(s[5])<<16 | uint64(s[6])<<8 | uint64(s[7])
}

func be32(s string) uint32 {
	_ = s[3]
	return uint32(s[0])<<24 | uint32(s[1])<<16 | uint32(s[2])<<8 | uint32(s[3])
}

// statistics encodes the chunk's null count and bounds as PLAIN values, the form min_value and
// max_value take.
func (c *column) statistics() format.Statistics {
	stats := format.Statistics{NullCount: c.nulls}
	if !c.stats.set {
		return stats
	}

	switch c.typ {
	case format.Int64:
		stats.MinValue = binary.LittleEndian.AppendUint64(nil, uint64(c.stats.minInt))
		stats.MaxValue = binary.LittleEndian.AppendUint64(nil, uint64(c.stats.maxInt))
	case format.Int32:
		stats.MinValue = binary.LittleEndian.AppendUint32(nil, uint32(int32(c.stats.minInt)))
		stats.MaxValue = binary.LittleEndian.AppendUint32(nil, uint32(int32(c.stats.maxInt)))
	case format.Boolean:
		stats.MinValue = []byte{byte(c.stats.minInt)}
		stats.MaxValue = []byte{byte(c.stats.maxInt)}
	case format.ByteArray:
		stats.MinValue = bytes.Clone(c.stats.minText)
		stats.MaxValue = bytes.Clone(c.stats.maxText)
	}
	return stats
}
