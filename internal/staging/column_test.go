package staging

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// paddedKey is textPrefix built the plain way: the first 16 bytes, zero-padded.
func paddedKey(v string) textPrefix {
	var w [16]byte
	copy(w[:], v)
	var k textPrefix
	for i := range 8 {
		k.hi = k.hi<<8 | uint64(w[i])
		k.lo = k.lo<<8 | uint64(w[8+i])
	}
	return k
}

func TestStringKey(t *testing.T) {
	// Every length from 0 to 30 at several offsets, so that the overlapping loads of stringKey
	// meet bytes on both sides of the string.
	base := "0123456789abcdef\x00\x7f\x80\xffghijklmnopqrstuv"
	for n := 0; n <= 30; n++ {
		for off := 0; off+n <= len(base); off += 3 {
			v := base[off : off+n]
			require.Equal(t, paddedKey(v), stringKey(v), "%q", v)
		}
	}
}

// TestTextBounds feeds addText strings that share a prefix in each round, so that they often
// have the same first 16 bytes, differ only in length or contain zero bytes, and checks the
// bounds against a plain minimum and maximum.
func TestTextBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	prefixes := []string{"", "192.168.10.", "2026-05-20T10:02:38.", "0123456789abcdef", "eth", "\x00", "ab\x00"}
	for round := range 700 {
		prefix := prefixes[round%len(prefixes)]
		var s columnStats
		var lo, hi string
		for i := range 50 {
			var b strings.Builder
			b.WriteString(prefix)
			for range rng.IntN(4) {
				b.WriteByte("\x00019a\xff"[rng.IntN(6)])
			}
			v := b.String()

			s.addText(v)
			if i == 0 {
				lo, hi = v, v
			}
			lo, hi = min(lo, v), max(hi, v)

			// After every value, because a later value may hide a wrong bound.
			if string(s.minText) != lo || string(s.maxText) != hi || s.minKey != paddedKey(lo) || s.maxKey != paddedKey(hi) {
				t.Fatalf("round %d, value %d (%q): bounds %q, %q, want %q, %q", round, i, v, s.minText, s.maxText, lo, hi)
			}
		}
	}
}
