package awsstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/otlake/cloud-telemetry-lake/internal/pipeline"
)

// ErrObjectNotFound is returned by Open when the object does not exist (any more).
var ErrObjectNotFound = errors.New("object not found")

// S3API is the part of the S3 client that Objects uses.
type S3API interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	DeleteObject(ctx context.Context, in *s3.DeleteObjectInput, opts ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
}

// Objects is one S3 bucket in the roles the pipeline uses it for: the staged bucket (ObjectWriter), the
// reports bucket (ReportStore), and a reader of raw objects in any bucket (RawStore).
type Objects struct {
	Client S3API
	Bucket string
}

var (
	_ pipeline.RawStore     = (*Objects)(nil)
	_ pipeline.ObjectWriter = (*Objects)(nil)
	_ pipeline.ReportStore  = (*Objects)(nil)
)

// Open streams an object of bucket, which need not be o.Bucket. A missing object wraps
// ErrObjectNotFound.
func (o *Objects) Open(ctx context.Context, bucket, key string) (io.ReadCloser, error) {
	out, err := o.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		var noKey *types.NoSuchKey
		if errors.As(err, &noKey) || httpStatus(err) == http.StatusNotFound {
			return nil, fmt.Errorf("get object s3://%s/%s: %w: %w", bucket, key, ErrObjectNotFound, err)
		}
		return nil, fmt.Errorf("get object s3://%s/%s: %w", bucket, key, err)
	}
	return out.Body, nil
}

// Put writes body under key, replacing any object there.
func (o *Objects) Put(ctx context.Context, key string, body []byte, contentType string) error {
	_, err := o.Client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(o.Bucket),
		Key:           aws.String(key),
		Body:          bytes.NewReader(body),
		ContentLength: aws.Int64(int64(len(body))),
		ContentType:   aws.String(contentType),
	})
	if err != nil {
		return fmt.Errorf("put object s3://%s/%s: %w", o.Bucket, key, err)
	}
	return nil
}

// PutIfAbsent writes body under key with If-None-Match: *, so S3 itself decides which of
// two writers creates the object. created is false when the key already existed (HTTP 412).
// A concurrent conditional write to the same key (HTTP 409) is returned as an error, so
// the caller retries later and then finds the key present.
func (o *Objects) PutIfAbsent(ctx context.Context, key string, body []byte) (bool, error) {
	_, err := o.Client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(o.Bucket),
		Key:           aws.String(key),
		Body:          bytes.NewReader(body),
		ContentLength: aws.Int64(int64(len(body))),
		ContentType:   aws.String("application/json"),
		IfNoneMatch:   aws.String("*"),
	})
	if httpStatus(err) == http.StatusPreconditionFailed {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("put object s3://%s/%s if absent: %w", o.Bucket, key, err)
	}
	return true, nil
}

// Delete removes key; a missing key is not an error.
func (o *Objects) Delete(ctx context.Context, key string) error {
	_, err := o.Client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(key)})
	if err != nil {
		return fmt.Errorf("delete object s3://%s/%s: %w", o.Bucket, key, err)
	}
	return nil
}

// URI returns s3://<bucket>/<key>.
func (o *Objects) URI(key string) string {
	return "s3://" + o.Bucket + "/" + key
}

// httpStatus returns the HTTP status code of an SDK error, or 0.
func httpStatus(err error) int {
	var resp *awshttp.ResponseError
	if errors.As(err, &resp) {
		return resp.HTTPStatusCode()
	}
	return 0
}
