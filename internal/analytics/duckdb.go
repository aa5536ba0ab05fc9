//go:build cgo

package analytics

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver

	"github.com/otlake/cloud-telemetry-lake/glue"
)

// duckDBSetup prepares a fresh in-memory DuckDB for the named queries. Extension downloads
// are switched off because the machine may have no route to the extension repository. The
// json and parquet extensions are built into the driver.
//
// json_extract_scalar is Trino's name. Like Trino's, the macro returns NULL when the path
// selects an object or an array, where DuckDB's json_extract_string would return its text.
const duckDBSetup = `
SET autoinstall_known_extensions = false;
SET autoload_known_extensions = false;
CREATE MACRO json_extract_scalar(json_text, json_path) AS
    CASE WHEN json_type(json_text, json_path) IN ('OBJECT', 'ARRAY') THEN NULL
         ELSE json_extract_string(json_text, json_path) END;
`

// DuckDB runs the named queries in an in-memory DuckDB over a folder of staged Parquet.
type DuckDB struct {
	db *sql.DB
}

// OpenDuckDB opens an in-memory DuckDB with the view staged_telemetry over
// stagedDir/parsed/**/*.parquet. The date and source columns come from the
// parsed/date=YYYY-MM-DD/source=NAME/ path as strings, as in the Glue table. stagedDir is a
// local lake's staged/ folder or a folder DownloadStaged filled. It returns ErrNoStagedData
// when the folder holds no Parquet object.
func OpenDuckDB(ctx context.Context, stagedDir string) (*DuckDB, error) {
	glob, err := stagedGlob(stagedDir)
	if err != nil {
		return nil, err
	}

	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	// One connection: the macro and the view live in the in-memory catalog that all
	// connections of this database share, but one connection keeps memory use predictable.
	db.SetMaxOpenConns(1)

	view := fmt.Sprintf(`CREATE VIEW staged_telemetry AS SELECT * FROM read_parquet(%s,
    hive_partitioning = true,
    hive_types = {'date': 'VARCHAR', 'source': 'VARCHAR'},
    union_by_name = true)`, sqlString(glob))
	for _, stmt := range []string{duckDBSetup, view} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			db.Close()
			return nil, fmt.Errorf("prepare duckdb over %q: %w", stagedDir, err)
		}
	}
	return &DuckDB{db: db}, nil
}

// CountRows returns the number of rows in staged_telemetry.
func (d *DuckDB) CountRows(ctx context.Context) (int64, error) {
	var n int64
	if err := d.db.QueryRowContext(ctx, countSQL).Scan(&n); err != nil {
		return 0, fmt.Errorf("count staged_telemetry rows: %w", err)
	}
	return n, nil
}

// Run runs q and passes its columns and rows to w.
func (d *DuckDB) Run(ctx context.Context, q glue.Query, w RowWriter) error {
	rows, err := d.db.QueryContext(ctx, q.SQL)
	if err != nil {
		return fmt.Errorf("run query %q: %w", q.Name, err)
	}
	defer rows.Close()

	types, err := rows.ColumnTypes()
	if err != nil {
		return fmt.Errorf("read columns of query %q: %w", q.Name, err)
	}
	columns := make([]Column, len(types))
	for i, t := range types {
		columns[i] = Column{Name: t.Name(), Kind: kindOf(t.DatabaseTypeName())}
	}
	if err := w.Begin(q, columns); err != nil {
		return err
	}

	// Scan into one reused slice of pointers; normalize copies what the writer keeps.
	values := make([]any, len(columns))
	targets := make([]any, len(columns))
	for i := range values {
		targets[i] = &values[i]
	}
	out := make([]any, len(columns))
	for rows.Next() {
		if err := rows.Scan(targets...); err != nil {
			return fmt.Errorf("read row of query %q: %w", q.Name, err)
		}
		for i, v := range values {
			out[i] = normalize(v)
		}
		if err := w.Row(out); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("run query %q: %w", q.Name, err)
	}
	return w.End()
}

// Close closes the database.
func (d *DuckDB) Close() error { return d.db.Close() }

// sqlString returns s as a SQL string literal.
func sqlString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
