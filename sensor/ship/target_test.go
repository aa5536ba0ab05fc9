package ship

import (
	"context"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestS3TargetPutsUnderPrefix(t *testing.T) {
	// An in-process S3 implementation on a loopback port.
	backend := s3mem.New()
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	defer srv.Close()
	require.NoError(t, backend.CreateBucket("ot-telemetry-raw-000000000000"))

	client := s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	tgt := &S3Target{Client: client, Bucket: "ot-telemetry-raw-000000000000", Prefix: "lab"}
	key := "source=ot_sensor/date=2026-05-20/gw-01-20260520T192000Z-000000.json.gz"
	require.NoError(t, tgt.Put(context.Background(), key, []byte("gzip bytes")))

	out, err := client.GetObject(context.Background(), &s3.GetObjectInput{
		Bucket: aws.String("ot-telemetry-raw-000000000000"), Key: aws.String("lab/" + key),
	})
	require.NoError(t, err)
	body, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	assert.Equal(t, "gzip bytes", string(body))
	assert.Equal(t, "s3://ot-telemetry-raw-000000000000/lab", tgt.String())
}

func TestParseTarget(t *testing.T) {
	tests := []struct {
		raw     string
		want    string
		wantErr string
	}{
		{raw: "file:///var/lake/raw", want: "file:///var/lake/raw"},
		{raw: "file://", wantErr: "missing folder"},
		{raw: "s3://", wantErr: "missing bucket"},
		{raw: "ftp://x", wantErr: `unsupported scheme "ftp"`},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			tgt, err := ParseTarget(context.Background(), tt.raw)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, tgt.String())
		})
	}
}
