package lambdafn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/awsstore"
	"github.com/otlake/cloud-telemetry-lake/internal/corpustest"
	"github.com/otlake/cloud-telemetry-lake/internal/detection"
	"github.com/otlake/cloud-telemetry-lake/internal/pipeline"
)

const testReportsBucket = "ot-telemetry-reports-000000000000"

var errInjected = errors.New("injected failure")

// failingReports fails the PutIfAbsent calls whose 1-based number is in failOn.
type failingReports struct {
	pipeline.ReportStore
	mu     sync.Mutex
	calls  int
	failOn map[int]bool
}

func (f *failingReports) PutIfAbsent(ctx context.Context, key string, body []byte) (bool, error) {
	f.mu.Lock()
	f.calls++
	fail := f.failOn[f.calls]
	f.mu.Unlock()
	if fail {
		return false, fmt.Errorf("put %q: %w", key, errInjected)
	}
	return f.ReportStore.PutIfAbsent(ctx, key, body)
}

// recordingNotifier keeps every published alert.
type recordingNotifier struct {
	mu       sync.Mutex
	subjects []string
}

func (n *recordingNotifier) Publish(_ context.Context, subject, _ string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.subjects = append(n.subjects, subject)
	return nil
}

type aggregatorFixture struct {
	handler  *AggregatorHandler
	s3       *s3.Client
	reports  *failingReports
	notifier *recordingNotifier
}

func newAggregatorFixture(t *testing.T) *aggregatorFixture {
	t.Helper()

	client := newS3(t)
	_, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(testReportsBucket)})
	require.NoError(t, err)
	reports := &failingReports{ReportStore: &awsstore.Objects{Client: client, Bucket: testReportsBucket}, failOn: map[int]bool{}}
	notifier := &recordingNotifier{}
	log, _ := logBuffer()
	fixed := time.Date(2026, 5, 21, 8, 0, 0, 0, time.UTC)
	aggregator := &pipeline.Aggregator{Reports: reports, Notifier: notifier, Now: func() time.Time { return fixed }, Log: log}
	return &aggregatorFixture{handler: &AggregatorHandler{Aggregator: aggregator, Log: log}, s3: client, reports: reports, notifier: notifier}
}

func loadDetections(t *testing.T) []detection.Detection {
	t.Helper()

	var dets []detection.Detection
	require.NoError(t, json.Unmarshal(readTestdata(t, "detections.json"), &dets))
	return dets
}

// imageOf returns d as the table stores it, in a stream record's JSON form.
func imageOf(t *testing.T, d detection.Detection) Image {
	t.Helper()

	item, err := awsstore.DetectionItem(d, 90*24*time.Hour, d.DetectedAt)
	require.NoError(t, err)
	img, err := ImageFromItem(item)
	require.NoError(t, err)
	return img
}

func streamRecord(t *testing.T, name, seq string, newDet, oldDet *detection.Detection) StreamRecord {
	t.Helper()

	var rec StreamRecord
	rec.EventID, rec.EventName = "event-"+seq, name
	rec.DynamoDB.SequenceNumber = seq
	if newDet != nil {
		rec.DynamoDB.NewImage = imageOf(t, *newDet)
	}
	if oldDet != nil {
		rec.DynamoDB.OldImage = imageOf(t, *oldDet)
	}
	return rec
}

func failedSeqs(resp events.DynamoDBEventResponse) []string {
	ids := []string{}
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}

func decodeStreamEvent(t *testing.T, data []byte) StreamEvent {
	t.Helper()

	var ev StreamEvent
	require.NoError(t, json.Unmarshal(data, &ev))
	return ev
}

func TestAggregatorHandlerCorpus(t *testing.T) {
	for _, c := range corpustest.Cases(t, "ddb-stream") {
		t.Run(c.ID, func(t *testing.T) {
			f := newAggregatorFixture(t)

			switch c.ID {
			case "ddb-remove-ttl":
				var want struct {
					Reports           int      `json:"reports"`
					Alerts            int      `json:"alerts"`
					BatchItemFailures []string `json:"batch_item_failures"`
				}
				require.NoError(t, json.Unmarshal(c.Want, &want))

				resp, err := f.handler.Handle(context.Background(), decodeStreamEvent(t, []byte(c.InputString(t))))
				require.NoError(t, err)

				assert.Len(t, listKeys(t, f.s3, testReportsBucket), want.Reports)
				assert.Len(t, f.notifier.subjects, want.Alerts)
				assert.Equal(t, want.BatchItemFailures, failedSeqs(resp))

			case "ddb-numbers-as-strings":
				var want map[string]json.Number
				dec := json.NewDecoder(strings.NewReader(string(c.Want)))
				dec.UseNumber()
				var raw map[string]any
				require.NoError(t, dec.Decode(&raw))
				want = map[string]json.Number{}
				for k, v := range raw {
					switch v := v.(type) {
					case json.Number:
						want[k] = v
					case string:
						want[k] = json.Number(v)
					}
				}

				ev := decodeStreamEvent(t, []byte(c.InputString(t)))
				require.Len(t, ev.Records, 1)
				data, err := ImageJSON(ev.Records[0].DynamoDB.NewImage)
				require.NoError(t, err)
				dec = json.NewDecoder(strings.NewReader(string(data)))
				dec.UseNumber()
				var got map[string]any
				require.NoError(t, dec.Decode(&got))
				for k, v := range want {
					assert.Equal(t, v, got[k], "attribute %s", k)
				}

				// The item lacks detected_at, so it is skipped, not retried forever.
				resp, err := f.handler.Handle(context.Background(), ev)
				require.NoError(t, err)
				assert.Empty(t, resp.BatchItemFailures)
				assert.Empty(t, f.notifier.subjects)

			case "ddb-partial-failure-id":
				var want struct {
					ResponseJSON string `json:"response_json"`
				}
				require.NoError(t, json.Unmarshal(c.Want, &want))
				dets := loadDetections(t)
				ev := StreamEvent{Records: []StreamRecord{
					streamRecord(t, "INSERT", "100", &dets[0], nil),
					streamRecord(t, "INSERT", "200", &dets[1], nil),
					streamRecord(t, "INSERT", "300", &dets[2], nil),
				}}
				f.reports.failOn[2] = true

				resp, err := f.handler.Handle(context.Background(), ev)
				require.NoError(t, err)
				got, err := json.Marshal(resp)
				require.NoError(t, err)
				assert.JSONEq(t, want.ResponseJSON, string(got))
				assert.Len(t, f.notifier.subjects, 1)

				// Lambda retries from 200: both remaining incidents are reported once, and a
				// second retry of the same records adds nothing.
				retry := StreamEvent{Records: ev.Records[1:]}
				for range 2 {
					resp, err = f.handler.Handle(context.Background(), retry)
					require.NoError(t, err)
					assert.Empty(t, resp.BatchItemFailures)
				}
				assert.Len(t, f.notifier.subjects, 3)
				assert.Len(t, listKeys(t, f.s3, testReportsBucket), 3)

			default:
				t.Fatalf("corpus case %s has no test: add one", c.ID)
			}
		})
	}
}

func TestAggregatorHandlerEventKinds(t *testing.T) {
	dets := loadDetections(t)
	escalated := dets[0]
	escalated.Severity = detection.SeverityCritical
	lowered := dets[1]
	lowered.Severity = detection.SeverityLow
	invalid := dets[2]
	invalid.Severity = "SEVERE"

	tests := []struct {
		name       string
		records    func(t *testing.T) []StreamRecord
		wantAlerts int
	}{
		{"insert", func(t *testing.T) []StreamRecord {
			return []StreamRecord{streamRecord(t, "INSERT", "1", &dets[0], nil)}
		}, 1},
		{"modify with escalation", func(t *testing.T) []StreamRecord {
			return []StreamRecord{streamRecord(t, "MODIFY", "1", &escalated, &dets[0])}
		}, 1},
		{"modify without escalation", func(t *testing.T) []StreamRecord {
			return []StreamRecord{streamRecord(t, "MODIFY", "1", &lowered, &dets[1]), streamRecord(t, "MODIFY", "2", &dets[2], &dets[2])}
		}, 0},
		{"modify without old image", func(t *testing.T) []StreamRecord {
			return []StreamRecord{streamRecord(t, "MODIFY", "1", &escalated, nil)}
		}, 0},
		{"remove", func(t *testing.T) []StreamRecord {
			return []StreamRecord{streamRecord(t, "REMOVE", "1", nil, &dets[0])}
		}, 0},
		{"invalid severity skipped", func(t *testing.T) []StreamRecord {
			return []StreamRecord{streamRecord(t, "INSERT", "1", &invalid, nil), streamRecord(t, "INSERT", "2", &dets[0], nil)}
		}, 1},
		{"same correlator is one incident", func(t *testing.T) []StreamRecord {
			second := dets[0]
			second.DetectionID = "3b1d2c4e5f6a7b8c9d0e1f2a3b4c5d6e"
			return []StreamRecord{streamRecord(t, "INSERT", "1", &dets[0], nil), streamRecord(t, "INSERT", "2", &second, nil)}
		}, 1},
		{"malformed image skipped", func(t *testing.T) []StreamRecord {
			rec := streamRecord(t, "INSERT", "1", &dets[0], nil)
			rec.DynamoDB.NewImage["count"] = json.RawMessage(`{"N":"12abc"}`)
			return []StreamRecord{rec}
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newAggregatorFixture(t)

			resp, err := f.handler.Handle(context.Background(), StreamEvent{Records: tt.records(t)})
			require.NoError(t, err)

			assert.Empty(t, resp.BatchItemFailures)
			assert.Len(t, f.notifier.subjects, tt.wantAlerts)
			assert.Len(t, listKeys(t, f.s3, testReportsBucket), tt.wantAlerts)
		})
	}
}

func TestAggregatorHandlerRedelivery(t *testing.T) {
	f := newAggregatorFixture(t)
	dets := loadDetections(t)
	var records []StreamRecord
	for i := range dets {
		records = append(records, streamRecord(t, "INSERT", fmt.Sprint(100*(i+1)), &dets[i], nil))
	}

	for range 2 {
		resp, err := f.handler.Handle(context.Background(), StreamEvent{Records: records})
		require.NoError(t, err)
		assert.Empty(t, resp.BatchItemFailures)
	}

	assert.Len(t, f.notifier.subjects, 3)
	assert.Len(t, listKeys(t, f.s3, testReportsBucket), 3)
	for _, s := range f.notifier.subjects {
		assert.True(t, strings.HasPrefix(s, "["), "subject %q", s)
	}
}
