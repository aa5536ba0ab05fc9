package analytics

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/glue"
)

// fakeAthena records the requests it receives and replies from its fields. It replaces the
// service at the AthenaAPI seam, because no Athena emulator runs on this machine.
type fakeAthena struct {
	namedQueries []types.NamedQuery
	listPageSize int
	// states are the execution states GetQueryExecution returns in turn; the last repeats.
	states []types.QueryExecutionState
	reason string
	// pages are the result pages of every execution.
	pages []*types.ResultSet

	listCalls  []*athena.ListNamedQueriesInput
	batchCalls []*athena.BatchGetNamedQueryInput
	starts     []*athena.StartQueryExecutionInput
	polls      int
	resultReqs []*athena.GetQueryResultsInput
}

var _ AthenaAPI = (*fakeAthena)(nil)

func (f *fakeAthena) ListNamedQueries(_ context.Context, in *athena.ListNamedQueriesInput, _ ...func(*athena.Options)) (*athena.ListNamedQueriesOutput, error) {
	f.listCalls = append(f.listCalls, in)
	start := 0
	if in.NextToken != nil {
		fmt.Sscan(*in.NextToken, &start)
	}
	size := f.listPageSize
	if size == 0 {
		size = len(f.namedQueries)
	}
	end := min(start+size, len(f.namedQueries))
	out := &athena.ListNamedQueriesOutput{}
	for _, q := range f.namedQueries[start:end] {
		out.NamedQueryIds = append(out.NamedQueryIds, aws.ToString(q.NamedQueryId))
	}
	if end < len(f.namedQueries) {
		out.NextToken = aws.String(fmt.Sprint(end))
	}
	return out, nil
}

func (f *fakeAthena) BatchGetNamedQuery(_ context.Context, in *athena.BatchGetNamedQueryInput, _ ...func(*athena.Options)) (*athena.BatchGetNamedQueryOutput, error) {
	f.batchCalls = append(f.batchCalls, in)
	out := &athena.BatchGetNamedQueryOutput{}
	for _, id := range in.NamedQueryIds {
		for _, q := range f.namedQueries {
			if aws.ToString(q.NamedQueryId) == id {
				out.NamedQueries = append(out.NamedQueries, q)
			}
		}
	}
	return out, nil
}

func (f *fakeAthena) StartQueryExecution(_ context.Context, in *athena.StartQueryExecutionInput, _ ...func(*athena.Options)) (*athena.StartQueryExecutionOutput, error) {
	f.starts = append(f.starts, in)
	return &athena.StartQueryExecutionOutput{QueryExecutionId: aws.String(fmt.Sprintf("exec-%d", len(f.starts)))}, nil
}

func (f *fakeAthena) GetQueryExecution(_ context.Context, in *athena.GetQueryExecutionInput, _ ...func(*athena.Options)) (*athena.GetQueryExecutionOutput, error) {
	state := f.states[min(f.polls, len(f.states)-1)]
	f.polls++
	return &athena.GetQueryExecutionOutput{QueryExecution: &types.QueryExecution{
		QueryExecutionId: in.QueryExecutionId,
		Status:           &types.QueryExecutionStatus{State: state, StateChangeReason: aws.String(f.reason)},
	}}, nil
}

func (f *fakeAthena) GetQueryResults(_ context.Context, in *athena.GetQueryResultsInput, _ ...func(*athena.Options)) (*athena.GetQueryResultsOutput, error) {
	f.resultReqs = append(f.resultReqs, in)
	page := 0
	if in.NextToken != nil {
		fmt.Sscan(*in.NextToken, &page)
	}
	out := &athena.GetQueryResultsOutput{ResultSet: f.pages[page]}
	if page+1 < len(f.pages) {
		out.NextToken = aws.String(fmt.Sprint(page + 1))
	}
	return out, nil
}

// namedQueriesFor returns a named query per glue query, as the CDK app deploys them, plus
// one unrelated query.
func namedQueriesFor(queries []glue.Query) []types.NamedQuery {
	out := []types.NamedQuery{{NamedQueryId: aws.String("id-other"), Name: aws.String("someone-elses-query"), QueryString: aws.String("SELECT 1")}}
	for i, q := range queries {
		out = append(out, types.NamedQuery{
			NamedQueryId: aws.String(fmt.Sprintf("id-%d", i)),
			Name:         aws.String(q.NamedQueryName()),
			Database:     aws.String("ot_telemetry"),
			WorkGroup:    aws.String("ot-telemetry"),
			QueryString:  aws.String(q.SQL),
		})
	}
	return out
}

func textRow(cells ...*string) types.Row {
	row := types.Row{}
	for _, c := range cells {
		row.Data = append(row.Data, types.Datum{VarCharValue: c})
	}
	return row
}

func hostsMetadata() *types.ResultSetMetadata {
	return &types.ResultSetMetadata{ColumnInfo: []types.ColumnInfo{
		{Name: aws.String("host_identifier"), Type: aws.String("varchar")},
		{Name: aws.String("record_count"), Type: aws.String("bigint")},
	}}
}

func TestAthenaRunNamedQuery(t *testing.T) {
	q, ok := glue.Lookup("top_noisy_hosts")
	require.True(t, ok)
	fake := &fakeAthena{
		namedQueries: namedQueriesFor(glue.Queries()),
		listPageSize: 2,
		states:       []types.QueryExecutionState{types.QueryExecutionStateQueued, types.QueryExecutionStateRunning, types.QueryExecutionStateSucceeded},
		pages: []*types.ResultSet{
			{ResultSetMetadata: hostsMetadata(), Rows: []types.Row{
				textRow(aws.String("host_identifier"), aws.String("record_count")),
				textRow(aws.String("ot-gateway"), aws.String("500")),
			}},
			{ResultSetMetadata: hostsMetadata(), Rows: []types.Row{
				textRow(aws.String("malcolm-ndr"), aws.String("199")),
				textRow(nil, aws.String("3")),
			}},
		},
	}
	engine := &Athena{Client: fake, PollInterval: time.Millisecond}

	var out bytes.Buffer
	p, err := NewPrinter(&out, FormatCSV, 0)
	require.NoError(t, err)
	require.NoError(t, engine.Run(context.Background(), q, p))
	require.NoError(t, p.Close())

	t.Run("lists named queries of the workgroup", func(t *testing.T) {
		require.Len(t, fake.listCalls, 2, "two pages of two IDs")
		assert.Equal(t, "ot-telemetry", aws.ToString(fake.listCalls[0].WorkGroup))
		require.Len(t, fake.batchCalls, 1)
		assert.Len(t, fake.batchCalls[0].NamedQueryIds, 4)
	})
	t.Run("starts the named query's SQL", func(t *testing.T) {
		require.Len(t, fake.starts, 1)
		start := fake.starts[0]
		assert.Equal(t, q.SQL, aws.ToString(start.QueryString))
		assert.Equal(t, "ot-telemetry", aws.ToString(start.WorkGroup))
		require.NotNil(t, start.QueryExecutionContext)
		assert.Equal(t, "ot_telemetry", aws.ToString(start.QueryExecutionContext.Database))
	})
	t.Run("polls until succeeded", func(t *testing.T) {
		assert.Equal(t, 3, fake.polls)
	})
	t.Run("pages through the result", func(t *testing.T) {
		require.Len(t, fake.resultReqs, 2)
		assert.Equal(t, "exec-1", aws.ToString(fake.resultReqs[0].QueryExecutionId))
		assert.Equal(t, "host_identifier,record_count\not-gateway,500\nmalcolm-ndr,199\nNULL,3\n", out.String())
	})
}

func TestAthenaCountRows(t *testing.T) {
	fake := &fakeAthena{
		states: []types.QueryExecutionState{types.QueryExecutionStateSucceeded},
		pages: []*types.ResultSet{{
			ResultSetMetadata: &types.ResultSetMetadata{ColumnInfo: []types.ColumnInfo{{Name: aws.String("row_count"), Type: aws.String("bigint")}}},
			Rows:              []types.Row{textRow(aws.String("row_count")), textRow(aws.String("5000000"))},
		}},
	}
	engine := &Athena{Client: fake, WorkGroup: "wg", Database: "db", PollInterval: time.Millisecond}

	n, err := engine.CountRows(context.Background())
	require.NoError(t, err)
	assert.Equal(t, int64(5_000_000), n)
	require.Len(t, fake.starts, 1)
	assert.Equal(t, countSQL, aws.ToString(fake.starts[0].QueryString))
	assert.Equal(t, "wg", aws.ToString(fake.starts[0].WorkGroup))
	assert.Equal(t, "db", aws.ToString(fake.starts[0].QueryExecutionContext.Database))
	assert.Empty(t, fake.listCalls, "the count is not a named query")
}

func TestAthenaRunEmptyResult(t *testing.T) {
	q, _ := glue.Lookup("top_noisy_hosts")
	fake := &fakeAthena{
		namedQueries: namedQueriesFor(glue.Queries()),
		states:       []types.QueryExecutionState{types.QueryExecutionStateSucceeded},
		pages: []*types.ResultSet{{ResultSetMetadata: hostsMetadata(), Rows: []types.Row{
			textRow(aws.String("host_identifier"), aws.String("record_count")),
		}}},
	}
	engine := &Athena{Client: fake, PollInterval: time.Millisecond}

	var out bytes.Buffer
	p, err := NewPrinter(&out, FormatTable, 0)
	require.NoError(t, err)
	require.NoError(t, engine.Run(context.Background(), q, p))
	require.NoError(t, p.Close())

	assert.Contains(t, out.String(), "=== 1. Top noisy hosts (top_noisy_hosts) ===\n(no rows)\n")
}

func TestAthenaErrors(t *testing.T) {
	q, _ := glue.Lookup("scada_ttp_patterns")
	tests := []struct {
		name    string
		fake    *fakeAthena
		wantErr string
		wantIs  error
	}{
		{
			name:    "named query not deployed",
			fake:    &fakeAthena{namedQueries: namedQueriesFor(nil), states: []types.QueryExecutionState{types.QueryExecutionStateSucceeded}},
			wantErr: `look up "ot-scada-ttp-patterns" in workgroup "ot-telemetry"`,
			wantIs:  ErrNamedQueryNotFound,
		},
		{
			name: "query failed",
			fake: &fakeAthena{
				namedQueries: namedQueriesFor(glue.Queries()),
				states:       []types.QueryExecutionState{types.QueryExecutionStateRunning, types.QueryExecutionStateFailed},
				reason:       "TABLE_NOT_FOUND: line 12:6: Table 'awsdatacatalog.ot_telemetry.staged_telemetry' does not exist",
			},
			wantErr: "query execution \"exec-1\" FAILED: TABLE_NOT_FOUND",
		},
		{
			name: "query cancelled",
			fake: &fakeAthena{
				namedQueries: namedQueriesFor(glue.Queries()),
				states:       []types.QueryExecutionState{types.QueryExecutionStateCancelled},
			},
			wantErr: "CANCELLED",
		},
		{
			name: "invalid integer cell",
			fake: &fakeAthena{
				namedQueries: namedQueriesFor(glue.Queries()),
				states:       []types.QueryExecutionState{types.QueryExecutionStateSucceeded},
				pages: []*types.ResultSet{{ResultSetMetadata: hostsMetadata(), Rows: []types.Row{
					textRow(aws.String("host_identifier"), aws.String("record_count")),
					textRow(aws.String("ot-gateway"), aws.String("many")),
				}}},
			},
			wantErr: `row 1: column "record_count": invalid integer "many"`,
		},
		{
			name: "row with missing cells",
			fake: &fakeAthena{
				namedQueries: namedQueriesFor(glue.Queries()),
				states:       []types.QueryExecutionState{types.QueryExecutionStateSucceeded},
				pages: []*types.ResultSet{{ResultSetMetadata: hostsMetadata(), Rows: []types.Row{
					textRow(aws.String("host_identifier"), aws.String("record_count")),
					textRow(aws.String("ot-gateway")),
				}}},
			},
			wantErr: "1 cells for 2 columns",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			engine := &Athena{Client: tt.fake, PollInterval: time.Millisecond}
			p, err := NewPrinter(&bytes.Buffer{}, FormatTable, 0)
			require.NoError(t, err)

			err = engine.Run(context.Background(), q, p)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			if tt.wantIs != nil {
				assert.True(t, errors.Is(err, tt.wantIs), "errors.Is(%v, %v)", err, tt.wantIs)
			}
		})
	}
}

func TestAthenaPollingStopsOnCancel(t *testing.T) {
	q, _ := glue.Lookup("top_noisy_hosts")
	fake := &fakeAthena{namedQueries: namedQueriesFor(glue.Queries()), states: []types.QueryExecutionState{types.QueryExecutionStateRunning}}
	engine := &Athena{Client: fake, PollInterval: time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()

	err := engine.Run(ctx, q, &discardWriter{})
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Greater(t, fake.polls, 1)
	assert.Less(t, fake.polls, 50, "backoff spaces the polls out")
}

func TestParseAthenaValue(t *testing.T) {
	tests := []struct {
		name    string
		text    *string
		kind    Kind
		want    any
		wantErr bool
	}{
		{"null", nil, KindInteger, nil, false},
		{"integer", aws.String("-12"), KindInteger, int64(-12), false},
		{"float", aws.String("0.25"), KindFloat, 0.25, false},
		{"boolean", aws.String("true"), KindBool, true, false},
		{"timestamp stays text", aws.String("2026-05-20 19:20:00.896"), KindTime, "2026-05-20 19:20:00.896", false},
		{"text", aws.String("ot-gateway"), KindText, "ot-gateway", false},
		{"empty text", aws.String(""), KindText, "", false},
		{"bad integer", aws.String("1e3"), KindInteger, nil, true},
		{"bad float", aws.String("x"), KindFloat, nil, true},
		{"bad boolean", aws.String("yes"), KindBool, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseAthenaValue(tt.text, tt.kind)
			if tt.wantErr {
				require.Error(t, err)
				assert.True(t, strings.HasPrefix(err.Error(), "invalid "), err.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// discardWriter is a RowWriter that keeps nothing.
type discardWriter struct{}

func (*discardWriter) Begin(glue.Query, []Column) error { return nil }
func (*discardWriter) Row([]any) error                  { return nil }
func (*discardWriter) End() error                       { return nil }
