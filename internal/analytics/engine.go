package analytics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/otlake/cloud-telemetry-lake/glue"
)

// ErrNoStagedData is returned when a lake or bucket holds no staged Parquet object.
var ErrNoStagedData = errors.New("no staged Parquet objects")

// ErrNoDuckDB is returned by OpenDuckDB in a binary built without cgo.
var ErrNoDuckDB = errors.New("DuckDB is not available because otlake was built with CGO_ENABLED=0: rebuild it with cgo and a C compiler, or use --engine athena")

// countSQL counts the staged rows for the header of a query run. It is not a named query.
const countSQL = "SELECT count(*) AS row_count FROM staged_telemetry"

// Engine runs named queries over the staged_telemetry table.
type Engine interface {
	// CountRows returns the number of rows in staged_telemetry.
	CountRows(ctx context.Context) (int64, error)
	// Run runs q and passes its columns, then each row, to w.
	Run(ctx context.Context, q glue.Query, w RowWriter) error
	// Close releases the engine's connections.
	Close() error
}

// Kind is the value class of a column, which sets its alignment: text is left-aligned and
// numbers right-aligned.
type Kind int

// Column kinds.
const (
	KindText Kind = iota
	KindInteger
	KindFloat
	KindBool
	KindTime
)

// Column is one result column.
type Column struct {
	Name string
	Kind Kind
}

// RowWriter receives the result of one query. Values are nil (SQL NULL), string, int64,
// float64, bool or time.Time.
type RowWriter interface {
	Begin(q glue.Query, columns []Column) error
	Row(values []any) error
	End() error
}

// kindOf returns the Kind of a column from its SQL type name, as DuckDB's DatabaseTypeName
// or Athena's column metadata spell it.
func kindOf(typeName string) Kind {
	name := strings.ToUpper(typeName)
	if i := strings.IndexAny(name, "(<"); i >= 0 {
		name = name[:i]
	}
	switch strings.TrimSpace(name) {
	case "TINYINT", "SMALLINT", "INTEGER", "INT", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
		"UINTEGER", "UBIGINT", "UHUGEINT":
		return KindInteger
	case "FLOAT", "REAL", "DOUBLE", "DECIMAL":
		return KindFloat
	case "BOOLEAN":
		return KindBool
	case "DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_MS", "TIMESTAMP_S",
		"TIMESTAMP_NS", "TIMESTAMPTZ":
		return KindTime
	}
	return KindText
}

// normalize turns a value scanned from a driver into one of the types RowWriter documents.
func normalize(v any) any {
	switch x := v.(type) {
	case nil, string, int64, float64, bool:
		return x
	case time.Time:
		return x.UTC()
	case int:
		return int64(x)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x)
		}
		return strconv.FormatUint(x, 10)
	case float32:
		return float64(x)
	case []byte:
		return string(x)
	case *big.Int:
		if x.IsInt64() {
			return x.Int64()
		}
		return x.String()
	case fmt.Stringer:
		return x.String()
	}

	// Lists, maps and structs print as their JSON text.
	if data, err := json.Marshal(v); err == nil {
		return string(data)
	}
	return fmt.Sprint(v)
}
