//go:build cgo

package analytics

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/formats"
	"github.com/otlake/cloud-telemetry-lake/internal/staging"
	"github.com/otlake/cloud-telemetry-lake/internal/synth"
)

// TestDuckDBReadsDictionaryFallback reads a staged file through DuckDB whose text chunks start
// with dictionary pages and, once a dictionary is full, go on with PLAIN pages: hosts and
// addresses distinct in most rows, long distinct signatures, and NULLs between them. Every
// row's text columns must read back as written.
func TestDuckDBReadsDictionaryFallback(t *testing.T) {
	day := time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)
	ctx := formats.Context{ObjectDate: day}
	var rows []staging.Row
	for i, line := range synth.New(5, day).Mix(6000) {
		rec, err := formats.Parse([]byte(line), ctx)
		require.NoError(t, err, "line %d", i+1)
		row := staging.FromRecord(&rec, "source=mixed/date=2026-05-20/distinct.json.gz", i+1)
		if i%7 != 0 {
			row.HostIdentifier = fmt.Sprintf("host-%05d", i)
			row.SrcIP = fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&0xff, i&0xff)
		}
		if i%3 == 0 {
			row.Signature = fmt.Sprintf("%0200d", i)
		}
		rows = append(rows, row)
	}

	var buf staging.RowBuffer
	for _, row := range rows {
		buf.Add(row)
	}
	data, err := staging.EncodeBuffer(&buf)
	require.NoError(t, err)
	staged := t.TempDir()
	dir := filepath.Join(staged, "parsed", "date=2026-05-20", "source=mixed")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "distinct.parquet"), data, 0o644))

	db, err := OpenDuckDB(context.Background(), staged)
	require.NoError(t, err)
	defer db.Close()

	// One digest over every row's text columns, in line order, with NULL written as '-'.
	const query = `SELECT count(*), md5(string_agg(
		coalesce(format, '-') || '|' || coalesce(host_identifier, '-') || '|' ||
		coalesce(src_ip, '-') || '|' || coalesce(dst_ip, '-') || '|' ||
		coalesce(signature, '-') || '|' || coalesce(log_prefix, '-') || '|' ||
		coalesce(in_interface, '-') || '|' || coalesce(raw_key, '-'),
		chr(10) ORDER BY raw_line)) FROM staged_telemetry`
	var count int
	var digest string
	require.NoError(t, db.db.QueryRowContext(context.Background(), query).Scan(&count, &digest))

	var want strings.Builder
	for i, r := range rows {
		if i > 0 {
			want.WriteByte('\n')
		}
		for j, v := range []string{r.Format, r.HostIdentifier, r.SrcIP, r.DstIP, r.Signature, r.LogPrefix, r.InInterface, r.RawKey} {
			if j > 0 {
				want.WriteByte('|')
			}
			if v == "" {
				v = "-"
			}
			want.WriteString(v)
		}
	}
	sum := md5.Sum([]byte(want.String()))
	assert.Equal(t, len(rows), count)
	assert.Equal(t, hex.EncodeToString(sum[:]), digest, "text columns of "+strconv.Itoa(len(rows))+" rows")
}
