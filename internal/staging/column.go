package staging

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"strings"

	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// pageValueBytes bounds the PLAIN-encoded values of one data page before compression. Readers
// decompress one page at a time, and 256 KiB is also parquet-go's default page buffer size.
const pageValueBytes = 256 << 10

// levelEncoder collects the definition or repetition levels of one page and encodes them in
// Parquet's RLE/bit-packing hybrid. A page whose levels are all the same, as in a column that is
// never or always NULL, takes one RLE run. Any other page takes one bit-packed run.
type levelEncoder struct {
	levels []byte // one level per byte until the page is encoded
	buf    []byte
}

func (l *levelEncoder) add(level byte) {
	l.levels = append(l.levels, level)
}

// encode returns the page's levels packed at the given bit width (1 or 2). The bytes stay
// valid until the next encode.
func (l *levelEncoder) encode(width uint) []byte {
	l.buf = l.buf[:0]
	if len(l.levels) == 0 {
		return l.buf
	}

	// One RLE run: a ULEB128 header (count << 1) and the level in one byte.
	if allEqual(l.levels) {
		l.buf = binary.AppendUvarint(l.buf, uint64(len(l.levels))<<1)
		return append(l.buf, l.levels[0])
	}

	// One bit-packed run: a ULEB128 header ((groups of 8 levels) << 1 | 1), then the levels
	// packed least significant bit first, the last group padded with zeros.
	groups := (len(l.levels) + 7) / 8
	l.buf = binary.AppendUvarint(l.buf, uint64(groups)<<1|1)
	start := len(l.buf)
	l.buf = append(l.buf, make([]byte, groups*int(width))...)
	packed := l.buf[start:]
	for i, level := range l.levels {
		bit := uint(i) * width
		packed[bit/8] |= level << (bit % 8)
	}
	return l.buf
}

func (l *levelEncoder) reset() {
	l.levels = l.levels[:0]
}

func allEqual(b []byte) bool {
	for _, v := range b[1:] {
		if v != b[0] {
			return false
		}
	}
	return true
}

// column accumulates one leaf column of the current row group as snappy-compressed DATA_PAGE_V2
// pages, of PLAIN values or of dictionary indices. maxDef is 0 for REQUIRED, 1 for OPTIONAL and
// 2 for the elements of the OPTIONAL list. Only the list has repetition levels.
type column struct {
	path     []string
	typ      format.Type
	maxDef   byte
	repeated bool

	// The page being filled.
	def, rep   levelEncoder
	values     []byte
	boolBits   int // booleans written to values, which packs them 8 to a byte
	pageRows   int
	pageLevels int
	pageNulls  int

	// The row group's finished pages, in store, and what its column chunk metadata reports.
	pages        []pageRef
	chunkBytes   int64
	uncompressed int64
	levels       int64
	nulls        int64
	stats        columnStats

	// dict is the chunk's dictionary for a column written RLE_DICTIONARY, nil for PLAIN.
	// dictOff is set once the dictionary is full, and the chunk's later pages are PLAIN.
	dict    *textDictionary
	dictOff bool

	store      *pageStore // the file's pages, shared by its columns
	compressed *[]byte    // snappy output of one page, shared by the file's columns
	err        error      // the first failed page, reported by writeChunk
}

// int64Value appends a non-null INT64 to the current row.
func (c *column) int64Value(v int64) {
	c.present()
	c.values = binary.LittleEndian.AppendUint64(c.values, uint64(v))
	c.stats.addInt(v)
	c.endRow()
}

// int32Value appends a non-null INT32.
func (c *column) int32Value(v int32) {
	c.present()
	c.values = binary.LittleEndian.AppendUint32(c.values, uint32(v))
	c.stats.addInt(int64(v))
	c.endRow()
}

// boolValue appends a non-null BOOLEAN, bit-packed least significant bit first.
func (c *column) boolValue(v bool) {
	c.present()
	if c.boolBits%8 == 0 {
		c.values = append(c.values, 0)
	}
	var bit int64
	if v {
		c.values[len(c.values)-1] |= 1 << (c.boolBits % 8)
		bit = 1
	}
	c.boolBits++
	c.stats.addInt(bit)
	c.endRow()
}

// appendText appends a BYTE_ARRAY value: a 4-byte little-endian length, then the bytes.
func (c *column) appendText(v string) {
	c.values = binary.LittleEndian.AppendUint32(c.values, uint32(len(v)))
	c.values = append(c.values, v...)
	c.stats.addText(v)
}

// null appends a NULL to the current row.
func (c *column) null() {
	c.def.add(0)
	if c.repeated {
		c.rep.add(0)
	}
	c.pageLevels++
	c.pageNulls++
	c.endRow()
}

func (c *column) optionalInt32(p *int32) {
	if p == nil {
		c.null()
		return
	}
	c.int32Value(*p)
}

func (c *column) optionalInt64(p *int64) {
	if p == nil {
		c.null()
		return
	}
	c.int64Value(*p)
}

// textList appends one row of the list column. A nil slice is NULL, and an empty one is an
// empty list: one level entry without a value. Otherwise each element is a value, the first
// with repetition level 0 and the rest with 1.
func (c *column) textList(values []string) {
	if values == nil {
		c.null()
		return
	}
	if len(values) == 0 {
		c.def.add(c.maxDef - 1)
		c.rep.add(0)
		c.pageLevels++
		c.pageNulls++
		c.endRow()
		return
	}

	for i, v := range values {
		c.def.add(c.maxDef)
		c.rep.add(min(byte(i), 1))
		c.pageLevels++
		c.appendText(v)
	}
	c.endRow()
}

// present records the levels of a non-null scalar value.
func (c *column) present() {
	if c.maxDef > 0 {
		c.def.add(c.maxDef)
	}
	if c.repeated {
		c.rep.add(0)
	}
	c.pageLevels++
}

// endRow closes the current row. A page ends only between rows, as DATA_PAGE_V2 requires.
func (c *column) endRow() {
	c.pageRows++
	if len(c.values) >= pageValueBytes && c.err == nil {
		c.err = c.flushPage()
	}
}

// flushPage compresses the current page and appends it, header first, to the chunk's pages.
func (c *column) flushPage() error {
	if c.pageRows == 0 {
		return nil
	}

	// Levels stay uncompressed in a DATA_PAGE_V2, and only the values are compressed.
	var rep, def []byte
	if c.repeated {
		rep = c.rep.encode(1)
	}
	if c.maxDef > 0 {
		def = c.def.encode(uint(bits.Len8(c.maxDef)))
	}
	data, encoding := c.values, format.Plain
	if c.indexPage() {
		data, encoding = c.dict.encodeIndices(), format.RLEDictionary
	}
	compressed, _ := fastSnappy{}.Encode(*c.compressed, data)
	*c.compressed = compressed

	header := format.PageHeader{
		Type:                 format.DataPageV2,
		UncompressedPageSize: int32(len(rep) + len(def) + len(data)),
		CompressedPageSize:   int32(len(rep) + len(def) + len(compressed)),
		DataPageHeaderV2: thrift.New(format.DataPageHeaderV2{
			NumValues:                  int32(c.pageLevels),
			NumNulls:                   int32(c.pageNulls),
			NumRows:                    int32(c.pageRows),
			Encoding:                   encoding,
			DefinitionLevelsByteLength: int32(len(def)),
			RepetitionLevelsByteLength: int32(len(rep)),
			IsCompressed:               thrift.New(true),
		}),
	}
	encodedHeader, err := thrift.Marshal(new(thrift.CompactProtocol), &header)
	if err != nil {
		return fmt.Errorf("encode page header of column %s: %w", strings.Join(c.path, "."), err)
	}

	page := c.store.add(encodedHeader, rep, def, compressed)
	c.pages = append(c.pages, page)
	c.chunkBytes += page.len()
	c.uncompressed += int64(len(encodedHeader)) + int64(header.UncompressedPageSize)
	c.levels += int64(c.pageLevels)
	c.nulls += int64(c.pageNulls)

	c.def.reset()
	c.rep.reset()
	c.values = c.values[:0]
	if c.dict != nil {
		c.dict.resetPage()
	}
	c.boolBits, c.pageRows, c.pageLevels, c.pageNulls = 0, 0, 0, 0
	return nil
}

// writeChunk flushes the last page, appends the chunk's pages to the file's page order and
// returns the chunk's metadata. offset is where the chunk starts in the file.
func (c *column) writeChunk(offset int64, order *[]pageRef) (format.ColumnChunk, error) {
	if c.err == nil {
		c.err = c.flushPage()
	}
	if c.err != nil {
		return format.ColumnChunk{}, c.err
	}

	encodings := []format.Encoding{format.Plain}
	if c.maxDef > 0 {
		encodings = append(encodings, format.RLE)
	}
	meta := format.ColumnMetaData{
		Type:         c.typ,
		PathInSchema: c.path,
		Codec:        format.Snappy,
		NumValues:    c.levels,
		Statistics:   c.statistics(),
	}

	// A dictionary page, when the chunk has one, comes before the data pages.
	dataOffset := offset
	if c.dict != nil && len(c.dict.entries) > 0 {
		page, uncompressed, err := c.dictionaryPage()
		if err != nil {
			return format.ColumnChunk{}, err
		}
		*order = append(*order, page)
		meta.DictionaryPageOffset = offset
		dataOffset += page.len()
		c.chunkBytes += page.len()
		c.uncompressed += uncompressed
		encodings = append(encodings, format.RLEDictionary)
	}
	*order = append(*order, c.pages...)
	meta.Encoding = encodings
	meta.DataPageOffset = dataOffset
	meta.TotalUncompressedSize = c.uncompressed
	meta.TotalCompressedSize = c.chunkBytes

	c.pages = c.pages[:0]
	c.chunkBytes, c.uncompressed, c.levels, c.nulls = 0, 0, 0, 0
	c.stats.set = false
	if c.dict != nil {
		c.dict.reset()
		c.dictOff = false
	}
	return format.ColumnChunk{FileOffset: offset, MetaData: meta}, nil
}

// dictionaryPage stores the chunk's dictionary as a DICTIONARY_PAGE of PLAIN values and
// returns it with its uncompressed size, header included.
func (c *column) dictionaryPage() (pageRef, int64, error) {
	values := c.dict.values
	compressed, _ := fastSnappy{}.Encode(*c.compressed, values)
	*c.compressed = compressed

	header := format.PageHeader{
		Type:                 format.DictionaryPage,
		UncompressedPageSize: int32(len(values)),
		CompressedPageSize:   int32(len(compressed)),
		DictionaryPageHeader: thrift.New(format.DictionaryPageHeader{
			NumValues: int32(len(c.dict.entries)),
			Encoding:  format.Plain,
		}),
	}
	encodedHeader, err := thrift.Marshal(new(thrift.CompactProtocol), &header)
	if err != nil {
		return pageRef{}, 0, fmt.Errorf("encode dictionary page header of column %s: %w", strings.Join(c.path, "."), err)
	}
	return c.store.add(encodedHeader, compressed), int64(len(encodedHeader) + len(values)), nil
}
