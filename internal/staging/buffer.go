package staging

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

// arenaChunkBytes is the size of one block of a RowBuffer's stored rows: large enough to
// amortise the allocation, small enough that a small object does not hold much unused memory.
// A row larger than a block gets a block of its own size.
const arenaChunkBytes = 1 << 20

// RowBuffer collects the rows of one object for EncodeBuffer, which writes them in order: by
// event time at the millisecond precision the file stores, then raw key, then line.
//
// Log objects are almost always in that order already, or nearly, so the buffer holds back
// only the last reorderRows rows, sorted, and streams the smallest of them into the Parquet
// encoder as new rows arrive. A row that sorts before one already streamed switches it to
// buffering: it reads the streamed rows back from the encoded file and from then on stores
// every row as bytes, which the garbage collector does not scan, to sort them all at the end.
type RowBuffer struct {
	n   int
	err error // the first failure, returned by EncodeBuffer

	// Streaming: the held-back rows, the encoder and the last row it got, then the file it
	// produced once EncodeBuffer finished it.
	window      reorderWindow
	batch       []int32 // slots of streamed rows not yet encoded, in order
	batchRows   []*Row  // scratch for the batch's rows
	enc         *fileEncoder
	streamed    bool
	lastEmitted orderKey
	file        []byte

	// Buffering: the stored rows.
	buffered bool
	blocks   [][]byte
	refs     []rowRef
	keys     []string // distinct raw keys; rowRef.key indexes them
}

// orderKey is the sort key of a row: event time in milliseconds, raw key and line.
type orderKey struct {
	millis int64
	key    string
	line   int32
}

func compareOrder(x, y orderKey) int {
	if c := cmp.Compare(x.millis, y.millis); c != 0 {
		return c
	}
	if c := strings.Compare(x.key, y.key); c != 0 {
		return c
	}
	return cmp.Compare(x.line, y.line)
}

// rowRef locates a stored row and carries what the sort compares.
type rowRef struct {
	millis int64 // event time, Unix milliseconds
	line   int32
	key    int32
	block  int32
	off    int32
}

// Add appends a row. The buffer copies what it keeps of the row.
func (b *RowBuffer) Add(row Row) {
	if b.buffering() {
		b.store(&row)
		return
	}

	i := b.window.slot()
	b.window.slots[i].fillFromRow(&row)
	b.push(i)
}

// AddRecord appends the row that FromRecord builds for rec. The row keeps copies of rec's line
// and of what rec's pointers point to, so the caller may reuse that memory once AddRecord
// returns. Strings of rec that do not lie in its line must not change. Nothing is allocated
// but the buffer's own storage.
func (b *RowBuffer) AddRecord(rec *telemetry.Record, rawKey string, line int) {
	i := b.window.slot()
	b.window.slots[i].fillFromRecord(rec, rawKey, line)
	if b.buffering() {
		b.store(&b.window.slots[i].row)
		b.window.release(i)
		return
	}
	b.push(i)
}

// buffering counts a new row and reports whether it goes to the stored rows, switching to
// them when the streamed file was already finished.
func (b *RowBuffer) buffering() bool {
	b.n++
	if !b.buffered && b.file != nil {
		b.startBuffering()
	}
	return b.buffered
}

// push adds the row in window slot i: it holds the row back, streams it, or switches the
// buffer to sorting when the row sorts before one already streamed.
func (b *RowBuffer) push(i int32) {
	w := &b.window
	p := &w.slots[i]
	if b.streamed && compareOrder(p.key, b.lastEmitted) < 0 {
		b.startBuffering()
		b.store(&p.row)
		w.release(i)
		return
	}

	// A full window streams its smallest row, or the new one when that is smaller still.
	if w.full() {
		if compareOrder(p.key, w.smallest().key) < 0 {
			b.emit(i)
			return
		}
		b.emit(w.pop())
	}
	w.insert(i)
}

// emitBatchRows is how many streamed rows are encoded together, one column at a time.
const emitBatchRows = 64

// emit streams the row in window slot i. The slot is released once the row is encoded.
func (b *RowBuffer) emit(i int32) {
	b.streamed, b.lastEmitted = true, b.window.slots[i].key
	b.batch = append(b.batch, i)
	if len(b.batch) == emitBatchRows {
		b.flushBatch()
	}
}

// flushBatch encodes the streamed rows not yet encoded and releases their slots.
func (b *RowBuffer) flushBatch() {
	if len(b.batch) == 0 {
		return
	}
	if b.err == nil && b.enc == nil {
		b.enc, b.err = newFileEncoder()
	}
	if b.err == nil {
		rows := b.batchRows[:0]
		for _, i := range b.batch {
			rows = append(rows, &b.window.slots[i].row)
		}
		b.err = b.enc.writeRows(rows)
		b.batchRows = rows[:0]
	}

	for _, i := range b.batch {
		b.window.release(i)
	}
	b.batch = b.batch[:0]
}

// startBuffering stores the rows streamed so far, read back from their Parquet file, and the
// rows held back, so that they can be sorted with the rows still to come.
func (b *RowBuffer) startBuffering() {
	b.buffered = true
	if b.streamed || b.file != nil {
		data, err := b.finishStream()
		if err != nil {
			return
		}
		if err := b.storeFile(data); err != nil {
			b.err = fmt.Errorf("read back streamed rows: %w", err)
			return
		}
	}

	for b.window.len() > 0 {
		i := b.window.pop()
		b.store(&b.window.slots[i].row)
		b.window.release(i)
	}
	b.file = nil
}

// readBackRows is how many rows storeFile decodes at a time, so that reading back a large
// object never holds all its rows as Rows at once.
const readBackRows = 1024

// storeFile stores every row of a file that the encoder wrote.
func (b *RowBuffer) storeFile(data []byte) error {
	r := parquet.NewGenericReader[Row](bytes.NewReader(data))
	defer r.Close()

	batch := make([]Row, readBackRows)
	for {
		n, err := r.Read(batch)
		for i := range batch[:n] {
			b.store(&batch[i])
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// finishStream streams the rows held back, finishes the encoder once and returns its file.
func (b *RowBuffer) finishStream() ([]byte, error) {
	if b.file != nil || b.err != nil {
		return b.file, b.err
	}

	for b.window.len() > 0 {
		b.emit(b.window.pop())
	}
	b.flushBatch()
	if b.enc == nil && b.err == nil {
		b.enc, b.err = newFileEncoder() // no rows: the file of no rows
	}
	if b.err != nil {
		return nil, b.err
	}

	b.file, b.err = b.enc.finish()
	b.enc = nil
	return b.file, b.err
}

// store appends the stored form of row to the last block, or to a new one when it does not fit.
func (b *RowBuffer) store(row *Row) {
	ref := rowRef{
		millis: row.EventTime.UnixMilli(),
		line:   row.RawLine,
		key:    b.keyIndex(row.RawKey),
	}

	need := encodedRowSize(row)
	if len(b.blocks) == 0 || cap(b.blocks[len(b.blocks)-1])-len(b.blocks[len(b.blocks)-1]) < need {
		b.blocks = append(b.blocks, make([]byte, 0, max(arenaChunkBytes, need)))
	}
	last := &b.blocks[len(b.blocks)-1]
	ref.block, ref.off = int32(len(b.blocks)-1), int32(len(*last))
	*last = appendRow(*last, row)
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
func (b *RowBuffer) Len() int { return b.n }

// encode returns the buffer's rows as one Parquet file. Later calls return the same bytes
// until a row is added.
func (b *RowBuffer) encode() ([]byte, error) {
	if !b.buffered {
		return b.finishStream()
	}
	if b.err != nil {
		return nil, b.err
	}
	return encode(b.each)
}

// each calls fn with every stored row in order. A row is only valid during the call.
func (b *RowBuffer) each(fn func(*Row) error) error {
	refs := slices.Clone(b.refs)
	slices.SortStableFunc(refs, func(x, y rowRef) int {
		return compareOrder(
			orderKey{millis: x.millis, key: b.keys[x.key], line: x.line},
			orderKey{millis: y.millis, key: b.keys[y.key], line: y.line},
		)
	})

	var dec rowDecoder
	for _, ref := range refs {
		row := dec.decode(b.blocks[ref.block][ref.off:], ref, b.keys[ref.key])
		if err := fn(row); err != nil {
			return err
		}
	}
	return nil
}
