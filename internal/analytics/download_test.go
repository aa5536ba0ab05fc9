package analytics

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testBucket = "ot-telemetry-staged-000000000000"

// newFakeS3 starts an in-process S3 on 127.0.0.1 with one empty bucket and returns a client.
func newFakeS3(t *testing.T) *s3.Client {
	t.Helper()

	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	client := s3.New(s3.Options{
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	_, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(testBucket)})
	require.NoError(t, err)
	return client
}

func putObject(t *testing.T, client *s3.Client, key string, body []byte) {
	t.Helper()

	_, err := client.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(testBucket), Key: aws.String(key), Body: bytes.NewReader(body),
	})
	require.NoError(t, err)
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestDownloadStaged(t *testing.T) {
	client := newFakeS3(t)
	good := map[string]string{
		"parsed/date=2026-05-20/source=ot_sensor/0d4b5b9e.parquet": "PAR1 sensor",
		"parsed/date=2026-05-21/source=malcolm/f19eaef6.parquet":   "PAR1 malcolm",
	}
	for key, body := range good {
		putObject(t, client, key, []byte(body))
	}
	skipped := []string{
		"parsed/date=2026-05-20/source=ot_sensor/notes.txt",
		"parsed/date=yesterday/source=ot_sensor/a.parquet",
		"parsed/a.parquet",
		"errors/date=2026-05-20/source=iptables/86ea.ndjson",
	}
	for _, key := range skipped {
		putObject(t, client, key, []byte("x"))
	}

	dir := t.TempDir()
	got, err := DownloadStaged(context.Background(), client, testBucket, dir, discardLogger())
	require.NoError(t, err)

	assert.Equal(t, 2, got.Objects)
	assert.Equal(t, int64(len("PAR1 sensor")+len("PAR1 malcolm")), got.Bytes)
	assert.Equal(t, 3, got.Skipped, "keys under parsed/ without the staged layout")
	for key, body := range good {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(key)))
		require.NoError(t, err, key)
		assert.Equal(t, body, string(data))
	}
	_, err = os.Stat(filepath.Join(dir, "errors"))
	assert.True(t, os.IsNotExist(err), "quarantine objects are not downloaded")
}

func TestDownloadStagedEmptyBucket(t *testing.T) {
	client := newFakeS3(t)

	_, err := DownloadStaged(context.Background(), client, testBucket, t.TempDir(), discardLogger())
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrNoStagedData)
	assert.Contains(t, err.Error(), "s3://"+testBucket+"/parsed/")
}

func TestDownloadStagedMissingBucket(t *testing.T) {
	client := newFakeS3(t)

	_, err := DownloadStaged(context.Background(), client, "no-such-bucket", t.TempDir(), discardLogger())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "list s3://no-such-bucket/parsed/")
}

func TestStagedFilePath(t *testing.T) {
	dir := filepath.Join("tmp", "download")
	tests := []struct {
		name string
		key  string
		want string // empty when the key is rejected
	}{
		{"staged key", "parsed/date=2026-05-20/source=ot_sensor/0d4b.parquet", filepath.Join(dir, "parsed", "date=2026-05-20", "source=ot_sensor", "0d4b.parquet")},
		{"part file", "parsed/date=2026-05-20/source=malcolm/0d4b-0001.parquet", filepath.Join(dir, "parsed", "date=2026-05-20", "source=malcolm", "0d4b-0001.parquet")},
		{"parent segment", "parsed/date=2026-05-20/source=../x.parquet", ""},
		{"dot dot file", "parsed/date=2026-05-20/source=a/...parquet", ""},
		{"hidden file", "parsed/date=2026-05-20/source=a/.tmp.parquet", ""},
		{"absolute after prefix", "parsed//etc/passwd.parquet", ""},
		{"backslash", "parsed/date=2026-05-20/source=a\\..\\b/x.parquet", ""},
		{"extra depth", "parsed/date=2026-05-20/source=a/b/x.parquet", ""},
		{"swapped partitions", "parsed/source=a/date=2026-05-20/x.parquet", ""},
		{"invalid date", "parsed/date=2026-13-40/source=a/x.parquet", ""},
		{"empty source", "parsed/date=2026-05-20/source=/x.parquet", ""},
		{"not parquet", "parsed/date=2026-05-20/source=a/x.json", ""},
		{"other prefix", "errors/date=2026-05-20/source=a/x.parquet", ""},
		{"glob characters", "parsed/date=2026-05-20/source=a*/x.parquet", ""},
		{"too long", "parsed/date=2026-05-20/source=a/" + strings.Repeat("x", maxKeyBytes) + ".parquet", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := stagedFilePath(dir, tt.key)
			if tt.want == "" {
				require.Error(t, err)
				assert.ErrorIs(t, err, errBadStagedKey)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
