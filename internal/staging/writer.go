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

// SortRows orders rows by event time at the millisecond precision that the file stores, then
// by raw key and line, so that equal times keep a deterministic order and the same input
// always encodes to the same bytes, whether through Encode or a RowBuffer.
func SortRows(rows []Row) {
	slices.SortStableFunc(rows, func(a, b Row) int { return compareOrder(orderOf(&a), orderOf(&b)) })
}

func orderOf(row *Row) orderKey {
	return orderKey{millis: row.EventTime.UnixMilli(), key: row.RawKey, line: row.RawLine}
}

// Encode sorts rows by event time and returns them as one snappy Parquet file.
func Encode(rows []Row) ([]byte, error) {
	SortRows(rows)
	return encode(func(fn func(*Row) error) error {
		for i := range rows {
			if err := fn(&rows[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// EncodeBuffer returns the buffer's rows, in the order SortRows gives, as one snappy Parquet
// file. Calling it again without adding rows returns the same bytes.
func EncodeBuffer(b *RowBuffer) ([]byte, error) {
	return b.encode()
}

// encode writes the rows that each produces, already in order, to one Parquet file.
func encode(each func(func(*Row) error) error) ([]byte, error) {
	enc, err := newFileEncoder()
	if err != nil {
		return nil, err
	}

	written := 0
	err = each(func(row *Row) error {
		if err := enc.writeRow(row); err != nil {
			return fmt.Errorf("encode parquet row %d: %w", written, err)
		}
		written++
		return nil
	})
	if err != nil {
		return nil, err
	}
	return enc.finish()
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
