package awsstore

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newObjects serves an in-memory S3 on loopback with one bucket.
func newObjects(t *testing.T) *Objects {
	t.Helper()

	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	client := s3.New(s3.Options{
		BaseEndpoint: aws.String(srv.URL), Region: "eu-central-1",
		Credentials: aws.AnonymousCredentials{}, UsePathStyle: true,
	})
	_, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("reports")})
	require.NoError(t, err)
	return &Objects{Client: client, Bucket: "reports"}
}

func TestObjectsPutIfAbsent(t *testing.T) {
	o := newObjects(t)
	ctx := context.Background()

	created, err := o.PutIfAbsent(ctx, "incidents/a.json", []byte("first"))
	require.NoError(t, err)
	assert.True(t, created)

	created, err = o.PutIfAbsent(ctx, "incidents/a.json", []byte("second"))
	require.NoError(t, err)
	assert.False(t, created)

	body, err := o.Open(ctx, "reports", "incidents/a.json")
	require.NoError(t, err)
	data, err := io.ReadAll(body)
	require.NoError(t, err)
	body.Close()
	assert.Equal(t, "first", string(data))

	// After Delete the key can be created again, which is how a failed publish is undone.
	require.NoError(t, o.Delete(ctx, "incidents/a.json"))
	created, err = o.PutIfAbsent(ctx, "incidents/a.json", []byte("third"))
	require.NoError(t, err)
	assert.True(t, created)
}

func TestObjectsOpenMissing(t *testing.T) {
	o := newObjects(t)

	_, err := o.Open(context.Background(), "reports", "nothing/here.json")

	require.True(t, errors.Is(err, ErrObjectNotFound), "got %v", err)
	assert.Contains(t, err.Error(), "s3://reports/nothing/here.json")
}

func TestObjectsPutAndURI(t *testing.T) {
	o := newObjects(t)

	require.NoError(t, o.Put(context.Background(), "parsed/x.parquet", []byte("PAR1"), "application/vnd.apache.parquet"))
	require.NoError(t, o.Put(context.Background(), "parsed/x.parquet", []byte("PAR2"), "application/vnd.apache.parquet"))

	body, err := o.Open(context.Background(), "reports", "parsed/x.parquet")
	require.NoError(t, err)
	data, _ := io.ReadAll(body)
	body.Close()
	assert.Equal(t, "PAR2", string(data))
	assert.Equal(t, "s3://reports/parsed/x.parquet", o.URI("parsed/x.parquet"))
}
