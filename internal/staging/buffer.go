package staging

import (
	"slices"
	"time"
)

// chunkRows is the size of one chunk of a RowBuffer: large enough to amortise the
// allocation, small enough that growing never copies a large slice.
const chunkRows = 8192

// RowBuffer collects the rows of one object in fixed-size chunks. Log objects are almost
// always in time order already, so it tracks whether they are and skips the sort then.
type RowBuffer struct {
	chunks   [][]Row
	n        int
	unsorted bool
	last     time.Time
}

// Add appends a row.
func (b *RowBuffer) Add(row Row) {
	if b.n > 0 && row.EventTime.Before(b.last) {
		b.unsorted = true
	}
	b.last = row.EventTime

	if len(b.chunks) == 0 || len(b.chunks[len(b.chunks)-1]) == chunkRows {
		b.chunks = append(b.chunks, make([]Row, 0, chunkRows))
	}
	last := &b.chunks[len(b.chunks)-1]
	*last = append(*last, row)
	b.n++
}

// Len returns the number of rows.
func (b *RowBuffer) Len() int { return b.n }

// each calls fn with consecutive batches of rows in event-time order. Batches are only valid
// during the call.
func (b *RowBuffer) each(fn func([]Row) error) error {
	if !b.unsorted {
		for _, c := range b.chunks {
			if err := fn(c); err != nil {
				return err
			}
		}
		return nil
	}

	// Sort positions rather than rows: a row is a few hundred bytes and moving it during the
	// sort costs far more than gathering each row once below.
	order := make([]int32, b.n)
	for i := range order {
		order[i] = int32(i)
	}
	at := func(i int32) *Row { return &b.chunks[i/chunkRows][i%chunkRows] }
	slices.SortStableFunc(order, func(x, y int32) int { return compareRows(at(x), at(y)) })

	batch := make([]Row, 0, chunkRows)
	for _, i := range order {
		batch = append(batch, *at(i))
		if len(batch) == cap(batch) {
			if err := fn(batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		return fn(batch)
	}
	return nil
}
