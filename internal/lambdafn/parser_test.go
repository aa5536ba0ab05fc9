package lambdafn

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/klauspost/compress/gzip"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/awsstore"
	"github.com/otlake/cloud-telemetry-lake/internal/corpustest"
	"github.com/otlake/cloud-telemetry-lake/internal/pipeline"
	"github.com/otlake/cloud-telemetry-lake/internal/rawobject"
)

// testMaxDecompressed is the decompressed-size cap of the handler under test: small, so a
// gzip bomb of a few KB goes past it.
const testMaxDecompressed = 1 << 20

type parserFixture struct {
	handler    *ParserHandler
	s3         *s3.Client
	detections *recordingDetections
	logs       *bytes.Buffer
}

func newParserFixture(t *testing.T) *parserFixture {
	t.Helper()

	client := newS3(t)
	log, logs := logBuffer()
	dets := &recordingDetections{}
	objects := &awsstore.Objects{Client: client, Bucket: testStagedBucket}
	parser := &pipeline.Parser{
		Raw: objects, Staged: objects, Detections: dets,
		Limits: rawobject.Limits{MaxDecompressed: testMaxDecompressed},
		Log:    log,
	}
	return &parserFixture{handler: &ParserHandler{Parser: parser, Log: log}, s3: client, detections: dets, logs: logs}
}

func sqsEvent(bodies ...string) events.SQSEvent {
	var ev events.SQSEvent
	for i, b := range bodies {
		ev.Records = append(ev.Records, events.SQSMessage{MessageId: fmt.Sprintf("msg-%d", i+1), Body: b})
	}
	return ev
}

// s3Body returns the S3 event of one created object, with the key form-encoded as S3 sends it.
func s3Body(key string, size *int64) string {
	object := map[string]any{"key": formEncode(key)}
	if size != nil {
		object["size"] = *size
	}
	body, _ := json.Marshal(map[string]any{"Records": []any{map[string]any{
		"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
		"s3": map[string]any{"bucket": map[string]any{"name": testRawBucket}, "object": object},
	}}})
	return string(body)
}

func formEncode(key string) string {
	r := strings.NewReplacer("=", "%3D", "+", "%2B", " ", "+")
	return r.Replace(key)
}

func failedIDs(resp events.SQSEventResponse) []string {
	ids := []string{}
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()

	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return data
}

func gzipBytes(t *testing.T, data []byte) []byte {
	t.Helper()

	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	require.NoError(t, err)
	_, err = zw.Write(data)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func TestParserHandlerCorpus(t *testing.T) {
	for _, c := range corpustest.Cases(t, "s3-events") {
		t.Run(c.ID, func(t *testing.T) {
			f := newParserFixture(t)
			var want struct {
				Bucket           string `json:"bucket"`
				Key              string `json:"key"`
				Source           string `json:"source"`
				Date             string `json:"date"`
				Acknowledged     bool   `json:"acknowledged"`
				BatchItemFailure bool   `json:"batch_item_failure"`
				Objects          *int   `json:"objects"`
			}
			require.NoError(t, json.Unmarshal(c.Want, &want))
			body := c.InputString(t)

			// The named object exists, so a created event must reach it.
			if want.Key != "" {
				putObject(t, f.s3, want.Bucket, want.Key, readTestdata(t, "alerts.ndjson"))
			}

			resp, err := f.handler.Handle(context.Background(), sqsEvent(body))
			require.NoError(t, err)

			if want.BatchItemFailure {
				assert.Equal(t, []string{"msg-1"}, failedIDs(resp))
			} else {
				assert.Empty(t, resp.BatchItemFailures)
			}
			if want.Objects != nil {
				assert.Empty(t, listKeys(t, f.s3, testStagedBucket), "no object may be processed")
			}
			if want.Key != "" {
				note, err := ParseNotification(body)
				require.NoError(t, err)
				require.Len(t, note.Created, 1)
				assert.Equal(t, want.Bucket, note.Created[0].Bucket)
				assert.Equal(t, want.Key, note.Created[0].Key)

				staged := listKeys(t, f.s3, testStagedBucket)
				prefix := fmt.Sprintf("parsed/date=%s/source=%s/", want.Date, want.Source)
				require.NotEmpty(t, staged)
				assert.True(t, strings.HasPrefix(staged[len(staged)-1], prefix) || strings.HasPrefix(staged[0], prefix),
					"staged keys %v lack prefix %s", staged, prefix)
				assert.NotEmpty(t, f.detections.dets)
			}
			if want.Acknowledged {
				assert.NotContains(t, f.logs.String(), `"level":"ERROR"`)
				assert.NotContains(t, f.logs.String(), `"level":"WARN"`)
			}
		})
	}
}

func TestParserHandlerBadObjects(t *testing.T) {
	f := newParserFixture(t)
	alerts := readTestdata(t, "alerts.ndjson")

	// gzip bomb: 4 MiB of zeros compress to about 4 KB and expand past the 1 MiB cap.
	bomb := gzipBytes(t, make([]byte, 4<<20))
	require.Less(t, len(bomb), 8<<10)
	// corrupt gzip: a valid header, then the deflate stream is cut and overwritten.
	corrupt := gzipBytes(t, alerts)
	corrupt = append(corrupt[:20:20], bytes.Repeat([]byte{0xff}, 40)...)

	objects := []struct {
		key  string
		body []byte
	}{
		{"source=ot_sensor/date=2026-05-20/bomb.json.gz", bomb},
		{"source=ot_sensor/date=2026-05-20/corrupt.json.gz", corrupt},
		{"source=ot_sensor/date=2026-05-20/empty.json", nil},
		{"source=ot_sensor/date=2026-05-20/good.json.gz", gzipBytes(t, alerts)},
	}
	var bodies []string
	for _, o := range objects {
		putObject(t, f.s3, testRawBucket, o.key, o.body)
		bodies = append(bodies, s3Body(o.key, nil))
	}

	resp, err := f.handler.Handle(context.Background(), sqsEvent(bodies...))
	require.NoError(t, err)

	assert.Equal(t, []string{"msg-1", "msg-2"}, failedIDs(resp))
	failures := map[string]string{}
	for _, rec := range logRecords(t, f.logs) {
		if rec["msg"] == "object failed" {
			assert.Equal(t, testRawBucket, rec["bucket"])
			failures[rec["key"].(string)] = rec["err"].(string)
		}
	}
	require.Len(t, failures, 2)
	assert.Contains(t, failures[objects[0].key], rawobject.ErrTooLarge.Error())
	assert.Contains(t, failures[objects[1].key], rawobject.ErrCorruptGzip.Error())

	// The good object committed: one staged object, one quarantine object, its detections.
	staged := listKeys(t, f.s3, testStagedBucket)
	assert.Len(t, staged, 2)
	assert.Len(t, f.detections.dets, 3)
}

func TestParserHandlerSkips(t *testing.T) {
	zero, known := int64(0), int64(10)
	tests := []struct {
		name       string
		key        string
		size       *int64
		put        bool
		wantStaged int
		wantFailed bool
	}{
		{name: "zero size in event", key: "source=ot_sensor/date=2026-05-20/a.json", size: &zero, put: false},
		{name: "folder key", key: "source=ot_sensor/date=2026-05-20/", size: &known, put: false},
		{name: "missing size is unknown", key: "source=ot_sensor/date=2026-05-20/b.json", put: true, wantStaged: 2},
		{name: "deleted before read", key: "source=ot_sensor/date=2026-05-20/gone.json", size: &known, put: false},
		{name: "invalid date partition", key: "source=ot_sensor/date=20-05-2026/c.json", put: true, wantFailed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newParserFixture(t)
			if tt.put {
				putObject(t, f.s3, testRawBucket, tt.key, readTestdata(t, "alerts.ndjson"))
			}

			resp, err := f.handler.Handle(context.Background(), sqsEvent(s3Body(tt.key, tt.size)))
			require.NoError(t, err)

			assert.Equal(t, tt.wantFailed, len(resp.BatchItemFailures) == 1)
			assert.Len(t, listKeys(t, f.s3, testStagedBucket), tt.wantStaged)
		})
	}
}

func TestParserHandlerDeadline(t *testing.T) {
	f := newParserFixture(t)
	f.handler.TimeReserve = time.Minute
	key := "source=ot_sensor/date=2026-05-20/late.json"
	putObject(t, f.s3, testRawBucket, key, readTestdata(t, "alerts.ndjson"))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	resp, err := f.handler.Handle(ctx, sqsEvent(s3Body(key, nil), s3Body(key, nil)))
	require.NoError(t, err)

	assert.Equal(t, []string{"msg-1", "msg-2"}, failedIDs(resp))
	assert.Empty(t, listKeys(t, f.s3, testStagedBucket), "no message may start")
	assert.Contains(t, f.logs.String(), `"deferred_messages":2`)
}

func TestParserHandlerEveryRecord(t *testing.T) {
	f := newParserFixture(t)
	keys := []string{
		"source=ot_sensor/date=2026-05-20/one.json",
		"source=ot_sensor/date=2026-05-21/two.json",
	}
	putObject(t, f.s3, testRawBucket, keys[0], readTestdata(t, "alerts.ndjson"))
	putObject(t, f.s3, testRawBucket, keys[1], bytes.ReplaceAll(readTestdata(t, "alerts.ndjson"), []byte("2026-05-20"), []byte("2026-05-21")))

	// Two records in one message, then an SNS-wrapped copy of the second with an s3: prefix.
	var records []any
	for _, k := range keys {
		records = append(records, map[string]any{
			"eventName": "ObjectCreated:Put",
			"s3":        map[string]any{"bucket": map[string]any{"name": testRawBucket}, "object": map[string]any{"key": formEncode(k)}},
		})
	}
	both, _ := json.Marshal(map[string]any{"Records": records})
	second := strings.Replace(s3Body(keys[1], nil), "ObjectCreated:Put", "s3:ObjectCreated:Copy", 1)
	wrapped, _ := json.Marshal(map[string]any{"Type": "Notification", "Message": second})

	resp, err := f.handler.Handle(context.Background(), sqsEvent(string(both), string(wrapped)))
	require.NoError(t, err)

	assert.Empty(t, resp.BatchItemFailures)
	staged := listKeys(t, f.s3, testStagedBucket)
	assert.Len(t, staged, 4, "staged and quarantine objects of two raw objects: %v", staged)
	assert.Len(t, f.detections.dets, 9, "three detections per delivery")
	assert.Contains(t, f.logs.String(), `"msg":"batch processed"`)
	assert.Contains(t, f.logs.String(), `"objects":3`)
}
