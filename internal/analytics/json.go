package analytics

import (
	"bufio"
	"encoding/json"
	"math"
	"strconv"
	"time"

	"github.com/otlake/cloud-telemetry-lake/glue"
)

// jsonPrinter streams one JSON document:
//
//	{"engine": ..., "lake": ..., "rows_loaded": N, "queries": [
//	  {"name": ..., "title": ..., "columns": [...], "rows": [{column: value, ...}], "row_count": n}]}
//
// Rows are objects whose keys keep the column order.
type jsonPrinter struct {
	w       *bufio.Writer
	started bool
	queries int

	columns []string // each column name, already JSON-encoded
	rows    int64
}

func (p *jsonPrinter) Header(h Header) error {
	p.started = true
	p.w.WriteString(`{"engine":`)
	p.writeValue(h.Engine)
	p.w.WriteString(`,"lake":`)
	p.writeValue(h.Lake)
	p.w.WriteString(`,"rows_loaded":`)
	p.w.WriteString(strconv.FormatInt(h.Rows, 10))
	p.w.WriteString(`,"queries":[`)
	return nil
}

func (p *jsonPrinter) Begin(q glue.Query, columns []Column) error {
	if !p.started {
		p.Header(Header{})
	}
	if p.queries > 0 {
		p.w.WriteString(",")
	}
	p.queries++
	p.rows = 0

	p.w.WriteString("\n{\"name\":")
	p.writeValue(q.Name)
	p.w.WriteString(`,"title":`)
	p.writeValue(q.Title)

	p.columns = p.columns[:0]
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = c.Name
		encoded, _ := json.Marshal(c.Name) // a string always encodes
		p.columns = append(p.columns, string(encoded))
	}
	p.w.WriteString(`,"columns":`)
	p.writeValue(names)
	p.w.WriteString(`,"rows":[`)
	return nil
}

func (p *jsonPrinter) Row(values []any) error {
	if p.rows > 0 {
		p.w.WriteString(",")
	}
	p.rows++

	p.w.WriteString("\n{")
	for i, v := range values {
		if i > 0 {
			p.w.WriteString(",")
		}
		p.w.WriteString(p.columns[i])
		p.w.WriteString(":")
		p.writeValue(jsonValue(v))
	}
	p.w.WriteString("}")
	return nil
}

func (p *jsonPrinter) End() error {
	p.w.WriteString(`],"row_count":`)
	p.w.WriteString(strconv.FormatInt(p.rows, 10))
	p.w.WriteString("}")
	return nil
}

func (p *jsonPrinter) Close() error {
	if !p.started {
		p.Header(Header{})
	}
	p.w.WriteString("\n]}\n")
	return p.w.Flush()
}

// writeValue writes v as JSON. Only values that jsonValue returned and plain strings and
// string slices reach it, and those always encode.
func (p *jsonPrinter) writeValue(v any) {
	data, err := json.Marshal(v)
	if err != nil {
		data = []byte("null")
	}
	p.w.Write(data)
}

// jsonValue returns v in a form JSON can carry: times as RFC 3339 strings, and NaN and the
// infinities, which JSON has no number for, as strings.
func jsonValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
	}
	return v
}
