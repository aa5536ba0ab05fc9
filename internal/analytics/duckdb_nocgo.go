//go:build !cgo

package analytics

import (
	"context"

	"github.com/otlake/cloud-telemetry-lake/glue"
)

// DuckDB is unavailable without cgo: OpenDuckDB always fails with ErrNoDuckDB.
type DuckDB struct{}

// OpenDuckDB returns ErrNoDuckDB, because the DuckDB driver needs cgo.
func OpenDuckDB(context.Context, string) (*DuckDB, error) { return nil, ErrNoDuckDB }

// CountRows returns ErrNoDuckDB.
func (*DuckDB) CountRows(context.Context) (int64, error) { return 0, ErrNoDuckDB }

// Run returns ErrNoDuckDB.
func (*DuckDB) Run(context.Context, glue.Query, RowWriter) error { return ErrNoDuckDB }

// Close does nothing.
func (*DuckDB) Close() error { return nil }
