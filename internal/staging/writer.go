package staging

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/parquet-go/parquet-go"
)

// rowGroupRows bounds a row group. Athena and DuckDB split work by row group; 128k rows of a
// few hundred bytes each keeps a group near the 16-64 MiB range both read well.
const rowGroupRows = 128 * 1024

// SortRows orders rows by event time, then by raw key and line so that equal times keep a
// deterministic order and the same input always encodes to the same bytes.
func SortRows(rows []Row) {
	slices.SortStableFunc(rows, func(a, b Row) int {
		if c := a.EventTime.Compare(b.EventTime); c != 0 {
			return c
		}
		if a.RawKey != b.RawKey {
			if a.RawKey < b.RawKey {
				return -1
			}
			return 1
		}
		return int(a.RawLine) - int(b.RawLine)
	})
}

// Encode sorts rows by event time and returns them as one snappy Parquet file.
func Encode(rows []Row) ([]byte, error) {
	SortRows(rows)

	var buf bytes.Buffer
	w := parquet.NewGenericWriter[Row](&buf,
		parquet.Compression(&parquet.Snappy),
		parquet.MaxRowsPerRowGroup(rowGroupRows),
		parquet.CreatedBy("otlake", "1", ""),
	)
	for start := 0; start < len(rows); start += rowGroupRows {
		end := min(start+rowGroupRows, len(rows))
		if _, err := w.Write(rows[start:end]); err != nil {
			return nil, fmt.Errorf("encode parquet rows %d-%d: %w", start, end, err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("encode parquet footer: %w", err)
	}
	return buf.Bytes(), nil
}

// Decode reads a staged Parquet file back into rows. Times are returned in UTC.
func Decode(data []byte) ([]Row, error) {
	rows, err := parquet.Read[Row](bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("decode parquet: %w", err)
	}
	for i := range rows {
		rows[i].EventTime = rows[i].EventTime.UTC()
		if t := rows[i].IngestTime; t != nil {
			utc := t.UTC()
			rows[i].IngestTime = &utc
		}
	}
	return rows, nil
}

// Ensure the schema derived from Row compiles at init rather than on the first object.
var _ = parquet.SchemaOf(Row{})
