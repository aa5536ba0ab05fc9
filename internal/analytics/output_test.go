package analytics

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/glue"
)

var testQuery = glue.Query{Name: "test_query", Title: "Test query"}

var testColumns = []Column{{"host", KindText}, {"records", KindInteger}, {"ratio", KindFloat}}

// printRows writes one result of testColumns through a new printer of format.
func printRows(t *testing.T, format string, maxRows int, queries int, rows ...[]any) string {
	t.Helper()

	var out bytes.Buffer
	p, err := NewPrinter(&out, format, maxRows)
	require.NoError(t, err)
	require.NoError(t, p.Header(Header{Engine: "duckdb", Lake: "/lake/staged/parsed/", Rows: 42, Queries: queries}))
	for range queries {
		require.NoError(t, p.Begin(testQuery, testColumns))
		for _, r := range rows {
			require.NoError(t, p.Row(r))
		}
		require.NoError(t, p.End())
	}
	require.NoError(t, p.Close())
	return out.String()
}

func TestTablePrinter(t *testing.T) {
	tests := []struct {
		name    string
		maxRows int
		rows    [][]any
		want    string
	}{
		{
			name: "aligned columns",
			rows: [][]any{{"ot-gateway", int64(120), 0.5}, {"malcolm-ndr", int64(8), 1.25}},
			want: "host         records  ratio\n" +
				"ot-gateway       120    0.5\n" +
				"malcolm-ndr        8   1.25\n" +
				"(2 rows)\n",
		},
		{
			name: "null and one row",
			rows: [][]any{{nil, int64(1), nil}},
			want: "host  records  ratio\n" +
				"NULL        1   NULL\n" +
				"(1 row)\n",
		},
		{
			name:    "rows over the cap",
			maxRows: 1,
			rows:    [][]any{{"a", int64(1), 0.0}, {"b", int64(2), 0.0}, {"c", int64(3), 0.0}},
			want: "host  records  ratio\n" +
				"a           1      0\n" +
				"(3 rows, first 1 shown; --max-rows 0 prints all)\n",
		},
		{
			name: "no rows",
			want: "(no rows)\n",
		},
		{
			name: "control characters escaped",
			rows: [][]any{{"evil\x1b[2J\nhost", int64(1), 0.0}},
			want: "host               records  ratio\n" +
				"evil\\x1b[2J\\nhost        1      0\n" +
				"(1 row)\n",
		},
		{
			name: "wide runes counted once",
			rows: [][]any{{"Brute Force – Scan", int64(1), 0.0}, {"x", int64(22), 0.0}},
			want: "host                records  ratio\n" +
				"Brute Force – Scan        1      0\n" +
				"x                        22      0\n" +
				"(2 rows)\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := printRows(t, FormatTable, tt.maxRows, 1, tt.rows...)

			header := "OT telemetry lake analytics (duckdb)\n" +
				"Reading staged_telemetry from /lake/staged/parsed/\n" +
				"Loaded 42 staged telemetry rows.\n\n" +
				"=== 1. Test query (test_query) ===\n"
			require.True(t, strings.HasPrefix(got, header), got)
			assert.Equal(t, tt.want, strings.TrimPrefix(got, header))
		})
	}
}

func TestTablePrinterNumbersQueries(t *testing.T) {
	got := printRows(t, FormatTable, 0, 2, []any{"a", int64(1), 0.0})

	assert.Contains(t, got, "=== 1. Test query (test_query) ===")
	assert.Contains(t, got, "=== 2. Test query (test_query) ===")
}

func TestCSVPrinter(t *testing.T) {
	rows := [][]any{{"ot-gateway", int64(120), 0.5}, {"a,b \"quoted\"", nil, 1.0}}

	t.Run("one query is plain csv", func(t *testing.T) {
		got := printRows(t, FormatCSV, 0, 1, rows...)
		assert.Equal(t, "host,records,ratio\not-gateway,120,0.5\n\"a,b \"\"quoted\"\"\",NULL,1\n", got)
	})
	t.Run("several queries are marked", func(t *testing.T) {
		got := printRows(t, FormatCSV, 0, 2, rows[0])
		want := "# test_query: Test query\nhost,records,ratio\not-gateway,120,0.5\n" +
			"\n# test_query: Test query\nhost,records,ratio\not-gateway,120,0.5\n"
		assert.Equal(t, want, got)
	})
	t.Run("max rows ignored", func(t *testing.T) {
		got := printRows(t, FormatCSV, 1, 1, rows...)
		assert.Equal(t, 3, strings.Count(got, "\n"))
	})
}

func TestJSONPrinter(t *testing.T) {
	when := time.Date(2026, 5, 20, 19, 20, 0, 500_000_000, time.UTC)
	got := printRows(t, FormatJSON, 1, 2,
		[]any{"ot-gateway", int64(120), 0.5},
		[]any{"<b>&", nil, math.NaN()},
		[]any{when, true, math.Inf(1)},
	)
	require.True(t, json.Valid([]byte(got)), got)

	var doc struct {
		Engine     string `json:"engine"`
		Lake       string `json:"lake"`
		RowsLoaded int64  `json:"rows_loaded"`
		Queries    []struct {
			Name     string           `json:"name"`
			Title    string           `json:"title"`
			Columns  []string         `json:"columns"`
			Rows     []map[string]any `json:"rows"`
			RowCount int              `json:"row_count"`
		} `json:"queries"`
	}
	require.NoError(t, json.Unmarshal([]byte(got), &doc))

	assert.Equal(t, "duckdb", doc.Engine)
	assert.Equal(t, "/lake/staged/parsed/", doc.Lake)
	assert.Equal(t, int64(42), doc.RowsLoaded)
	require.Len(t, doc.Queries, 2)
	q := doc.Queries[0]
	assert.Equal(t, "test_query", q.Name)
	assert.Equal(t, "Test query", q.Title)
	assert.Equal(t, []string{"host", "records", "ratio"}, q.Columns)
	assert.Equal(t, 3, q.RowCount, "max rows does not cap json")
	require.Len(t, q.Rows, 3)
	assert.Equal(t, map[string]any{"host": "ot-gateway", "records": float64(120), "ratio": 0.5}, q.Rows[0])
	assert.Equal(t, map[string]any{"host": "<b>&", "records": nil, "ratio": "NaN"}, q.Rows[1])
	assert.Equal(t, map[string]any{"host": "2026-05-20T19:20:00.5Z", "records": true, "ratio": "+Inf"}, q.Rows[2])

	// Row keys keep the column order.
	assert.Contains(t, got, `{"host":"ot-gateway","records":120,"ratio":0.5}`)
}

func TestJSONPrinterWithoutQueries(t *testing.T) {
	var out bytes.Buffer
	p, err := NewPrinter(&out, FormatJSON, 0)
	require.NoError(t, err)
	require.NoError(t, p.Close())

	assert.True(t, json.Valid(out.Bytes()), out.String())
}

func TestNewPrinterUnknownFormat(t *testing.T) {
	_, err := NewPrinter(&bytes.Buffer{}, "xml", 0)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `output format "xml"`)
}

func TestEscapeControl(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain text", "ET SCADA Modbus", "ET SCADA Modbus"},
		{"non-ascii kept", "Brute Force – Scan", "Brute Force – Scan"},
		{"newline", "a\nb", `a\nb`},
		{"escape sequence", "\x1b[31mred", `\x1b[31mred`},
		{"delete", "a\x7fb", `a\x7fb`},
		{"c1 control", "a\u0085b", `a\u0085b`},
		{"invalid utf-8", "a\xffb", `a\xffb`},
		{"replacement character kept", "a\ufffdb", "a\ufffdb"},
		{"line separator", "a\u2028b", `a\u2028b`},
		{"bidi override", "a\u202eb", `a\u202eb`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, escapeControl(tt.in))
		})
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		typeName string
		want     Kind
	}{
		{"BIGINT", KindInteger},
		{"bigint", KindInteger},
		{"integer", KindInteger},
		{"HUGEINT", KindInteger},
		{"DECIMAL(18,3)", KindFloat},
		{"double", KindFloat},
		{"VARCHAR", KindText},
		{"varchar", KindText},
		{"boolean", KindBool},
		{"timestamp", KindTime},
		{"TIMESTAMP WITH TIME ZONE", KindTime},
		{"array(varchar)", KindText},
		{"", KindText},
	}
	for _, tt := range tests {
		t.Run(tt.typeName, func(t *testing.T) {
			assert.Equal(t, tt.want, kindOf(tt.typeName))
		})
	}
}

func TestNormalize(t *testing.T) {
	when := time.Date(2026, 5, 20, 21, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	tests := []struct {
		name string
		in   any
		want any
	}{
		{"nil", nil, nil},
		{"int32", int32(7), int64(7)},
		{"uint64 in range", uint64(7), int64(7)},
		{"uint64 over int64", uint64(math.MaxUint64), "18446744073709551615"},
		{"float32", float32(0.5), 0.5},
		{"bytes", []byte("ab"), "ab"},
		{"time in utc", when, when.UTC()},
		{"list as json", []any{"T0855", "T0836"}, `["T0855","T0836"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, normalize(tt.in))
		})
	}
}

func BenchmarkTablePrinter(b *testing.B) {
	row := []any{"2026-05-20T19:20:00.896000+0000", "172.24.0.23", "172.22.0.10", "OTLAKE SCADA Modbus Write Single Register (FC 6) from the IT zone", "SCADA/ICS Attack"}
	columns := []Column{{"alert_timestamp", KindText}, {"src_ip", KindText}, {"dest_ip", KindText}, {"scada_signature", KindText}, {"scada_category", KindText}}

	b.ReportAllocs()
	for b.Loop() {
		p, _ := NewPrinter(&bytes.Buffer{}, FormatTable, 100)
		p.Begin(testQuery, columns)
		for range 1000 {
			p.Row(row)
		}
		p.End()
		p.Close()
	}
}
