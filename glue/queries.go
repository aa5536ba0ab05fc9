package glue

import (
	"embed"
	"path"
	"strings"

	"github.com/otlake/cloud-telemetry-lake/internal/names"
)

//go:embed queries/*.sql
var queryFiles embed.FS

// queryOrder is the order in which Queries returns the named queries and otlake query all
// runs them. A test checks that it lists every file under queries/.
var queryOrder = []string{
	"high_severity_anomalies_over_time",
	"top_noisy_hosts",
	"scada_ttp_patterns",
}

// titlePrefix starts the header line that gives a query's title.
const titlePrefix = "-- title:"

// Query is one named query: a file under queries/.
type Query struct {
	// Name is the file name without ".sql", e.g. "top_noisy_hosts".
	Name string
	// Title is the text of the file's "-- title:" header line, or Name when it has none.
	Title string
	// Description is the header's remaining comment lines, joined by spaces.
	Description string
	// SQL is the file's content, byte for byte, header included.
	SQL string
}

// NamedQueryName returns the name of the Athena named query that runs q: NamedQueryPrefix
// followed by q.Name, with underscores turned into hyphens (ot-top-noisy-hosts).
func (q Query) NamedQueryName() string {
	return names.NamedQueryPrefix + strings.ReplaceAll(q.Name, "_", "-")
}

// Queries returns the named queries in their fixed order.
func Queries() []Query {
	out := make([]Query, 0, len(queryOrder))
	for _, name := range queryOrder {
		q, ok := Lookup(name)
		if ok {
			out = append(out, q)
		}
	}
	return out
}

// Lookup returns the named query called name, and false when there is none.
func Lookup(name string) (Query, bool) {
	if name == "" || strings.ContainsAny(name, "/\\.") {
		return Query{}, false
	}
	data, err := queryFiles.ReadFile(path.Join("queries", name+".sql"))
	if err != nil {
		return Query{}, false
	}
	q := Query{Name: name, Title: name, SQL: string(data)}
	q.Title, q.Description = parseHeader(q.SQL, name)
	return q, true
}

// QueryNames returns the names of the named queries in their fixed order.
func QueryNames() []string {
	return append([]string(nil), queryOrder...)
}

// parseHeader reads the leading "--" comment lines of a query file: the title line and the
// description after it.
func parseHeader(sql, fallbackTitle string) (title, description string) {
	title = fallbackTitle
	var desc []string
	for line := range strings.Lines(sql) {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "--") {
			break
		}
		if rest, ok := strings.CutPrefix(line, titlePrefix); ok {
			title = strings.TrimSpace(rest)
			continue
		}
		desc = append(desc, strings.TrimSpace(strings.TrimPrefix(line, "--")))
	}
	return title, strings.Join(desc, " ")
}
