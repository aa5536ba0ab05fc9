package staging

import (
	"encoding/binary"
	"math/bits"
	"unsafe"
)

// Bounds of one column chunk's dictionary. A column whose chunk has more distinct values, or
// longer ones, falls back to PLAIN pages for the rest of the chunk, as Parquet allows.
const (
	maxDictionaryValues = 4096
	maxDictionaryBytes  = 256 << 10
)

// dictionaryPageRows bounds the rows of one RLE_DICTIONARY data page. Its indices take a few
// bits each, so a page of 64k rows is still far smaller than a PLAIN page of 256 KiB.
const dictionaryPageRows = 64 << 10

// textDictionary contains the distinct values of a text column chunk and the indices of the data
// page being filled. Values are found through an open-addressing table keyed by their length
// and 16-byte prefix, so that most lookups compare no string.
type textDictionary struct {
	values  []byte // the distinct values, PLAIN-encoded in index order: the dictionary page
	entries []dictionaryEntry
	slots   []int32 // index+1 of the entry in each table slot, 0 for an empty slot

	indices []uint32 // the data page's values
	encoded []byte   // scratch for encodeIndices
}

type dictionaryEntry struct {
	key        textPrefix
	start, end int32 // the value's bytes in values
}

// full reports whether the dictionary has reached its bounds.
func (d *textDictionary) full() bool {
	return len(d.entries) >= maxDictionaryValues || len(d.values) >= maxDictionaryBytes
}

// index returns v's index, adding v as a new value when the chunk has not had it yet.
func (d *textDictionary) index(v string, k textPrefix) (index uint32, added bool) {
	if len(d.slots) == 0 {
		d.slots = make([]int32, 64)
	}

	mask := uint64(len(d.slots) - 1)
	for h := prefixHash(k, len(v)) & mask; ; h = (h + 1) & mask {
		e := d.slots[h]
		if e == 0 {
			d.slots[h] = d.add(v, k)
			if 2*len(d.entries) > len(d.slots) {
				d.grow()
			}
			return uint32(len(d.entries) - 1), true
		}

		ent := &d.entries[e-1]
		if ent.key == k && int(ent.end-ent.start) == len(v) &&
			(len(v) <= 16 || string(d.values[ent.start:ent.end]) == v) {
			return uint32(e - 1), false
		}
	}
}

// add appends v as a new entry and returns its index+1.
func (d *textDictionary) add(v string, k textPrefix) int32 {
	d.values = binary.LittleEndian.AppendUint32(d.values, uint32(len(v)))
	start := len(d.values)
	d.values = append(d.values, v...)
	d.entries = append(d.entries, dictionaryEntry{key: k, start: int32(start), end: int32(len(d.values))})
	return int32(len(d.entries))
}

// grow doubles the table and places every entry again.
func (d *textDictionary) grow() {
	d.slots = make([]int32, 2*len(d.slots))
	mask := uint64(len(d.slots) - 1)
	for i, ent := range d.entries {
		h := prefixHash(ent.key, int(ent.end-ent.start)) & mask
		for d.slots[h] != 0 {
			h = (h + 1) & mask
		}
		d.slots[h] = int32(i + 1)
	}
}

func prefixHash(k textPrefix, n int) uint64 {
	h := (k.hi ^ bits.RotateLeft64(k.lo, 29) ^ uint64(n)) * 0x9e3779b97f4a7c15
	return h ^ h>>32
}

// encodeIndices returns the data section of an RLE_DICTIONARY page: the bit width in one byte,
// then the indices as one bit-packed run of the RLE/bit-packing hybrid, padded to a multiple
// of 8 values. The bytes stay valid until the next call.
func (d *textDictionary) encodeIndices() []byte {
	width := max(1, bits.Len32(uint32(len(d.entries)-1)))
	groups := (len(d.indices) + 7) / 8

	out := append(d.encoded[:0], byte(width))
	out = binary.AppendUvarint(out, uint64(groups)<<1|1)

	// Values go in least significant bit first, through a 64-bit accumulator.
	var acc uint64
	var pending int // bits in acc not yet written
	for _, v := range d.indices {
		acc |= uint64(v) << pending
		pending += width
		for pending >= 8 {
			out = append(out, byte(acc))
			acc >>= 8
			pending -= 8
		}
	}
	if pending > 0 {
		out = append(out, byte(acc))
	}

	// Padding: the last group's missing values are zeros.
	out = append(out, make([]byte, (groups*8*width+7)/8-(len(d.indices)*width+7)/8)...)
	d.encoded = out
	return out
}

// allocated returns the capacity of the dictionary's buffers in bytes.
func (d *textDictionary) allocated() int {
	return cap(d.values) + cap(d.entries)*int(unsafe.Sizeof(dictionaryEntry{})) + 4*cap(d.slots) +
		4*cap(d.indices) + cap(d.encoded)
}

// resetPage empties the data page's indices.
func (d *textDictionary) resetPage() {
	d.indices = d.indices[:0]
}

// reset empties the dictionary for the next column chunk.
func (d *textDictionary) reset() {
	d.values = d.values[:0]
	d.entries = d.entries[:0]
	clear(d.slots)
	d.indices = d.indices[:0]
}
