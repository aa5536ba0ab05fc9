//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/klauspost/compress/gzip"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/awsstore"
	"github.com/otlake/cloud-telemetry-lake/internal/detection"
	"github.com/otlake/cloud-telemetry-lake/internal/incident"
	"github.com/otlake/cloud-telemetry-lake/internal/names"
	"github.com/otlake/cloud-telemetry-lake/internal/objectkey"
	"github.com/otlake/cloud-telemetry-lake/internal/pipeline"
	"github.com/otlake/cloud-telemetry-lake/internal/rawobject"
	"github.com/otlake/cloud-telemetry-lake/internal/staging"
)

// rawObject is one object the test uploads.
type rawObject struct {
	key        string
	body       []byte
	snsWrapped bool
	wantFail   string // the error the parser must log, empty when the object must succeed
}

func readSample(t *testing.T, rel string) []byte {
	t.Helper()

	data, err := os.ReadFile(filepath.Join(h.env.root, "samples", rel))
	require.NoError(t, err)
	return data
}

func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()

	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	require.NoError(t, err)
	_, err = zw.Write(data)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// rawObjects are the inputs: the three sample sources (one with a bad line, one gzip under a
// .json key, one key with a space), a gzip bomb, a corrupt gzip and an empty object.
func rawObjects(t *testing.T) []rawObject {
	t.Helper()

	alerts := append(readSample(t, "ot_sensor/alerts.ndjson"), []byte("{\"timestamp\":\"2026-05-20T19:30:00Z\",\n")...)
	bomb := gzipped(t, make([]byte, 4*harnessMaxObjectBytes))
	corrupt := gzipped(t, alerts)
	corrupt = append(corrupt[:20:20], bytes.Repeat([]byte{0xff}, 64)...)
	return []rawObject{
		{key: "source=ot_sensor/date=2026-05-20/ot-gateway-20260520T192000Z-000001.json.gz", body: gzipped(t, alerts), snsWrapped: true},
		{key: "source=iptables/date=2026-05-20/ot gateway-20260520T192000Z-000001.log", body: readSample(t, "iptables/firewall.log")},
		{key: "source=malcolm/date=2026-05-20/malcolm-20260520T192000Z-000001.json", body: readSample(t, "malcolm/eve.json.gz")},
		{key: "source=ot_sensor/date=2026-05-20/bomb-000001.json.gz", body: bomb, wantFail: rawobject.ErrTooLarge.Error()},
		{key: "source=ot_sensor/date=2026-05-20/corrupt-000001.json.gz", body: corrupt, wantFail: rawobject.ErrCorruptGzip.Error()},
		{key: "source=ot_sensor/date=2026-05-20/empty-000001.json", body: nil},
	}
}

// memoryStores run the pipeline in-process to compute what the Lambdas must produce.
type memoryStores struct {
	objects    map[string][]byte
	written    map[string][]byte
	detections []detection.Detection
}

func (m *memoryStores) Open(_ context.Context, _, key string) (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(m.objects[key])), nil
}

func (m *memoryStores) Put(_ context.Context, key string, body []byte, _ string) error {
	m.written[key] = body
	return nil
}

type memoryDetections struct{ m *memoryStores }

func (d memoryDetections) Put(_ context.Context, dets []detection.Detection) ([]detection.Detection, error) {
	d.m.detections = append(d.m.detections, dets...)
	return nil, nil
}

// expected holds what the good objects must produce.
type expected struct {
	detections  map[string]detection.Detection
	rows        int
	stagedKeys  []string
	quarantined []string
	correlators map[string]bool
}

func expectedOutputs(t *testing.T, objects []rawObject) expected {
	t.Helper()

	m := &memoryStores{objects: map[string][]byte{}, written: map[string][]byte{}}
	p := &pipeline.Parser{Raw: m, Staged: m, Detections: memoryDetections{m},
		Limits: rawobject.Limits{MaxDecompressed: harnessMaxObjectBytes},
		Log:    slog.New(slog.NewTextHandler(io.Discard, nil))}
	want := expected{detections: map[string]detection.Detection{}, correlators: map[string]bool{}}
	for _, o := range objects {
		if o.wantFail != "" {
			continue
		}
		m.objects[o.key] = o.body
		res, err := p.Process(context.Background(), rawBucket, o.key)
		require.NoError(t, err)
		want.rows += res.Records
		if res.StagedKey != "" {
			want.stagedKeys = append(want.stagedKeys, res.StagedKey)
		}
		if res.QuarantineKey != "" {
			want.quarantined = append(want.quarantined, res.QuarantineKey)
		}
	}
	for _, d := range m.detections {
		want.detections[d.DetectionID] = d
		want.correlators[d.IncidentCorrelator] = true
	}
	sort.Strings(want.stagedKeys)
	sort.Strings(want.quarantined)
	return want
}

// runVerify runs otlake verify against the emulators and returns its output and exit code.
func runVerify(t *testing.T, ctx context.Context) (string, int) {
	t.Helper()

	cmd := exec.CommandContext(ctx, h.env.otlake, "verify", "--account", account, "--s3-path-style", "--wait", "0s")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if exitErr, ok := err.(*exec.ExitError); ok {
		code = exitErr.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return out.String(), code
}

func TestPipelineEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	objects := rawObjects(t)
	want := expectedOutputs(t, objects)
	require.NotEmpty(t, want.detections)
	require.NotEmpty(t, want.quarantined)

	// Before any data every stage is empty, which verify reports with a non-zero exit.
	out, code := runVerify(t, ctx)
	assert.Equal(t, 1, code, "verify on empty stages:\n%s", out)
	assert.Regexp(t, `(?m)^\s+detections\s+EMPTY\s+0`, out)
	assert.Contains(t, out, "pipeline stages without data: detections, staged, reports, notifications")

	// Upload, then deliver every message twice, with a test event and a deletion among them.
	var bodies []string
	for _, o := range objects {
		body := putRaw(t, ctx, o.key, o.body)
		if o.snsWrapped {
			body = snsWrap(t, body)
		}
		bodies = append(bodies, body)
	}
	bodies = append(bodies,
		`{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-05-20T00:00:00.000Z","Bucket":"`+rawBucket+`"}`,
		`{"Records":[{"eventName":"ObjectRemoved:Delete","s3":{"bucket":{"name":"`+rawBucket+`"},"object":{"key":"source%3Dot_sensor/old.json"}}}]}`,
	)
	sendMessages(t, ctx, h.res.ingestURL, bodies)
	sendMessages(t, ctx, h.res.ingestURL, bodies)

	failed := drainIngest(t, ctx)

	// The bomb and the corrupt gzip fail alone, twice each, with a logged reason.
	assert.Len(t, failed, 4)
	failures := map[string][]string{}
	for _, rec := range logLines(names.ParserFunction, "object failed") {
		assert.Equal(t, rawBucket, rec["bucket"])
		key, _ := rec["key"].(string)
		failures[key] = append(failures[key], rec["err"].(string))
	}
	for _, o := range objects {
		if o.wantFail == "" {
			assert.Empty(t, failures[o.key], "object %s", o.key)
			continue
		}
		require.Len(t, failures[o.key], 2, "object %s", o.key)
		assert.Contains(t, failures[o.key][0], o.wantFail)
	}
	assert.Len(t, receiveAll(t, ctx, h.res.dlqURL, true), 4)
	summaries := logLines(names.ParserFunction, "batch processed")
	require.NotEmpty(t, summaries)
	for _, s := range summaries {
		assert.NotEmpty(t, s["request_id"], "summary line %v", s)
	}

	// Stream: one INSERT per distinct detection; rewriting identical items adds nothing.
	records := readStream(t, ctx)
	kinds := map[string]int{}
	for _, r := range records {
		kinds[string(r.EventName)]++
	}
	assert.Equal(t, len(want.detections), kinds["INSERT"], "stream records by kind: %v", kinds)
	assert.Zero(t, kinds["MODIFY"], "stream records by kind: %v", kinds)

	// The aggregator gets the stream twice, as after a retried batch.
	ev := streamEvent(t, records)
	assert.Empty(t, invokeAggregator(t, ctx, ev))
	assert.Empty(t, invokeAggregator(t, ctx, ev))

	// verify reads the notifications queue before the checks below hide its messages.
	out, code = runVerify(t, ctx)
	assert.Equal(t, 0, code, "verify after the pipeline ran:\n%s", out)
	for _, stage := range []string{"detections", "staged", "reports", "notifications"} {
		assert.Regexp(t, `(?m)^\s+`+stage+`\s+ok\s+[1-9]`, out)
	}

	t.Run("detections table", func(t *testing.T) { checkDetections(t, ctx, want) })
	t.Run("staged objects", func(t *testing.T) { checkStaged(t, ctx, want) })
	reports := map[string]incident.Report{}
	t.Run("reports", func(t *testing.T) { reports = checkReports(t, ctx, want) })
	t.Run("notifications", func(t *testing.T) { checkNotifications(t, ctx, reports) })

}

func checkDetections(t *testing.T, ctx context.Context, want expected) {
	store := &awsstore.Detections{Client: h.c.ddb, Table: names.DetectionsTable}
	all, err := store.Scan(ctx, 0)
	require.NoError(t, err)
	got := map[string]detection.Detection{}
	for _, d := range all {
		got[d.DetectionID] = d
	}
	require.Len(t, got, len(want.detections))
	for id, d := range want.detections {
		assert.Equal(t, d, got[id], "detection %s", id)
	}

	// Both GSIs return every matching detection, oldest first.
	bySeverity, byHost := map[string]int{}, map[string]int{}
	for _, d := range want.detections {
		bySeverity[d.Severity]++
		byHost[d.Host]++
	}
	for severity, n := range bySeverity {
		dets, err := store.QueryIndex(ctx, names.SeverityIndex, "severity", severity)
		require.NoError(t, err)
		assert.Len(t, dets, n, "severity %s", severity)
		assert.True(t, sort.SliceIsSorted(dets, func(i, j int) bool { return dets[i].DetectedAt.Before(dets[j].DetectedAt) }))
	}
	for host, n := range byHost {
		dets, err := store.QueryIndex(ctx, names.HostIndex, "host", host)
		require.NoError(t, err)
		assert.Len(t, dets, n, "host %s", host)
	}
}

func checkStaged(t *testing.T, ctx context.Context, want expected) {
	staged := listKeys(t, ctx, stagedBucket, objectkey.StagedPrefix)
	sort.Strings(staged)
	assert.Equal(t, want.stagedKeys, staged)
	rows := 0
	for _, key := range staged {
		decoded, err := staging.Decode(getObject(t, ctx, stagedBucket, key))
		require.NoError(t, err, "staged object %s", key)
		rows += len(decoded)
	}
	assert.Equal(t, want.rows, rows)

	quarantined := listKeys(t, ctx, stagedBucket, objectkey.QuarantinePrefix)
	sort.Strings(quarantined)
	assert.Equal(t, want.quarantined, quarantined)
	found := false
	for _, key := range quarantined {
		for _, line := range strings.Split(strings.TrimSpace(string(getObject(t, ctx, stagedBucket, key))), "\n") {
			var bad pipeline.BadLine
			require.NoError(t, json.Unmarshal([]byte(line), &bad))
			if strings.HasPrefix(bad.Key, "source=ot_sensor/") && bad.Line == 201 {
				found = true
			}
		}
	}
	assert.True(t, found, "the cut alert line 201 is quarantined")
}

func checkReports(t *testing.T, ctx context.Context, want expected) map[string]incident.Report {
	keys := listKeys(t, ctx, reportsBucket, objectkey.ReportPrefix)
	assert.Len(t, keys, len(want.correlators), "one report per incident correlator")

	reports := map[string]incident.Report{}
	covered := 0
	for _, key := range keys {
		var r incident.Report
		require.NoError(t, json.Unmarshal(getObject(t, ctx, reportsBucket, key), &r))
		assert.Equal(t, incident.ReportKey(r.IncidentID), key)
		covered += r.DetectionCount
		reports[incident.Subject(r)] = r
	}
	assert.Equal(t, len(want.detections), covered, "every detection is in exactly one report")
	return reports
}

func checkNotifications(t *testing.T, ctx context.Context, reports map[string]incident.Report) {
	messages := receiveAll(t, ctx, h.res.notificationsURL, false)
	assert.Len(t, messages, len(reports), "one alert per report")

	for _, m := range messages {
		var envelope struct {
			Type     string `json:"Type"`
			TopicArn string `json:"TopicArn"`
			Subject  string `json:"Subject"`
			Message  string `json:"Message"`
		}
		require.NoError(t, json.Unmarshal([]byte(aws.ToString(m.Body)), &envelope))
		assert.Equal(t, "Notification", envelope.Type)
		assert.Equal(t, h.res.topicARN, envelope.TopicArn)
		r, ok := reports[envelope.Subject]
		if assert.True(t, ok, "subject %q matches a report", envelope.Subject) {
			assert.Contains(t, envelope.Message, "s3://"+reportsBucket+"/"+incident.ReportKey(r.IncidentID))
		}
		assert.LessOrEqual(t, len(envelope.Subject), incident.MaxSubjectLength)
	}
}
