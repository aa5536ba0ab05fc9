package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
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

	"github.com/otlake/cloud-telemetry-lake/internal/fixture"
)

// demoLake builds a lake as make demo does, plus the Malcolm fixture on a second date.
func demoLake(t *testing.T) string {
	t.Helper()

	lake := t.TempDir()
	code, _, stderr := runCLI("ingest", "--lake", lake, samplesDir)
	require.Equal(t, exitOK, code, stderr)
	code, out, stderr := runCLI("fixture", "malcolm", "--lake", lake, "--date", "2026-05-21", "--count", "30")
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, out, "processed 1, unchanged 0, failed 0")
	return lake
}

func TestQueryExitStatus(t *testing.T) {
	emptyLake := t.TempDir()

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"unknown query", []string{"query", "--lake", emptyLake, "noisiest"}, exitUsage, `unknown query "noisiest": want all or one of high_severity_anomalies_over_time, top_noisy_hosts, scada_ttp_patterns`},
		{"two queries", []string{"query", "top_noisy_hosts", "scada_ttp_patterns"}, exitUsage, "one query NAME or all expected, got 2 arguments"},
		{"bad engine", []string{"query", "--engine", "spark"}, exitUsage, `invalid --engine "spark"`},
		{"bad format", []string{"query", "--lake", emptyLake, "--format", "xml"}, exitUsage, `output format "xml"`},
		{"lake and bucket", []string{"query", "--lake", emptyLake, "--bucket", "b"}, exitUsage, "--lake and --bucket are alternatives"},
		{"athena with lake", []string{"query", "--engine", "athena", "--lake", emptyLake}, exitUsage, "athena reads the Glue tables"},
		{"negative max rows", []string{"query", "--max-rows", "-1"}, exitUsage, "invalid --max-rows -1"},
		{"zero timeout", []string{"query", "--timeout", "0s"}, exitUsage, "invalid --timeout 0s"},
		{"empty lake", []string{"query", "--lake", emptyLake}, exitFailure, "no staged Parquet objects: run otlake ingest first"},
		{"help lists queries", []string{"query", "-h"}, exitOK, "scada_ttp_patterns"},
		{"flag after the name", []string{"query", "all", "--lake", emptyLake}, exitFailure, "no staged Parquet objects"},
		{"bad flag after the name", []string{"query", "all", "--nope"}, exitUsage, "flag provided but not defined: -nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(tt.args...)
			assert.Equal(t, tt.wantCode, code, "stderr: %s", stderr)
			assert.Contains(t, stderr, tt.wantStderr)
		})
	}
}

func TestQueryAllOnDemoLake(t *testing.T) {
	lake := demoLake(t)

	code, out, stderr := runCLI("query", "--lake", lake, "all")
	require.Equal(t, exitOK, code, stderr)

	assert.Contains(t, out, "Reading staged_telemetry from "+filepath.Join(lake, "staged", "parsed")+"/\n")
	assert.Contains(t, out, "Loaded 729 staged telemetry rows.\n")
	sections := strings.Split(out, "\n=== ")
	require.Len(t, sections, 4, "a header and three results")
	for i, name := range []string{"high_severity_anomalies_over_time", "top_noisy_hosts", "scada_ttp_patterns"} {
		section := sections[i+1]
		assert.Contains(t, section, "("+name+") ===")
		assert.NotContains(t, section, "(no rows)", name)
	}
	assert.Contains(t, sections[1], "2026-05-20  ot_sensor            200\n")
	assert.Contains(t, sections[2], "malcolm-ndr               229\n")
	assert.True(t, strings.HasSuffix(sections[3], "(162 rows, first 100 shown; --max-rows 0 prints all)\n"), "the table is capped at --max-rows")

	code, out, stderr = runCLI("query", "scada_ttp_patterns", "--lake", lake, "--max-rows", "0")
	require.Equal(t, exitOK, code, stderr)
	batch, err := fixture.Malcolm("2026-05-21", 30, 1)
	require.NoError(t, err)
	scada := 0
	for _, line := range batch.Lines {
		if bytes.Contains(line, []byte(`"category":"SCADA/ICS`)) {
			scada++
		}
	}
	require.Less(t, scada, 30, "the fixture mixes in other alerts")
	assert.Equal(t, scada, strings.Count(out, "OTLAKE SCADA"), "the fixture's SCADA alerts are listed, its other alerts are not")
	assert.True(t, strings.HasSuffix(out, "(162 rows)\n"))
}

func TestQueryFormats(t *testing.T) {
	lake := demoLake(t)

	t.Run("csv", func(t *testing.T) {
		code, out, stderr := runCLI("query", "--lake", lake, "--format", "csv", "top_noisy_hosts")
		require.Equal(t, exitOK, code, stderr)

		records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		require.NoError(t, err)
		assert.Equal(t, [][]string{{"host_identifier", "record_count"}, {"ot-gateway", "500"}, {"malcolm-ndr", "229"}}, records)
	})
	t.Run("json", func(t *testing.T) {
		code, out, stderr := runCLI("query", "--lake", lake, "--format", "json", "high_severity_anomalies_over_time")
		require.Equal(t, exitOK, code, stderr)

		var doc struct {
			RowsLoaded int64 `json:"rows_loaded"`
			Queries    []struct {
				Name string           `json:"name"`
				Rows []map[string]any `json:"rows"`
			} `json:"queries"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &doc))
		assert.Equal(t, int64(729), doc.RowsLoaded)
		require.Len(t, doc.Queries, 1)
		assert.Equal(t, []map[string]any{{"date": "2026-05-20", "source": "ot_sensor", "anomaly_count": float64(200)}}, doc.Queries[0].Rows)
	})
}

// fakeS3 starts an in-process S3 on 127.0.0.1, points the SDK's configuration at test
// credentials, and returns the endpoint and a client.
func fakeS3(t *testing.T, buckets ...string) (string, *s3.Client) {
	t.Helper()

	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")

	client := s3.New(s3.Options{
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	for _, b := range buckets {
		_, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
	}
	return srv.URL, client
}

func TestQueryStagedBucket(t *testing.T) {
	const bucket = "ot-telemetry-staged-000000000000"
	lake := demoLake(t)
	endpoint, client := fakeS3(t, bucket)

	// Upload the lake's staged folder as the parser Lambda would have written it.
	staged := filepath.Join(lake, "staged")
	err := filepath.WalkDir(staged, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(staged, path)
		if err != nil {
			return err
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		_, err = client.PutObject(context.Background(), &s3.PutObjectInput{
			Bucket: aws.String(bucket), Key: aws.String(filepath.ToSlash(rel)), Body: bytes.NewReader(body),
		})
		return err
	})
	require.NoError(t, err)

	code, fromBucket, stderr := runCLI("query", "--bucket", bucket, "--endpoint-url", endpoint, "--max-rows", "0")
	require.Equal(t, exitOK, code, stderr)
	code, fromLake, stderr := runCLI("query", "--lake", lake, "--max-rows", "0")
	require.Equal(t, exitOK, code, stderr)

	assert.Contains(t, fromBucket, "Reading staged_telemetry from s3://"+bucket+"/parsed/ at "+endpoint+"\n")
	_, bucketResults, _ := strings.Cut(fromBucket, "\n=== ")
	_, lakeResults, _ := strings.Cut(fromLake, "\n=== ")
	assert.Equal(t, lakeResults, bucketResults, "the bucket and the lake give the same results")
}

func TestFixtureMalcolmBucket(t *testing.T) {
	const bucket = "ot-telemetry-raw-000000000000"
	endpoint, client := fakeS3(t, bucket)

	code, out, stderr := runCLI("fixture", "malcolm", "--bucket", bucket, "--endpoint-url", endpoint, "--date", "2026-05-22", "--count", "5")
	require.Equal(t, exitOK, code, stderr)

	key := "source=malcolm/date=2026-05-22/malcolm-ndr-20260522T080000Z-0000.json.gz"
	assert.Contains(t, out, "5 EVE alerts put to s3://"+bucket+"/"+key)
	obj, err := client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)},
		func(o *s3.Options) { o.DisableLogOutputChecksumValidationSkipped = true })
	require.NoError(t, err)
	defer obj.Body.Close()
	zr, err := gzip.NewReader(obj.Body)
	require.NoError(t, err)
	plain, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.Equal(t, 5, strings.Count(string(plain), "\n"))
	assert.Contains(t, string(plain), `"synthetic":["true"]`)
}

func TestFixtureExitStatus(t *testing.T) {
	lake := t.TempDir()

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"no fixture", []string{"fixture"}, exitUsage, "no fixture named: want malcolm"},
		{"unknown fixture", []string{"fixture", "zeek"}, exitUsage, `unknown fixture "zeek"`},
		{"bad date", []string{"fixture", "malcolm", "--lake", lake, "--date", "May 20"}, exitUsage, `invalid date "May 20"`},
		{"bad count", []string{"fixture", "malcolm", "--lake", lake, "--count", "0"}, exitUsage, "invalid count 0"},
		{"lake and bucket", []string{"fixture", "malcolm", "--lake", lake, "--bucket", "b"}, exitUsage, "--lake and --bucket are alternatives"},
		{"extra argument", []string{"fixture", "malcolm", "--lake", lake, "now"}, exitUsage, `unexpected argument "now"`},
		{"help says synthetic", []string{"fixture", "malcolm", "-h"}, exitOK, "SYNTHETIC Suricata EVE alerts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(tt.args...)
			assert.Equal(t, tt.wantCode, code, "stderr: %s", stderr)
			assert.Contains(t, stderr, tt.wantStderr)
		})
	}
}

func TestFixtureMalcolmTwiceIsUnchanged(t *testing.T) {
	lake := t.TempDir()
	args := []string{"fixture", "malcolm", "--lake", lake, "--date", "2026-05-21", "--count", "10"}

	code, out, stderr := runCLI(args...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "processed 1, unchanged 0, failed 0")
	assert.Contains(t, out, "malcolm  eve  10")

	code, out, stderr = runCLI(args...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "processed 0, unchanged 1, failed 0", "the same seed writes the same object")
}
