package staging

import (
	"cmp"
	"slices"
	"strings"

	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

// arenaChunkBytes is the size of one block of a RowBuffer's stored rows: large enough to
// amortise the allocation, small enough that a small object does not hold much unused memory.
// A row larger than a block gets a block of its own size.
const arenaChunkBytes = 1 << 20

// RowBuffer collects the rows of one object. It stores them as bytes rather than as Rows,
// which hold some 30 pointers each, so that the garbage collector has nothing to scan while an
// object's rows wait to be sorted and encoded. Log objects are almost always in time order
// already, so it tracks whether they are and skips the sort then.
type RowBuffer struct {
	blocks   [][]byte
	refs     []rowRef
	keys     []string // distinct raw keys; rowRef.key indexes them
	unsorted bool

	// Scratch space for AddRecord, whose row is copied before the next call.
	row   Row
	ints  [optionalInts]int32
	addrs []byte
}

// rowRef locates a stored row and carries what the sort compares.
type rowRef struct {
	sec   int64 // event time: Unix seconds and nanoseconds
	nsec  int32
	line  int32
	key   int32
	block int32
	off   int32
}

// Add appends a row. The buffer copies the row's strings.
func (b *RowBuffer) Add(row Row) {
	b.add(&row)
}

// AddRecord appends the row that FromRecord builds for rec, without allocating anything
// but the buffer's own storage.
func (b *RowBuffer) AddRecord(rec *telemetry.Record, rawKey string, line int) {
	b.addrs = b.addrs[:0]
	fillRow(&b.row, rec, rawKey, line, &intSlab{values: &b.ints}, &b.addrs)
	b.add(&b.row)
}

func (b *RowBuffer) add(row *Row) {
	ref := rowRef{
		sec:  row.EventTime.Unix(),
		nsec: int32(row.EventTime.Nanosecond()),
		line: row.RawLine,
		key:  b.keyIndex(row.RawKey),
	}

	// The row goes to the last block, or to a new one when it does not fit.
	need := encodedRowSize(row)
	if len(b.blocks) == 0 || cap(b.blocks[len(b.blocks)-1])-len(b.blocks[len(b.blocks)-1]) < need {
		b.blocks = append(b.blocks, make([]byte, 0, max(arenaChunkBytes, need)))
	}
	last := &b.blocks[len(b.blocks)-1]
	ref.block, ref.off = int32(len(b.blocks)-1), int32(len(*last))
	*last = appendRow(*last, row)

	if n := len(b.refs); n > 0 && b.compare(&ref, &b.refs[n-1]) < 0 {
		b.unsorted = true
	}
	b.refs = append(b.refs, ref)
}

// keyIndex returns the index of key in b.keys, adding it when new. An object's rows share one
// key, so the last key is checked first.
func (b *RowBuffer) keyIndex(key string) int32 {
	if n := len(b.keys); n > 0 && b.keys[n-1] == key {
		return int32(n - 1)
	}
	if i := slices.Index(b.keys, key); i >= 0 {
		return int32(i)
	}
	b.keys = append(b.keys, key)
	return int32(len(b.keys) - 1)
}

// Len returns the number of rows.
func (b *RowBuffer) Len() int { return len(b.refs) }

// compare orders rows as compareRows does: by event time, then raw key, then line.
func (b *RowBuffer) compare(x, y *rowRef) int {
	if c := cmp.Compare(x.sec, y.sec); c != 0 {
		return c
	}
	if c := cmp.Compare(x.nsec, y.nsec); c != 0 {
		return c
	}
	if x.key != y.key {
		if c := strings.Compare(b.keys[x.key], b.keys[y.key]); c != 0 {
			return c
		}
	}
	return cmp.Compare(x.line, y.line)
}

// each calls fn with every row in event-time order. A row is only valid during the call.
func (b *RowBuffer) each(fn func(*Row) error) error {
	refs := b.refs
	if b.unsorted {
		refs = slices.Clone(refs)
		slices.SortStableFunc(refs, func(x, y rowRef) int { return b.compare(&x, &y) })
	}

	var dec rowDecoder
	for _, ref := range refs {
		row := dec.decode(b.blocks[ref.block][ref.off:], ref, b.keys[ref.key])
		if err := fn(row); err != nil {
			return err
		}
	}
	return nil
}
