package analytics

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/otlake/cloud-telemetry-lake/glue"
)

// Output formats of NewPrinter.
const (
	FormatTable = "table"
	FormatCSV   = "csv"
	FormatJSON  = "json"
)

// nullText is the table and CSV text of SQL NULL.
const nullText = "NULL"

// Header describes a query run: what was read and how many staged rows it holds.
type Header struct {
	Engine string // "duckdb" or "athena"
	Lake   string // the folder, bucket URI or workgroup the rows were read from
	Rows   int64  // rows of staged_telemetry
	// Queries is the number of queries the run prints; CSV marks each result when it is
	// more than one.
	Queries int
}

// Printer writes a query run: the header, then each query's result, then Close.
type Printer interface {
	RowWriter
	Header(h Header) error
	// Close flushes the output and ends the JSON document.
	Close() error
}

// NewPrinter returns a printer of format (FormatTable, FormatCSV or FormatJSON). maxRows
// caps the rows of each table that FormatTable prints, 0 for no cap; CSV and JSON print
// every row.
func NewPrinter(w io.Writer, format string, maxRows int) (Printer, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	switch format {
	case FormatTable:
		return &tablePrinter{w: bw, maxRows: maxRows}, nil
	case FormatCSV:
		return &csvPrinter{w: bw, csv: csv.NewWriter(bw)}, nil
	case FormatJSON:
		return &jsonPrinter{w: bw}, nil
	}
	return nil, fmt.Errorf("output format %q: want %s, %s or %s", format, FormatTable, FormatCSV, FormatJSON)
}

// tablePrinter aligns each result's columns, so it keeps up to maxRows rows of a result
// until the result ends.
type tablePrinter struct {
	w       *bufio.Writer
	maxRows int
	queries int

	columns []Column
	rows    [][]string
	total   int64
}

func (p *tablePrinter) Header(h Header) error {
	fmt.Fprintf(p.w, "OT telemetry lake analytics (%s)\n", h.Engine)
	fmt.Fprintf(p.w, "Reading staged_telemetry from %s\n", h.Lake)
	fmt.Fprintf(p.w, "Loaded %d staged telemetry rows.\n", h.Rows)
	return nil
}

func (p *tablePrinter) Begin(q glue.Query, columns []Column) error {
	p.queries++
	p.columns, p.rows, p.total = columns, p.rows[:0], 0
	fmt.Fprintf(p.w, "\n=== %d. %s (%s) ===\n", p.queries, q.Title, q.Name)
	return nil
}

func (p *tablePrinter) Row(values []any) error {
	p.total++
	if p.maxRows > 0 && len(p.rows) >= p.maxRows {
		return nil
	}
	cells := make([]string, len(values))
	for i, v := range values {
		cells[i] = cellText(v)
	}
	p.rows = append(p.rows, cells)
	return nil
}

func (p *tablePrinter) End() error {
	if p.total == 0 {
		fmt.Fprintln(p.w, "(no rows)")
		return nil
	}

	// Width of each column: the longest of its name and its kept cells, in runes.
	widths := make([]int, len(p.columns))
	for i, c := range p.columns {
		widths[i] = utf8.RuneCountInString(c.Name)
	}
	for _, row := range p.rows {
		for i, cell := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}

	names := make([]string, len(p.columns))
	for i, c := range p.columns {
		names[i] = c.Name
	}
	p.writeLine(names, widths)
	for _, row := range p.rows {
		p.writeLine(row, widths)
	}

	shown := int64(len(p.rows))
	switch {
	case shown < p.total:
		fmt.Fprintf(p.w, "(%d rows, first %d shown; --max-rows 0 prints all)\n", p.total, shown)
	case p.total == 1:
		fmt.Fprintln(p.w, "(1 row)")
	default:
		fmt.Fprintf(p.w, "(%d rows)\n", p.total)
	}
	return nil
}

// writeLine writes one table line: numbers right-aligned, text left-aligned, two spaces
// between columns and no trailing spaces.
func (p *tablePrinter) writeLine(cells []string, widths []int) {
	var b strings.Builder
	for i, cell := range cells {
		pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
		if i > 0 {
			b.WriteString("  ")
		}
		if p.columns[i].Kind == KindInteger || p.columns[i].Kind == KindFloat {
			b.WriteString(pad + cell)
		} else {
			b.WriteString(cell + pad)
		}
	}
	fmt.Fprintln(p.w, strings.TrimRight(b.String(), " "))
}

func (p *tablePrinter) Close() error { return p.w.Flush() }

// cellText formats a value for the table, with control characters escaped so that a logged
// string cannot move the cursor or break the line.
func cellText(v any) string {
	return escapeControl(valueText(v))
}

// valueText formats a value for the table and CSV formats.
func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return nullText
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

// escapeControl replaces invalid UTF-8 and the runes that can move the cursor, break the
// line or reorder text (control, format and line or paragraph separator characters) with Go
// escape sequences.
func escapeControl(s string) string {
	if !needsEscape(s) {
		return s
	}

	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case isUnsafeRune(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || isUnsafeRune(r) {
			return true
		}
		i += size
	}
	return false
}

func isUnsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// csvPrinter writes each result as CSV with a header row. When a run prints several
// results, each starts with a "# name: title" line and a blank line separates them.
type csvPrinter struct {
	w       *bufio.Writer
	csv     *csv.Writer
	several bool
	queries int
	record  []string
}

func (p *csvPrinter) Header(h Header) error {
	p.several = h.Queries > 1
	return nil
}

func (p *csvPrinter) Begin(q glue.Query, columns []Column) error {
	p.queries++
	if p.several {
		if p.queries > 1 {
			fmt.Fprintln(p.w)
		}
		fmt.Fprintf(p.w, "# %s: %s\n", q.Name, q.Title)
	}

	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = c.Name
	}
	return p.csv.Write(names)
}

func (p *csvPrinter) Row(values []any) error {
	p.record = p.record[:0]
	for _, v := range values {
		p.record = append(p.record, valueText(v))
	}
	return p.csv.Write(p.record)
}

func (p *csvPrinter) End() error {
	p.csv.Flush()
	return p.csv.Error()
}

func (p *csvPrinter) Close() error {
	p.csv.Flush()
	if err := p.csv.Error(); err != nil {
		return err
	}
	return p.w.Flush()
}
