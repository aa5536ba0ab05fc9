package staging

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// parquetMagic starts and ends every Parquet file.
const parquetMagic = "PAR1"

// leafNames lists the leaf columns of staged_telemetry in schema order, as rowColumns writes
// them. loadLayout checks it against the schema parquet-go derives from Row's tags.
var leafNames = []string{
	"event_time", "ingest_time", "time_assumed_utc", "format", "host_identifier", "event_type",
	"rule", "severity", "src_ip", "dst_ip", "src_port", "dst_port", "protocol", "action",
	"flow_id", "log_prefix", "in_interface", "out_interface", "signature_id", "signature",
	"category", "alert_severity", "techniques.list.element", "modbus_unit_id",
	"modbus_function", "modbus_address", "modbus_exception", "alert_count", "message",
	"raw_key", "raw_line", "raw",
}

// fileLayout is the part of the file format that every staged file shares: the footer's
// schema and each leaf column's type and levels.
type fileLayout struct {
	version      int32
	createdBy    string
	schema       []format.SchemaElement
	columnOrders []format.ColumnOrder
	leaves       []column // path, type and levels only
}

// layout derives the file layout once. Row's parquet tags stay the one definition of the
// schema: the layout is read back from an empty file that parquet-go writes for Row.
var layout = sync.OnceValues(loadLayout)

func loadLayout() (*fileLayout, error) {
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[Row](&buf,
		parquet.Compression(fastSnappy{}),
		parquet.CreatedBy("otlake", "1", ""),
	)
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("derive staged schema: %w", err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		return nil, fmt.Errorf("derive staged schema: %w", err)
	}

	md := f.Metadata()
	l := &fileLayout{
		version:      md.Version,
		createdBy:    md.CreatedBy,
		schema:       md.Schema,
		columnOrders: md.ColumnOrders,
	}

	// leaves: rowColumns writes the fields in leafNames order, so the schema must match it.
	var names []string
	for _, path := range f.Schema().Columns() {
		leaf, _ := f.Schema().Lookup(path...)
		names = append(names, strings.Join(path, "."))
		l.leaves = append(l.leaves, column{
			path:     path,
			typ:      format.Type(leaf.Node.Type().Kind()),
			maxDef:   byte(leaf.MaxDefinitionLevel),
			repeated: leaf.MaxRepetitionLevel > 0,
		})
	}
	if !slices.Equal(names, leafNames) {
		return nil, fmt.Errorf("derive staged schema: Row has columns %v, the encoder writes %v", names, leafNames)
	}
	return l, nil
}

// fileEncoder writes rows, already in order, as one Parquet file: row groups of up to
// rowGroupRows rows, each column chunk made of snappy DATA_PAGE_V2 pages, and chunk statistics
// in the footer. The text columns that dictionaryColumns names are RLE_DICTIONARY, the others
// PLAIN. Writing the fixed schema directly skips the reflection that parquet-go's
// GenericWriter spends on every value.
type fileEncoder struct {
	layout    *fileLayout
	cols      rowColumns
	order     []*column
	groups    []format.RowGroup
	groupRows int
	rows      int64

	// The file so far: its pages in file order and its size, the leading magic included.
	store     pageStore
	pageOrder []pageRef
	size      int64

	// compressed is the columns' shared buffer for one page's snappy output.
	compressed []byte
}

// maxIdleEncoderBytes bounds the buffers that an idle encoder keeps for the next file. The
// encoder of the 58 MB benchmark object keeps about 22 MB, 13 MB of them pages. One of an
// unusually large object is dropped instead of being kept.
const maxIdleEncoderBytes = 128 << 20

// idleEncoder keeps the buffers of the last finished encoder, so that encoding one object after
// another does not grow every column's buffers from nothing each time. A sync.Pool would lose
// them, because several garbage collections run while one object is parsed.
var idleEncoder atomic.Pointer[fileEncoder]

func newFileEncoder() (*fileEncoder, error) {
	if e := idleEncoder.Swap(nil); e != nil {
		e.size = int64(len(parquetMagic))
		return e, nil
	}

	l, err := layout()
	if err != nil {
		return nil, err
	}

	e := &fileEncoder{layout: l}
	e.order = e.cols.inSchemaOrder()
	for i, c := range e.order {
		*c = l.leaves[i]
		c.store, c.compressed = &e.store, &e.compressed
	}
	for _, c := range e.cols.dictionaryColumns() {
		c.dict = new(textDictionary)
	}
	e.size = int64(len(parquetMagic))
	return e, nil
}

// writeRow appends a row, starting a new row group every rowGroupRows rows.
func (e *fileEncoder) writeRow(row *Row) error {
	return e.writeRows([]*Row{row})
}

// writeRows appends rows in order, starting a new row group every rowGroupRows rows.
func (e *fileEncoder) writeRows(rows []*Row) error {
	for len(rows) > 0 {
		n := min(len(rows), rowGroupRows-e.groupRows)
		e.cols.writeRows(rows[:n])
		e.groupRows += n
		rows = rows[n:]

		if e.groupRows == rowGroupRows {
			if err := e.flushRowGroup(); err != nil {
				return err
			}
		}
	}
	return nil
}

// flushRowGroup writes the buffered column chunks one after the other, as a row group.
func (e *fileEncoder) flushRowGroup() error {
	group := format.RowGroup{
		NumRows:    int64(e.groupRows),
		FileOffset: e.size,
		Ordinal:    int16(len(e.groups)),
	}
	for _, c := range e.order {
		chunk, err := c.writeChunk(e.size, &e.pageOrder)
		if err != nil {
			return fmt.Errorf("encode row group %d: %w", len(e.groups), err)
		}
		e.size += chunk.MetaData.TotalCompressedSize
		group.Columns = append(group.Columns, chunk)
		group.TotalByteSize += chunk.MetaData.TotalUncompressedSize
		group.TotalCompressedSize += chunk.MetaData.TotalCompressedSize
	}

	e.groups = append(e.groups, group)
	e.rows += int64(e.groupRows)
	e.groupRows = 0
	return nil
}

// finish writes the last row group and the footer, and returns the file. The encoder must not
// be used afterwards.
func (e *fileEncoder) finish() ([]byte, error) {
	if e.groupRows > 0 {
		if err := e.flushRowGroup(); err != nil {
			return nil, err
		}
	}

	md := format.FileMetaData{
		Version:      e.layout.version,
		Schema:       e.layout.schema,
		NumRows:      e.rows,
		RowGroups:    e.groups,
		CreatedBy:    e.layout.createdBy,
		ColumnOrders: e.layout.columnOrders,
	}
	footer, err := thrift.Marshal(new(thrift.CompactProtocol), &md)
	if err != nil {
		return nil, fmt.Errorf("encode parquet footer: %w", err)
	}

	// Lay out the file in one buffer of its final size.
	file := make([]byte, 0, e.size+int64(len(footer))+4+int64(len(parquetMagic)))
	file = append(file, parquetMagic...)
	for _, page := range e.pageOrder {
		file = append(file, e.store.bytes(page)...)
	}
	file = append(file, footer...)
	file = binary.LittleEndian.AppendUint32(file, uint32(len(footer)))
	file = append(file, parquetMagic...)

	e.release()
	return file, nil
}

// release empties the encoder and keeps it for the next file unless its buffers are too large.
func (e *fileEncoder) release() {
	e.store.reset()
	e.pageOrder = e.pageOrder[:0]
	e.groups, e.groupRows, e.rows, e.size = nil, 0, 0, 0

	kept := e.store.allocated() + cap(e.compressed)
	for _, c := range e.order {
		kept += cap(c.values) + cap(c.def.buf) + cap(c.def.levels) + cap(c.rep.buf) + cap(c.rep.levels)
		if c.dict != nil {
			kept += c.dict.allocated()
		}
	}
	if kept <= maxIdleEncoderBytes {
		idleEncoder.Store(e)
	}
}
