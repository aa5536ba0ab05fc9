package awsstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
	"github.com/otlake/cloud-telemetry-lake/internal/pipeline"
)

// MaxBatchWriteItems is the most put requests one BatchWriteItem call accepts (DynamoDB
// API reference, BatchWriteItem).
const MaxBatchWriteItems = 25

// Retry defaults for unprocessed items. DynamoDB returns them when a partition is throttled,
// and its developer guide recommends exponential backoff. Eight attempts sleep seven times
// with ceilings from 50 ms doubling up to 2 s, so at most 5.15 s in total.
const (
	DefaultMaxAttempts = 8
	defaultBaseDelay   = 50 * time.Millisecond
	defaultMaxDelay    = 2 * time.Second
)

// ErrUnprocessed is returned when items stay unprocessed after every attempt.
var ErrUnprocessed = errors.New("items still unprocessed after retries")

// DynamoDBAPI is the part of the DynamoDB client that Detections uses.
type DynamoDBAPI interface {
	BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	Scan(ctx context.Context, in *dynamodb.ScanInput, opts ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
}

// Detections is the ot_detections table.
type Detections struct {
	Client DynamoDBAPI
	Table  string
	// TTL sets the expiry attribute to detected_at plus TTL; 0 writes none.
	TTL time.Duration
	// MaxAttempts bounds the BatchWriteItem calls per chunk; 0 means DefaultMaxAttempts.
	MaxAttempts int
	// Sleep waits between attempts; nil sleeps on a timer that ctx can cancel.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now returns the time that decides whether an item gets the TTL attribute; nil means
	// time.Now.
	Now func() time.Time
}

var _ pipeline.DetectionStore = (*Detections)(nil)

// Put writes dets in chunks of MaxBatchWriteItems and retries unprocessed items with
// exponential backoff and full jitter. A put of an unchanged item changes nothing. Put
// returns nil inserted detections because the table's stream, not the write, shows which
// items are new.
func (t *Detections) Put(ctx context.Context, dets []detection.Detection) ([]detection.Detection, error) {
	now := time.Now()
	if t.Now != nil {
		now = t.Now()
	}

	for start := 0; start < len(dets); start += MaxBatchWriteItems {
		chunk := dets[start:min(start+MaxBatchWriteItems, len(dets))]
		requests := make([]types.WriteRequest, 0, len(chunk))
		for _, d := range chunk {
			item, err := DetectionItem(d, t.TTL, now)
			if err != nil {
				return nil, err
			}
			requests = append(requests, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
		}
		if err := t.write(ctx, requests); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// write sends one chunk until nothing is left unprocessed or the attempts run out.
func (t *Detections) write(ctx context.Context, requests []types.WriteRequest) error {
	maxAttempts := t.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}

	for attempt := 1; ; attempt++ {
		out, err := t.Client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
			RequestItems: map[string][]types.WriteRequest{t.Table: requests},
		})
		if err != nil {
			return fmt.Errorf("batch write %d items to table %q: %w", len(requests), t.Table, err)
		}
		requests = out.UnprocessedItems[t.Table]
		if len(requests) == 0 {
			return nil
		}
		if attempt == maxAttempts {
			return fmt.Errorf("batch write to table %q: %d %w after %d attempts", t.Table, len(requests), ErrUnprocessed, attempt)
		}
		if err := t.sleep(ctx, backoff(attempt)); err != nil {
			return fmt.Errorf("batch write to table %q: %w", t.Table, err)
		}
	}
}

// backoff returns a delay drawn uniformly from [0, min(max, base*2^(attempt-1))]: full
// jitter keeps retrying writers from hitting a throttled partition in step.
func backoff(attempt int) time.Duration {
	ceiling := defaultBaseDelay << min(attempt-1, 16)
	ceiling = min(ceiling, defaultMaxDelay)
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

func (t *Detections) sleep(ctx context.Context, d time.Duration) error {
	if t.Sleep != nil {
		return t.Sleep(ctx, d)
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// QueryIndex returns the detections whose partition attribute of index equals value, oldest
// first: severity-index takes a severity, host-index a host.
func (t *Detections) QueryIndex(ctx context.Context, index, attribute, value string) ([]detection.Detection, error) {
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(t.Table),
		IndexName:                 aws.String(index),
		KeyConditionExpression:    aws.String("#k = :v"),
		ExpressionAttributeNames:  map[string]string{"#k": attribute},
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": &types.AttributeValueMemberS{Value: value}},
		ScanIndexForward:          aws.Bool(true),
	}
	var out []detection.Detection
	for {
		page, err := t.Client.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("query index %q of table %q for %q: %w", index, t.Table, value, err)
		}
		for _, item := range page.Items {
			d, err := DetectionFromItem(item)
			if err != nil {
				return nil, fmt.Errorf("query index %q of table %q: %w", index, t.Table, err)
			}
			out = append(out, d)
		}
		if len(page.LastEvaluatedKey) == 0 {
			return out, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// Scan returns up to limit detections (all when limit is 0) in table order.
func (t *Detections) Scan(ctx context.Context, limit int) ([]detection.Detection, error) {
	in := &dynamodb.ScanInput{TableName: aws.String(t.Table)}
	var out []detection.Detection
	for {
		page, err := t.Client.Scan(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("scan table %q: %w", t.Table, err)
		}
		for _, item := range page.Items {
			d, err := DetectionFromItem(item)
			if err != nil {
				return nil, fmt.Errorf("scan table %q: %w", t.Table, err)
			}
			out = append(out, d)
			if limit > 0 && len(out) == limit {
				return out, nil
			}
		}
		if len(page.LastEvaluatedKey) == 0 {
			return out, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}
