package ship

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Target stores finished objects. Put with a key that exists replaces the object.
type Target interface {
	Put(ctx context.Context, key string, body []byte) error
	String() string
}

// ParseTarget reads file://DIR or s3://BUCKET[/prefix].
func ParseTarget(ctx context.Context, raw string) (Target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("parse target %q: %w", raw, err)
	}
	switch u.Scheme {
	case "file":
		dir := u.Path
		if u.Host != "" && u.Host != "localhost" {
			dir = u.Host + u.Path // file://relative/dir
		}
		if dir == "" {
			return nil, fmt.Errorf("parse target %q: missing folder, want file:///path/to/lake/raw", raw)
		}
		return &FileTarget{Dir: dir}, nil
	case "s3":
		if u.Host == "" {
			return nil, fmt.Errorf("parse target %q: missing bucket, want s3://BUCKET[/prefix]", raw)
		}
		// With an emulator's endpoint in the environment, never ask the EC2 instance metadata
		// service for credentials or a region: a laptop has none and the request would leave
		// the machine.
		var opts []func(*config.LoadOptions) error
		if os.Getenv("AWS_ENDPOINT_URL") != "" || os.Getenv("AWS_ENDPOINT_URL_S3") != "" {
			opts = append(opts, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
		}
		cfg, err := config.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return nil, fmt.Errorf("load AWS configuration: %w", err)
		}
		// Path-style addressing works with LocalStack and other endpoints set through
		// AWS_ENDPOINT_URL, and AWS accepts it too.
		client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
		return &S3Target{Client: client, Bucket: u.Host, Prefix: strings.Trim(u.Path, "/")}, nil
	}
	return nil, fmt.Errorf("parse target %q: unsupported scheme %q, want file or s3", raw, u.Scheme)
}

// FileTarget writes objects as files under Dir, the raw/ folder of a local lake.
type FileTarget struct{ Dir string }

func (t *FileTarget) String() string { return "file://" + t.Dir }

// Put writes the object to a hidden temporary file and renames it into place, so that a
// watcher never reads a partial object.
func (t *FileTarget) Put(_ context.Context, key string, body []byte) error {
	dest := filepath.Join(t.Dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return fmt.Errorf("put %q: %w", dest, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dest), ".otship-*")
	if err != nil {
		return fmt.Errorf("put %q: %w", dest, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(body); err != nil {
		tmp.Close()
		return fmt.Errorf("put %q: %w", dest, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("put %q: %w", dest, err)
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		return fmt.Errorf("put %q: %w", dest, err)
	}
	return nil
}

// S3API is the part of the S3 client the target uses.
type S3API interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

// S3Target writes objects to a bucket, under Prefix when set.
type S3Target struct {
	Client S3API
	Bucket string
	Prefix string
}

func (t *S3Target) String() string { return "s3://" + path.Join(t.Bucket, t.Prefix) }

// Put uploads one object.
func (t *S3Target) Put(ctx context.Context, key string, body []byte) error {
	if t.Prefix != "" {
		key = t.Prefix + "/" + key
	}
	_, err := t.Client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:      aws.String(t.Bucket),
		Key:         aws.String(key),
		Body:        bytes.NewReader(body),
		ContentType: aws.String("application/x-ndjson"),
		// The objects are gzip files, not gzip-encoded transfers: a Content-Encoding header
		// would make some clients decompress them on download.
	})
	if err != nil {
		return fmt.Errorf("put s3://%s/%s: %w", t.Bucket, key, err)
	}
	return nil
}
