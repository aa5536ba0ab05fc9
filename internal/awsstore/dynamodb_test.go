package awsstore

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
)

// throttlingDynamoDB is the BatchWriteItem seam: each call leaves the first unprocessed[i]
// requests of call i unprocessed, as a throttled table does.
type throttlingDynamoDB struct {
	DynamoDBAPI
	unprocessed []int
	calls       []int // request count per call
	err         error
}

func (f *throttlingDynamoDB) BatchWriteItem(_ context.Context, in *dynamodb.BatchWriteItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	if f.err != nil {
		return nil, f.err
	}
	var reqs []types.WriteRequest
	for _, r := range in.RequestItems {
		reqs = r
	}
	call := len(f.calls)
	f.calls = append(f.calls, len(reqs))

	out := &dynamodb.BatchWriteItemOutput{}
	if call < len(f.unprocessed) && f.unprocessed[call] > 0 {
		out.UnprocessedItems = map[string][]types.WriteRequest{"ot_detections": reqs[:min(f.unprocessed[call], len(reqs))]}
	}
	return out, nil
}

func manyDetections(n int) []detection.Detection {
	base := detection.Detection{Rule: "CROSS_ZONE_VIOLATION", Severity: "HIGH", Host: "192.0.2.10",
		DetectedAt: time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)}
	dets := make([]detection.Detection, n)
	for i := range dets {
		dets[i] = base
		dets[i].DetectionID = fmt.Sprintf("d-%03d", i)
	}
	return dets
}

func TestDetectionsPutBatches(t *testing.T) {
	tests := []struct {
		name        string
		count       int
		unprocessed []int
		maxAttempts int
		wantCalls   []int
		wantErr     error
		wantSleeps  int
	}{
		{name: "one chunk", count: 3, wantCalls: []int{3}},
		{name: "chunks of 25", count: 60, wantCalls: []int{25, 25, 10}},
		{name: "unprocessed retried", count: 25, unprocessed: []int{10, 4}, wantCalls: []int{25, 10, 4}, wantSleeps: 2},
		{name: "unprocessed after last attempt", count: 5, unprocessed: []int{5, 5, 5}, maxAttempts: 3, wantCalls: []int{5, 5, 5}, wantErr: ErrUnprocessed, wantSleeps: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := &throttlingDynamoDB{unprocessed: tt.unprocessed}
			var sleeps []time.Duration
			store := &Detections{Client: client, Table: "ot_detections", MaxAttempts: tt.maxAttempts,
				Sleep: func(_ context.Context, d time.Duration) error { sleeps = append(sleeps, d); return nil }}

			inserted, err := store.Put(context.Background(), manyDetections(tt.count))

			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
			} else {
				require.NoError(t, err)
			}
			assert.Nil(t, inserted)
			assert.Equal(t, tt.wantCalls, client.calls)
			assert.Len(t, sleeps, tt.wantSleeps)
		})
	}
}

func TestDetectionsPutCallError(t *testing.T) {
	store := &Detections{Client: &throttlingDynamoDB{err: errors.New("connection refused")}, Table: "ot_detections"}

	_, err := store.Put(context.Background(), manyDetections(1))

	require.Error(t, err)
	assert.Contains(t, err.Error(), `batch write 1 items to table "ot_detections": connection refused`)
}

func TestBackoffBounds(t *testing.T) {
	for attempt := 1; attempt <= 20; attempt++ {
		ceiling := min(defaultBaseDelay<<min(attempt-1, 16), defaultMaxDelay)
		for range 50 {
			d := backoff(attempt)
			require.GreaterOrEqual(t, d, time.Duration(0))
			require.LessOrEqual(t, d, ceiling, "attempt %d", attempt)
		}
	}
}
