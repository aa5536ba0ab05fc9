package staging

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/corpustest"
	"github.com/otlake/cloud-telemetry-lake/internal/formats"
	"github.com/otlake/cloud-telemetry-lake/internal/synth"
)

// referenceEncode writes rows, in the order given, through parquet-go's reflective
// GenericWriter, the encoder that the direct encoder replaced.
func referenceEncode(t *testing.T, rows []Row) []byte {
	t.Helper()

	var buf bytes.Buffer
	w := parquet.NewGenericWriter[Row](&buf,
		parquet.Compression(fastSnappy{}),
		parquet.MaxRowsPerRowGroup(rowGroupRows),
	)
	_, err := w.Write(rows)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

// directEncode writes rows, in the order given, through fileEncoder.
func directEncode(t *testing.T, rows []Row) []byte {
	t.Helper()

	enc, err := newFileEncoder()
	require.NoError(t, err)
	for i := range rows {
		require.NoError(t, enc.writeRow(&rows[i]))
	}
	data, err := enc.finish()
	require.NoError(t, err)
	return data
}

// parsedRows parses lines as the parser does and returns their rows; lines that do not parse
// are left out.
func parsedRows(lines []string) []Row {
	ctx := formats.Context{ObjectDate: time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)}
	var rows []Row
	for i, line := range lines {
		rec, err := formats.Parse([]byte(line), ctx)
		if err != nil {
			continue
		}
		rows = append(rows, FromRecord(&rec, "source=x/date=2026-05-20/a.json.gz", i+1))
	}
	return rows
}

func corpusRows(t *testing.T) []Row {
	var lines []string
	for _, name := range []string{"iptables", "eve"} {
		for _, c := range corpustest.Cases(t, name) {
			var s string
			if c.Input != nil && c.Input[0] == '"' {
				s = c.InputString(t)
			} else {
				s = string(c.Input)
			}
			lines = append(lines, s)
		}
	}
	return parsedRows(lines)
}

// edgeRows covers values the generated lines never hold: extreme integers and times, an empty
// technique list, empty required strings and text that is not ASCII.
func edgeRows() []Row {
	minInt, maxInt, zero := int32(math.MinInt32), int32(math.MaxInt32), int32(0)
	minSID, maxSID := int64(math.MinInt64), int64(math.MaxInt64)
	before1970 := time.Date(1969, 12, 31, 23, 59, 59, 999_000_000, time.UTC)
	return []Row{
		{EventTime: before1970, IngestTime: &before1970, TimeAssumedUTC: true, Techniques: []string{}},
		{
			EventTime: time.Date(2026, 1, 2, 3, 4, 5, 6_000_000, time.UTC), Format: "eve",
			HostIdentifier: "hôte-ü", SrcPort: &minInt, DstPort: &maxInt, AlertSeverity: &zero,
			SignatureID: &minSID, Techniques: []string{"T0855", "", "T0836"}, Message: "ünïcode \x00 nul",
			RawKey: "k", RawLine: math.MaxInt32, Raw: strings.Repeat("x", 70_000),
		},
		{EventTime: time.Date(2262, 4, 11, 0, 0, 0, 0, time.UTC), SignatureID: &maxSID, Techniques: []string{"T0800"}},
	}
}

// encoderCases are row sets that the direct encoder and the row buffer must store exactly as
// parquet-go's GenericWriter does.
var encoderCases = []struct {
	name string
	rows func(t *testing.T) []Row
}{
	{"generated mix", func(*testing.T) []Row {
		return parsedRows(synth.New(7, time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)).Mix(3000))
	}},
	{"corpus lines", corpusRows},
	{"edge values", func(*testing.T) []Row { return edgeRows() }},
	{"two row groups and many pages", func(*testing.T) []Row {
		rows := parsedRows(synth.New(9, time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)).Mix(500))
		for len(rows) <= rowGroupRows {
			rows = append(rows, rows[:min(len(rows), rowGroupRows+1-len(rows))]...)
		}
		return rows
	}},
	{"no rows", func(*testing.T) []Row { return nil }},
	{"more distinct values than a dictionary takes", func(*testing.T) []Row { return distinctRows() }},
}

// distinctRows outgrows the chunk dictionaries: hosts and addresses distinct in most rows
// (more values than maxDictionaryValues) and long distinct signatures (more bytes than
// maxDictionaryBytes), with NULLs and repeated values between them.
func distinctRows() []Row {
	rows := parsedRows(synth.New(21, time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)).Mix(maxDictionaryValues + 1500))
	for i := range rows {
		r := &rows[i]
		if i%7 != 0 {
			r.HostIdentifier = fmt.Sprintf("host-%05d", i)
			r.SrcIP = fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&0xff, i&0xff)
		}
		if i%3 == 0 {
			r.Signature = fmt.Sprintf("%0200d", i)
		}
	}
	return rows
}

func TestFileEncoderMatchesGenericWriter(t *testing.T) {
	for _, tt := range encoderCases {
		t.Run(tt.name, func(t *testing.T) {
			rows := tt.rows(t)

			want, err := Decode(referenceEncode(t, rows))
			require.NoError(t, err)
			got, err := Decode(directEncode(t, rows))
			require.NoError(t, err)

			require.Len(t, got, len(want))
			for i := range want {
				require.Equal(t, want[i], got[i], "row %d", i)
			}
		})
	}
}

func TestRowBufferMatchesGenericWriter(t *testing.T) {
	for _, tt := range encoderCases {
		t.Run(tt.name, func(t *testing.T) {
			rows := tt.rows(t)
			var buf RowBuffer
			for _, row := range slices.Backward(rows) {
				buf.Add(row)
			}
			require.Equal(t, len(rows), buf.Len())

			// The buffer got the rows in reverse, so this also checks its sort.
			sorted := slices.Clone(rows)
			SortRows(sorted)
			want, err := Decode(referenceEncode(t, sorted))
			require.NoError(t, err)
			data, err := EncodeBuffer(&buf)
			require.NoError(t, err)
			got, err := Decode(data)
			require.NoError(t, err)

			require.Len(t, got, len(want))
			for i := range want {
				require.Equal(t, want[i], got[i], "row %d", i)
			}
		})
	}
}

func TestFileEncoderFooter(t *testing.T) {
	rows := parsedRows(synth.New(11, time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)).Mix(2000))
	SortRows(rows)
	reference := openFooter(t, referenceEncode(t, rows))
	direct := openFooter(t, directEncode(t, rows))

	t.Run("schema and row counts", func(t *testing.T) {
		assert.Equal(t, reference.Schema, direct.Schema)
		assert.Equal(t, reference.NumRows, direct.NumRows)
		require.Len(t, direct.RowGroups, 1)
		assert.Equal(t, int64(len(rows)), direct.RowGroups[0].NumRows)
	})

	t.Run("column statistics", func(t *testing.T) {
		for i, want := range reference.RowGroups[0].Columns {
			got := direct.RowGroups[0].Columns[i].MetaData
			name := strings.Join(got.PathInSchema, ".")
			assert.Equal(t, want.MetaData.PathInSchema, got.PathInSchema)
			assert.Equal(t, want.MetaData.Type, got.Type, name)
			assert.Equal(t, want.MetaData.NumValues, got.NumValues, name)
			assert.Equal(t, want.MetaData.Statistics.NullCount, got.Statistics.NullCount, name)
			assert.Equal(t, want.MetaData.Statistics.MinValue, got.Statistics.MinValue, name)
			assert.Equal(t, want.MetaData.Statistics.MaxValue, got.Statistics.MaxValue, name)
			assert.Equal(t, format.Snappy, got.Codec, name)
		}
	})

	t.Run("dictionary columns", func(t *testing.T) {
		dictionary := map[string]bool{
			"format": true, "host_identifier": true, "event_type": true, "rule": true, "severity": true,
			"src_ip": true, "dst_ip": true, "protocol": true, "action": true, "log_prefix": true,
			"in_interface": true, "out_interface": true, "signature": true, "category": true, "raw_key": true,
		}
		for _, chunk := range direct.RowGroups[0].Columns {
			got := chunk.MetaData
			name := strings.Join(got.PathInSchema, ".")
			if !dictionary[name] {
				assert.NotContains(t, got.Encoding, format.RLEDictionary, name)
				assert.Zero(t, got.DictionaryPageOffset, name)
				continue
			}
			assert.Contains(t, got.Encoding, format.RLEDictionary, name)
			assert.Equal(t, chunk.FileOffset, got.DictionaryPageOffset, name)
			assert.Greater(t, got.DataPageOffset, got.DictionaryPageOffset, name)
		}
	})

	t.Run("event time bounds are the first and last rows", func(t *testing.T) {
		stats := direct.RowGroups[0].Columns[0].MetaData.Statistics
		first := rows[0].EventTime.UnixMilli()
		last := rows[len(rows)-1].EventTime.UnixMilli()
		assert.Equal(t, first, int64(leUint64(stats.MinValue)))
		assert.Equal(t, last, int64(leUint64(stats.MaxValue)))
	})
}

func TestLevelEncoderRuns(t *testing.T) {
	tests := []struct {
		name   string
		width  uint
		levels []byte
		want   []byte
	}{
		{"all equal is one RLE run", 1, []byte{1, 1, 1}, []byte{3 << 1, 1}},
		{"long RLE run needs two header bytes", 2, bytes.Repeat([]byte{2}, 100), []byte{0xc8, 0x01, 2}},
		{"mixed levels are bit-packed", 1, []byte{0, 1, 0, 1, 1}, []byte{1<<1 | 1, 0b11010}},
		{"nine levels take two groups", 1, []byte{1, 0, 0, 0, 0, 0, 0, 0, 1}, []byte{2<<1 | 1, 0b1, 0b1}},
		{"width two packs four per byte", 2, []byte{2, 0, 1, 2, 2}, []byte{1<<1 | 1, 0b10_01_00_10, 0b10}},
		{"empty", 1, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l levelEncoder
			for _, v := range tt.levels {
				l.add(v)
			}
			got := l.encode(tt.width)
			if len(tt.want) == 0 {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func openFooter(t *testing.T, data []byte) *format.FileMetaData {
	t.Helper()

	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	return f.Metadata()
}

func leUint64(b []byte) uint64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// TestAddRecordMatchesFromRecord checks that AddRecord stores the rows that FromRecord builds,
// even though the caller parses every line from one reused buffer with reused record blocks,
// and overwrites the buffer after each AddRecord.
func TestAddRecordMatchesFromRecord(t *testing.T) {
	lines := synth.New(13, time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)).Mix(2000)
	for _, line := range lines[:200] {
		// Envelopes: the inner line shares the outer line's bytes unless it has escapes.
		wrapped, err := json.Marshal(map[string]any{"date": 1779235200.5, "log": line})
		require.NoError(t, err)
		lines = append(lines, string(wrapped))
	}
	ctx := formats.Context{ObjectDate: time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)}
	reused := ctx
	reused.Blocks = new(formats.Blocks)

	var fromRecord, addRecord RowBuffer
	buf := make([]byte, 0, 4096)
	for i, line := range lines {
		rec, err := formats.Parse([]byte(line), ctx)
		require.NoError(t, err, "line %d", i+1)
		fromRecord.Add(FromRecord(&rec, "source=x/date=2026-05-20/a.json.gz", i+1))

		buf = append(buf[:0], line...)
		shared, err := formats.ParseString(unsafe.String(unsafe.SliceData(buf), len(buf)), reused)
		require.NoError(t, err, "line %d", i+1)
		addRecord.AddRecord(&shared, "source=x/date=2026-05-20/a.json.gz", i+1)
		copy(buf, bytes.Repeat([]byte{'#'}, len(buf)))
	}

	want, err := EncodeBuffer(&fromRecord)
	require.NoError(t, err)
	got, err := EncodeBuffer(&addRecord)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

func TestRowBufferStreamingAndBuffering(t *testing.T) {
	mix := parsedRows(synth.New(17, time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)).Mix(3000))
	SortRows(mix)
	many := slices.Clone(mix)
	for len(many) <= rowGroupRows {
		many = append(many, mix...)
	}
	SortRows(many)
	early := mix[0]
	early.EventTime = early.EventTime.Add(-time.Hour)
	early.RawLine = 1 << 30

	arrival := parsedRows(synth.New(17, time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)).Mix(3000))
	require.False(t, slices.IsSortedFunc(arrival, func(x, y Row) int { return compareOrder(orderOf(&x), orderOf(&y)) }),
		"RFC 3164 lines, which have whole seconds, put the generated mix a little out of order")
	reversed := slices.Clone(mix[:reorderRows+10])
	slices.Reverse(reversed)

	tests := []struct {
		name         string
		batches      [][]Row // EncodeBuffer runs after each batch
		wantBuffered bool    // whether the rows had to be sorted rather than streamed
	}{
		{"in order", [][]Row{mix}, false},
		{"second and millisecond times mixed", [][]Row{arrival}, false},
		{"late row after two row groups", [][]Row{append(slices.Clone(many), early)}, true},
		{"reversed beyond the window", [][]Row{reversed}, true},
		{"rows added after encoding", [][]Row{mix[:1000], mix[1000:]}, true},
		{"late row added after encoding", [][]Row{mix[:1000], {early}}, true},
		{"no rows", [][]Row{nil}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf RowBuffer
			var all []Row
			var data []byte
			for _, batch := range tt.batches {
				for _, row := range batch {
					buf.Add(row)
				}
				all = append(all, batch...)

				var err error
				data, err = EncodeBuffer(&buf)
				require.NoError(t, err)
			}
			require.Equal(t, len(all), buf.Len())
			assert.Equal(t, tt.wantBuffered, buf.buffered)

			again, err := EncodeBuffer(&buf)
			require.NoError(t, err)
			assert.Equal(t, data, again, "a second EncodeBuffer returns the same file")

			SortRows(all)
			oneByOne, err := encode(func(fn func(*Row) error) error {
				for i := range all {
					if err := fn(&all[i]); err != nil {
						return err
					}
				}
				return nil
			})
			require.NoError(t, err)
			assert.Equal(t, oneByOne, data, "rows encoded in batches give the bytes of rows encoded one by one")

			want, err := Decode(referenceEncode(t, all))
			require.NoError(t, err)
			got, err := Decode(data)
			require.NoError(t, err)
			require.Len(t, got, len(want))
			for i := range want {
				require.Equal(t, want[i], got[i], "row %d", i)
			}
		})
	}
}
