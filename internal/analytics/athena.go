package analytics

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"

	"github.com/otlake/cloud-telemetry-lake/glue"
	"github.com/otlake/cloud-telemetry-lake/internal/names"
)

// AthenaAPI is the part of the Athena client that the Athena engine calls.
type AthenaAPI interface {
	ListNamedQueries(ctx context.Context, in *athena.ListNamedQueriesInput, opts ...func(*athena.Options)) (*athena.ListNamedQueriesOutput, error)
	BatchGetNamedQuery(ctx context.Context, in *athena.BatchGetNamedQueryInput, opts ...func(*athena.Options)) (*athena.BatchGetNamedQueryOutput, error)
	StartQueryExecution(ctx context.Context, in *athena.StartQueryExecutionInput, opts ...func(*athena.Options)) (*athena.StartQueryExecutionOutput, error)
	GetQueryExecution(ctx context.Context, in *athena.GetQueryExecutionInput, opts ...func(*athena.Options)) (*athena.GetQueryExecutionOutput, error)
	GetQueryResults(ctx context.Context, in *athena.GetQueryResultsInput, opts ...func(*athena.Options)) (*athena.GetQueryResultsOutput, error)
}

var _ AthenaAPI = (*athena.Client)(nil)

// Polling bounds of a query execution. Athena queries over this lake take seconds, so the
// first polls are quick and later ones back off to spare the API's request rate.
const (
	DefaultPollInterval = 250 * time.Millisecond
	maxPollInterval     = 5 * time.Second
	// namedQueryBatch is the most IDs BatchGetNamedQuery accepts in one call (Athena API
	// reference, BatchGetNamedQuery).
	namedQueryBatch = 50
)

// ErrNamedQueryNotFound is returned when the workgroup has no named query for a glue.Query.
var ErrNamedQueryNotFound = errors.New("named query not found")

// Athena runs the named queries that the CDK app deployed in an Athena workgroup.
type Athena struct {
	Client AthenaAPI
	// WorkGroup is the workgroup that holds the named queries and sets the result location;
	// names.AthenaWorkgroup when empty.
	WorkGroup string
	// Database is the Glue database of queries that name none; names.GlueDatabase when empty.
	Database string
	// PollInterval is the first wait between status polls; DefaultPollInterval when zero.
	PollInterval time.Duration

	named map[string]types.NamedQuery // by name, loaded on first use
}

func (a *Athena) workGroup() string {
	if a.WorkGroup != "" {
		return a.WorkGroup
	}
	return names.AthenaWorkgroup
}

func (a *Athena) database() string {
	if a.Database != "" {
		return a.Database
	}
	return names.GlueDatabase
}

// CountRows runs a count over staged_telemetry, which is not a named query.
func (a *Athena) CountRows(ctx context.Context) (int64, error) {
	id, err := a.start(ctx, countSQL, a.database())
	if err != nil {
		return 0, fmt.Errorf("count staged_telemetry rows: %w", err)
	}

	var count int64
	var parseErr error
	err = a.results(ctx, id, func(_ []Column, values []any) {
		if n, ok := values[0].(int64); ok {
			count = n
		} else {
			parseErr = fmt.Errorf("count staged_telemetry rows: unexpected value %v", values[0])
		}
	})
	if err != nil {
		return 0, fmt.Errorf("count staged_telemetry rows: %w", err)
	}
	return count, parseErr
}

// Run starts the workgroup's named query for q, waits for it and passes its result to w.
func (a *Athena) Run(ctx context.Context, q glue.Query, w RowWriter) error {
	named, err := a.namedQuery(ctx, q.NamedQueryName())
	if err != nil {
		return err
	}
	database := a.database()
	if named.Database != nil && *named.Database != "" {
		database = *named.Database
	}

	id, err := a.start(ctx, aws.ToString(named.QueryString), database)
	if err != nil {
		return fmt.Errorf("run named query %q: %w", q.NamedQueryName(), err)
	}

	begun := false
	var writeErr error
	err = a.results(ctx, id, func(columns []Column, values []any) {
		if writeErr != nil {
			return
		}
		if !begun {
			begun = true
			if writeErr = w.Begin(q, columns); writeErr != nil {
				return
			}
		}
		if values != nil {
			writeErr = w.Row(values)
		}
	})
	if err != nil {
		return fmt.Errorf("read result of named query %q: %w", q.NamedQueryName(), err)
	}
	if writeErr != nil {
		return writeErr
	}
	return w.End()
}

// Close does nothing: the SDK client holds no connection that needs closing.
func (a *Athena) Close() error { return nil }

// namedQuery returns the workgroup's named query called name, listing them all on first use.
func (a *Athena) namedQuery(ctx context.Context, name string) (types.NamedQuery, error) {
	if a.named == nil {
		if err := a.loadNamedQueries(ctx); err != nil {
			return types.NamedQuery{}, err
		}
	}
	q, ok := a.named[name]
	if !ok {
		return types.NamedQuery{}, fmt.Errorf("look up %q in workgroup %q: %w: deploy the stack with -c analytics=true", name, a.workGroup(), ErrNamedQueryNotFound)
	}
	return q, nil
}

func (a *Athena) loadNamedQueries(ctx context.Context) error {
	var ids []string
	pages := athena.NewListNamedQueriesPaginator(a.Client, &athena.ListNamedQueriesInput{WorkGroup: aws.String(a.workGroup())})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list named queries of workgroup %q: %w", a.workGroup(), err)
		}
		ids = append(ids, page.NamedQueryIds...)
	}

	a.named = map[string]types.NamedQuery{}
	for start := 0; start < len(ids); start += namedQueryBatch {
		batch := ids[start:min(start+namedQueryBatch, len(ids))]
		out, err := a.Client.BatchGetNamedQuery(ctx, &athena.BatchGetNamedQueryInput{NamedQueryIds: batch})
		if err != nil {
			return fmt.Errorf("get named queries of workgroup %q: %w", a.workGroup(), err)
		}
		for _, q := range out.NamedQueries {
			a.named[aws.ToString(q.Name)] = q
		}
	}
	return nil
}

// start starts sql in the workgroup and waits until it succeeds, returning its execution ID.
func (a *Athena) start(ctx context.Context, sql, database string) (string, error) {
	out, err := a.Client.StartQueryExecution(ctx, &athena.StartQueryExecutionInput{
		QueryString:           aws.String(sql),
		WorkGroup:             aws.String(a.workGroup()),
		QueryExecutionContext: &types.QueryExecutionContext{Database: aws.String(database)},
	})
	if err != nil {
		return "", fmt.Errorf("start query in workgroup %q: %w", a.workGroup(), err)
	}
	id := aws.ToString(out.QueryExecutionId)
	return id, a.wait(ctx, id)
}

// wait polls the execution until it ends, backing off from PollInterval to maxPollInterval.
func (a *Athena) wait(ctx context.Context, id string) error {
	interval := a.PollInterval
	if interval <= 0 {
		interval = DefaultPollInterval
	}

	for {
		out, err := a.Client.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: aws.String(id)})
		if err != nil {
			return fmt.Errorf("get query execution %q: %w", id, err)
		}
		if out.QueryExecution == nil || out.QueryExecution.Status == nil {
			return fmt.Errorf("get query execution %q: response has no status", id)
		}

		status := out.QueryExecution.Status
		switch status.State {
		case types.QueryExecutionStateSucceeded:
			return nil
		case types.QueryExecutionStateFailed, types.QueryExecutionStateCancelled:
			return fmt.Errorf("query execution %q %s: %s", id, status.State, aws.ToString(status.StateChangeReason))
		}

		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for query execution %q: %w", id, ctx.Err())
		case <-time.After(interval):
		}
		interval = min(interval*2, maxPollInterval)
	}
}

// results pages through the result of execution id. It calls fn once with nil values when
// the result has no rows, so the caller still learns the columns, and otherwise once per row.
func (a *Athena) results(ctx context.Context, id string, fn func(columns []Column, values []any)) error {
	var columns []Column
	rows := 0
	first := true

	pages := athena.NewGetQueryResultsPaginator(a.Client, &athena.GetQueryResultsInput{QueryExecutionId: aws.String(id)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("get query results %q: %w", id, err)
		}
		if page.ResultSet == nil {
			return fmt.Errorf("get query results %q: response has no result set", id)
		}
		if columns == nil {
			columns = athenaColumns(page.ResultSet.ResultSetMetadata)
		}

		data := page.ResultSet.Rows
		// The first row of a SELECT's first page holds the column names, not data.
		if first && len(data) > 0 {
			data = data[1:]
		}
		first = false

		for _, row := range data {
			values, err := athenaValues(row, columns)
			if err != nil {
				return fmt.Errorf("get query results %q row %d: %w", id, rows+1, err)
			}
			fn(columns, values)
			rows++
		}
	}
	if rows == 0 {
		fn(columns, nil)
	}
	return nil
}

func athenaColumns(md *types.ResultSetMetadata) []Column {
	if md == nil {
		return []Column{}
	}
	columns := make([]Column, len(md.ColumnInfo))
	for i, c := range md.ColumnInfo {
		columns[i] = Column{Name: aws.ToString(c.Name), Kind: kindOf(aws.ToString(c.Type))}
	}
	return columns
}

// athenaValues converts the text Athena returns for each cell by the column's kind. A cell
// without VarCharValue is NULL.
func athenaValues(row types.Row, columns []Column) ([]any, error) {
	if len(row.Data) != len(columns) {
		return nil, fmt.Errorf("%d cells for %d columns", len(row.Data), len(columns))
	}
	values := make([]any, len(columns))
	for i, d := range row.Data {
		v, err := parseAthenaValue(d.VarCharValue, columns[i].Kind)
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", columns[i].Name, err)
		}
		values[i] = v
	}
	return values, nil
}

// parseAthenaValue converts one cell's text. Times stay text: Athena prints them without a
// zone in the session's time zone, and the text is what an analyst would see in the console.
func parseAthenaValue(text *string, kind Kind) (any, error) {
	if text == nil {
		return nil, nil
	}
	s := *text
	switch kind {
	case KindInteger:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("invalid integer %q", s)
		}
		return n, nil
	case KindFloat:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("invalid number %q", s)
		}
		return f, nil
	case KindBool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, fmt.Errorf("invalid boolean %q", s)
		}
		return b, nil
	}
	return s, nil
}
