package glue

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQueriesListEveryFile(t *testing.T) {
	files, err := fs.Glob(queryFiles, "queries/*.sql")
	require.NoError(t, err)

	var fromFiles []string
	for _, f := range files {
		fromFiles = append(fromFiles, strings.TrimSuffix(strings.TrimPrefix(f, "queries/"), ".sql"))
	}
	assert.ElementsMatch(t, fromFiles, QueryNames())
	assert.Len(t, Queries(), len(files))
}

// fromTable matches the table after FROM or JOIN.
var fromTable = regexp.MustCompile(`(?i)\b(?:from|join)\s+([a-z_."]+)`)

func TestQueryFiles(t *testing.T) {
	for _, q := range Queries() {
		t.Run(q.Name, func(t *testing.T) {
			data, err := queryFiles.ReadFile("queries/" + q.Name + ".sql")
			require.NoError(t, err)

			assert.Equal(t, string(data), q.SQL, "SQL is the file's bytes")
			assert.NotEqual(t, q.Name, q.Title, "the file has a -- title: line")
			assert.NotEmpty(t, q.Description, "the header describes what the query answers")
			assert.True(t, strings.HasPrefix(q.SQL, titlePrefix), "the file starts with its title line")

			// One statement, and only the staged table without a database name: Athena's
			// query context and DuckDB's view both supply it.
			assert.NotContains(t, strings.TrimSpace(q.SQL), ";")
			body := regexp.MustCompile(`(?m)^\s*--.*$`).ReplaceAllString(q.SQL, "")
			tables := fromTable.FindAllStringSubmatch(body, -1)
			require.NotEmpty(t, tables)
			for _, m := range tables {
				assert.Equal(t, "staged_telemetry", m[1])
			}
		})
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name   string
		query  string
		wantOK bool
	}{
		{"known query", "top_noisy_hosts", true},
		{"unknown query", "no_such_query", false},
		{"empty name", "", false},
		{"path traversal", "../doc", false},
		{"file name with suffix", "top_noisy_hosts.sql", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, ok := Lookup(tt.query)
			assert.Equal(t, tt.wantOK, ok)
			if tt.wantOK {
				assert.Equal(t, tt.query, q.Name)
			}
		})
	}
}

func TestNamedQueryName(t *testing.T) {
	var got []string
	for _, q := range Queries() {
		got = append(got, q.NamedQueryName())
	}
	want := []string{"ot-high-severity-anomalies-over-time", "ot-top-noisy-hosts", "ot-scada-ttp-patterns"}
	assert.Equal(t, want, got)
	assert.False(t, slices.Contains(got, ""))
}

func TestParseHeader(t *testing.T) {
	tests := []struct {
		name      string
		sql       string
		wantTitle string
		wantDesc  string
	}{
		{"title and description", "-- title: T\n-- first line\n-- second\nSELECT 1", "T", "first line second"},
		{"no header", "SELECT 1", "fallback", ""},
		{"comment after the statement is ignored", "-- title: T\nSELECT 1\n-- later", "T", ""},
		{"crlf lines", "-- title: T\r\n-- d\r\nSELECT 1", "T", "d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			title, desc := parseHeader(tt.sql, "fallback")
			assert.Equal(t, tt.wantTitle, title)
			assert.Equal(t, tt.wantDesc, desc)
		})
	}
}
