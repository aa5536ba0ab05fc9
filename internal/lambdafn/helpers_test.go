package lambdafn

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
)

const (
	testRawBucket    = "ot-telemetry-raw-000000000000"
	testStagedBucket = "ot-telemetry-staged-000000000000"
)

// newS3 serves an in-memory S3 on loopback and returns a path-style client for it, with the
// raw and staged buckets created.
func newS3(t *testing.T) *s3.Client {
	t.Helper()

	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	client := s3.New(s3.Options{
		BaseEndpoint: aws.String(srv.URL),
		Region:       "eu-central-1",
		Credentials:  aws.AnonymousCredentials{},
		UsePathStyle: true,
	})
	for _, b := range []string{testRawBucket, testStagedBucket} {
		_, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
	}
	return client
}

func putObject(t *testing.T, client *s3.Client, bucket, key string, body []byte) {
	t.Helper()

	_, err := client.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body),
	})
	require.NoError(t, err)
}

// listKeys returns every key of bucket.
func listKeys(t *testing.T, client *s3.Client, bucket string) []string {
	t.Helper()

	out, err := client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	return keys
}

func getObject(t *testing.T, client *s3.Client, bucket, key string) []byte {
	t.Helper()

	out, err := client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	require.NoError(t, err)
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	return data
}

// recordingDetections is the detection store seam: it keeps what the parser wrote.
type recordingDetections struct {
	mu   sync.Mutex
	dets []detection.Detection
}

func (r *recordingDetections) Put(_ context.Context, dets []detection.Detection) ([]detection.Detection, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.dets = append(r.dets, dets...)
	return nil, nil
}

// logBuffer returns a JSON logger at debug level that writes into the returned buffer.
func logBuffer() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), &buf
}

// readTestdataB reads a testdata file for a fuzz target or benchmark.
func readTestdataB(tb testing.TB, name string) []byte {
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// logRecords decodes every JSON log line in buf.
func logRecords(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()

	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var rec map[string]any
		require.NoError(t, json.Unmarshal(line, &rec), "log line %s", line)
		out = append(out, rec)
	}
	return out
}
