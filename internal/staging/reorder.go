package staging

import (
	"slices"
	"time"
	"unsafe"

	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

// reorderRows is how many rows a RowBuffer holds back before streaming them, so that rows a
// little out of order still stream in order. An object that mixes second and millisecond
// timestamps puts a row up to a second behind its predecessor: a few rows in the benchmark
// mix. A row further behind switches the buffer to sorting, which costs more but is always
// correct. A larger window costs time too, because its rows are no longer in the CPU cache
// when they are encoded: 4,096 rows made the benchmark 10% slower than 256.
//
// NOTE: how far behind Suricata's EVE output threads put a record in a busy sensor's log is
// not measured here. Objects from such sensors may take the sorting path.
const reorderRows = 256

// reorderWindow holds the most recent rows in slots that own every value a row points to, and
// keeps their indexes sorted by orderKey.
type reorderWindow struct {
	slots  []pendingRow
	sorted []int32 // slot indexes from head on, smallest orderKey first
	head   int
	free   []int32
}

// pendingRow is one held-back row with the storage its pointers and strings use.
type pendingRow struct {
	row        Row
	key        orderKey
	ints       [optionalInts]int32
	sid        int64
	ingestTime time.Time
	addrs      []byte
	techniques []string
	line       []byte // the record's line, which the row's strings point into
}

// slot returns a free slot for a row about to be added, adding one when none is free.
func (w *reorderWindow) slot() int32 {
	if n := len(w.free); n > 0 {
		i := w.free[n-1]
		w.free = w.free[:n-1]
		return i
	}
	w.slots = append(w.slots, pendingRow{})
	return int32(len(w.slots) - 1)
}

func (w *reorderWindow) len() int { return len(w.sorted) - w.head }

func (w *reorderWindow) full() bool { return w.len() == reorderRows }

// fillFromRecord sets the slot's row from rec as FromRecord does. What the row points to, rec's
// line included, is copied into the slot, because the parser reuses the memory of both the line
// and the record's pointers (formats.Blocks) for its next line.
func (p *pendingRow) fillFromRecord(rec *telemetry.Record, rawKey string, line int) {
	p.addrs = p.addrs[:0]
	fillRow(&p.row, rec, rawKey, line, &intSlab{values: &p.ints}, &p.addrs)
	p.copyPointed()
	p.ownLine(rec.Raw)
	p.key = orderOf(&p.row)
}

// fillFromRow copies row into the slot, with everything it points to except strings, which do
// not change.
func (p *pendingRow) fillFromRow(row *Row) {
	p.row = *row
	ints := intSlab{values: &p.ints}
	for _, o := range optionalInt32s(&p.row) {
		if *o.field != nil {
			*o.field = ints.value(int(**o.field))
		}
	}
	p.copyPointed()
	p.key = orderOf(&p.row)
}

// copyPointed moves the signature ID, ingest time and techniques that the row points to into
// the slot.
func (p *pendingRow) copyPointed() {
	row := &p.row
	if row.SignatureID != nil {
		p.sid = *row.SignatureID
		row.SignatureID = &p.sid
	}
	if row.IngestTime != nil {
		p.ingestTime = *row.IngestTime
		row.IngestTime = &p.ingestTime
	}
	if row.Techniques != nil {
		if p.techniques == nil {
			p.techniques = make([]string, 0, len(row.Techniques)) // non-nil: empty is not NULL
		}
		p.techniques = append(p.techniques[:0], row.Techniques...)
		row.Techniques = p.techniques[:len(row.Techniques):len(row.Techniques)]
	}
}

// insert adds the filled slot i to the sorted indexes, after any row with an equal key so that
// equal rows keep their arrival order. Rows mostly arrive in order, so the search starts at
// the end.
func (w *reorderWindow) insert(i int32) {
	key := w.slots[i].key
	at := len(w.sorted)
	for at > w.head && compareOrder(w.slots[w.sorted[at-1]].key, key) > 0 {
		at--
	}
	w.sorted = slices.Insert(w.sorted, at, i)
}

// smallest returns the slot of the row with the smallest key; the window must not be empty.
func (w *reorderWindow) smallest() *pendingRow {
	return &w.slots[w.sorted[w.head]]
}

// pop removes the row with the smallest key from the order and returns its slot, which stays
// valid until the caller releases it.
func (w *reorderWindow) pop() int32 {
	i := w.sorted[w.head]
	w.head++

	// The indexes before head are dropped once they are as many as the window holds, so
	// that popping costs O(1) on average.
	if w.head == len(w.sorted) {
		w.sorted, w.head = w.sorted[:0], 0
	} else if w.head >= reorderRows {
		w.sorted = w.sorted[:copy(w.sorted, w.sorted[w.head:])]
		w.head = 0
	}
	return i
}

// release frees slot i once its row is stored or encoded.
func (w *reorderWindow) release(i int32) {
	w.free = append(w.free, i)
}

// ownLine copies the record's line into the slot and points the row's strings that pointed
// into it at the copy, so that the caller may reuse the line's memory.
func (p *pendingRow) ownLine(line string) {
	if len(line) == 0 {
		return
	}
	p.line = append(p.line[:0], line...)
	from := uintptr(unsafe.Pointer(unsafe.StringData(line)))
	to := unsafe.SliceData(p.line)
	n := uintptr(len(line))
	r := &p.row
	rebase(&r.Raw, from, n, to)
	for _, s := range rowStrings(r) {
		rebase(s, from, n, to)
	}
	for i := range r.Techniques {
		rebase(&r.Techniques[i], from, n, to)
	}
}

// rebase points s at the same bytes in the copy that starts at to, if s lies in the n bytes
// that start at from.
func rebase(s *string, from, n uintptr, to *byte) {
	if len(*s) == 0 {
		return
	}
	off := uintptr(unsafe.Pointer(unsafe.StringData(*s))) - from
	if off < n {
		*s = unsafe.String((*byte)(unsafe.Add(unsafe.Pointer(to), off)), len(*s))
	}
}
