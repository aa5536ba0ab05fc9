//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/lambdafn"
)

// streamBatchSize is the aggregator's batch size, like the event source mapping's: large
// enough that one run of the harness is one batch.
const streamBatchSize = 1000

// putRaw uploads a raw object and returns the S3 event that S3 would send for it. None of
// the emulators sends bucket notifications, so the harness builds the event itself.
func putRaw(t *testing.T, ctx context.Context, key string, body []byte) string {
	t.Helper()

	_, err := h.c.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(rawBucket), Key: aws.String(key), Body: bytes.NewReader(body)})
	require.NoError(t, err)

	event := map[string]any{"Records": []any{map[string]any{
		"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": region,
		"eventName": "ObjectCreated:Put",
		"s3": map[string]any{
			"s3SchemaVersion": "1.0",
			"bucket":          map[string]any{"name": rawBucket, "arn": "arn:aws:s3:::" + rawBucket},
			"object":          map[string]any{"key": url.QueryEscape(key), "size": len(body)},
		},
	}}}
	data, err := json.Marshal(event)
	require.NoError(t, err)
	return string(data)
}

// snsWrap returns body as SNS delivers it to a queue without raw message delivery.
func snsWrap(t *testing.T, body string) string {
	t.Helper()

	data, err := json.Marshal(map[string]any{
		"Type": "Notification", "MessageId": "harness", "TopicArn": "arn:aws:sns:" + region + ":" + account + ":ot-raw-events",
		"Subject": "Amazon S3 Notification", "Message": body,
	})
	require.NoError(t, err)
	return string(data)
}

func sendMessages(t *testing.T, ctx context.Context, queueURL string, bodies []string) {
	t.Helper()

	for _, b := range bodies {
		_, err := h.c.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(queueURL), MessageBody: aws.String(b)})
		require.NoError(t, err)
	}
}

// receiveAll receives every visible message of a queue; deleteAfter removes them.
func receiveAll(t *testing.T, ctx context.Context, queueURL string, deleteAfter bool) []sqstypes.Message {
	t.Helper()

	var all []sqstypes.Message
	for {
		out, err := h.c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(queueURL), MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 60,
		})
		require.NoError(t, err)
		if len(out.Messages) == 0 {
			return all
		}
		all = append(all, out.Messages...)
		if deleteAfter {
			for _, m := range out.Messages {
				_, err := h.c.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(queueURL), ReceiptHandle: m.ReceiptHandle})
				require.NoError(t, err)
			}
		}
	}
}

// drainIngest does the work of the SQS event source mapping. It receives up to 10 messages,
// invokes the parser and deletes the messages that succeeded. Failed messages move to the
// dead-letter queue, as a redrive policy would move them after the last receive, and their
// bodies are returned.
func drainIngest(t *testing.T, ctx context.Context) (failedBodies []string) {
	t.Helper()

	for {
		out, err := h.c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(h.res.ingestURL), MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 120,
		})
		require.NoError(t, err)
		if len(out.Messages) == 0 {
			return failedBodies
		}

		var ev events.SQSEvent
		for _, m := range out.Messages {
			ev.Records = append(ev.Records, events.SQSMessage{
				MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle),
				Body: aws.ToString(m.Body), EventSource: "aws:sqs", AWSRegion: region,
				EventSourceARN: "arn:aws:sqs:" + region + ":" + account + ":ot-telemetry-ingest",
			})
		}
		var resp events.SQSEventResponse
		require.NoError(t, h.parser.invoke(ctx, ev, &resp))

		failed := map[string]bool{}
		for _, f := range resp.BatchItemFailures {
			failed[f.ItemIdentifier] = true
		}
		for _, m := range out.Messages {
			if failed[aws.ToString(m.MessageId)] {
				failedBodies = append(failedBodies, aws.ToString(m.Body))
				sendMessages(t, ctx, h.res.dlqURL, []string{aws.ToString(m.Body)})
			}
			_, err := h.c.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(h.res.ingestURL), ReceiptHandle: m.ReceiptHandle})
			require.NoError(t, err)
		}
	}
}

// readStream returns every record of the table's stream, oldest first.
func readStream(t *testing.T, ctx context.Context) []streamtypes.Record {
	t.Helper()

	desc, err := h.c.streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(h.res.streamARN)})
	require.NoError(t, err)
	var records []streamtypes.Record
	for _, shard := range desc.StreamDescription.Shards {
		it, err := h.c.streams.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{
			StreamArn: aws.String(h.res.streamARN), ShardId: shard.ShardId, ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon,
		})
		require.NoError(t, err)
		iterator := it.ShardIterator
		for iterator != nil {
			out, err := h.c.streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iterator})
			require.NoError(t, err)
			if len(out.Records) == 0 {
				break
			}
			records = append(records, out.Records...)
			iterator = out.NextShardIterator
		}
	}
	return records
}

// streamEvent builds the aggregator's event from stream records read through the API.
func streamEvent(t *testing.T, records []streamtypes.Record) lambdafn.StreamEvent {
	t.Helper()

	var ev lambdafn.StreamEvent
	for _, r := range records {
		var rec lambdafn.StreamRecord
		rec.EventID = aws.ToString(r.EventID)
		rec.EventName = string(r.EventName)
		rec.DynamoDB.SequenceNumber = aws.ToString(r.Dynamodb.SequenceNumber)
		var err error
		rec.DynamoDB.NewImage, err = lambdafn.ImageFromItem(toItem(r.Dynamodb.NewImage))
		require.NoError(t, err)
		rec.DynamoDB.OldImage, err = lambdafn.ImageFromItem(toItem(r.Dynamodb.OldImage))
		require.NoError(t, err)
		ev.Records = append(ev.Records, rec)
	}
	return ev
}

// toItem converts a streams API image into the DynamoDB API's attribute types.
func toItem(img map[string]streamtypes.AttributeValue) map[string]ddbtypes.AttributeValue {
	if img == nil {
		return nil
	}
	item := make(map[string]ddbtypes.AttributeValue, len(img))
	for k, v := range img {
		item[k] = toAttribute(v)
	}
	return item
}

func toAttribute(av streamtypes.AttributeValue) ddbtypes.AttributeValue {
	switch v := av.(type) {
	case *streamtypes.AttributeValueMemberS:
		return &ddbtypes.AttributeValueMemberS{Value: v.Value}
	case *streamtypes.AttributeValueMemberN:
		return &ddbtypes.AttributeValueMemberN{Value: v.Value}
	case *streamtypes.AttributeValueMemberBOOL:
		return &ddbtypes.AttributeValueMemberBOOL{Value: v.Value}
	case *streamtypes.AttributeValueMemberNULL:
		return &ddbtypes.AttributeValueMemberNULL{Value: v.Value}
	case *streamtypes.AttributeValueMemberB:
		return &ddbtypes.AttributeValueMemberB{Value: v.Value}
	case *streamtypes.AttributeValueMemberSS:
		return &ddbtypes.AttributeValueMemberSS{Value: v.Value}
	case *streamtypes.AttributeValueMemberNS:
		return &ddbtypes.AttributeValueMemberNS{Value: v.Value}
	case *streamtypes.AttributeValueMemberBS:
		return &ddbtypes.AttributeValueMemberBS{Value: v.Value}
	case *streamtypes.AttributeValueMemberL:
		list := make([]ddbtypes.AttributeValue, len(v.Value))
		for i, e := range v.Value {
			list[i] = toAttribute(e)
		}
		return &ddbtypes.AttributeValueMemberL{Value: list}
	case *streamtypes.AttributeValueMemberM:
		return &ddbtypes.AttributeValueMemberM{Value: toItem(v.Value)}
	}
	panic(fmt.Sprintf("toAttribute: unsupported attribute type %T", av))
}

// invokeAggregator sends the records in batches of streamBatchSize and returns the batch
// item failures.
func invokeAggregator(t *testing.T, ctx context.Context, ev lambdafn.StreamEvent) []string {
	t.Helper()

	var failures []string
	for start := 0; start < len(ev.Records); start += streamBatchSize {
		batch := lambdafn.StreamEvent{Records: ev.Records[start:min(start+streamBatchSize, len(ev.Records))]}
		var resp events.DynamoDBEventResponse
		require.NoError(t, h.aggregator.invoke(ctx, batch, &resp))
		for _, f := range resp.BatchItemFailures {
			failures = append(failures, f.ItemIdentifier)
		}
	}
	return failures
}

// listKeys returns the keys of bucket under prefix.
func listKeys(t *testing.T, ctx context.Context, bucket, prefix string) []string {
	t.Helper()

	var keys []string
	p := s3.NewListObjectsV2Paginator(h.c.s3, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		require.NoError(t, err)
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys
}

func getObject(t *testing.T, ctx context.Context, bucket, key string) []byte {
	t.Helper()

	out, err := h.c.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	require.NoError(t, err)
	defer out.Body.Close()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(out.Body)
	require.NoError(t, err)
	return buf.Bytes()
}

// logLines returns the JSON log lines of a function's output whose msg is msg.
func logLines(name, msg string) []map[string]any {
	var out []map[string]any
	for _, line := range strings.Split(h.env.output(name), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}
