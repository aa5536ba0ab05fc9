package analytics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/otlake/cloud-telemetry-lake/internal/objectkey"
)

// S3API is the part of the S3 client that DownloadStaged calls.
type S3API interface {
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, opts ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

var _ S3API = (*s3.Client)(nil)

// errBadStagedKey marks a key under parsed/ that is not a staged Parquet key.
var errBadStagedKey = errors.New("not a staged Parquet key")

// Download is the summary of one DownloadStaged call.
type Download struct {
	Objects int   // Parquet objects written
	Bytes   int64 // their total size
	Skipped int   // keys under parsed/ that are not staged Parquet keys
}

// DownloadStaged copies every staged Parquet object of bucket (parsed/date=.../source=.../
// *.parquet) into dir under the same key, so that OpenDuckDB(dir) reads them with their
// partitions. Other keys under parsed/ are skipped and logged. It returns ErrNoStagedData
// when the bucket has no staged object.
func DownloadStaged(ctx context.Context, client S3API, bucket, dir string, log *slog.Logger) (Download, error) {
	var got Download
	pages := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{
		Bucket: aws.String(bucket),
		Prefix: aws.String(objectkey.StagedPrefix),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return got, fmt.Errorf("list s3://%s/%s: %w", bucket, objectkey.StagedPrefix, err)
		}

		for _, obj := range page.Contents {
			key := aws.ToString(obj.Key)
			path, err := stagedFilePath(dir, key)
			if err != nil {
				got.Skipped++
				log.Warn("skipped object in staged bucket", "bucket", bucket, "key", key, "error", err)
				continue
			}
			n, err := downloadObject(ctx, client, bucket, key, path)
			if err != nil {
				return got, err
			}
			got.Objects++
			got.Bytes += n
		}
	}

	if got.Objects == 0 {
		return got, fmt.Errorf("download s3://%s/%s: %w", bucket, objectkey.StagedPrefix, ErrNoStagedData)
	}
	return got, nil
}

func downloadObject(ctx context.Context, client S3API, bucket, key, path string) (int64, error) {
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return 0, fmt.Errorf("get s3://%s/%s: %w", bucket, key, err)
	}
	defer out.Body.Close()

	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return 0, fmt.Errorf("create folder for %q: %w", path, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return 0, fmt.Errorf("create %q: %w", path, err)
	}
	n, err := io.Copy(f, out.Body)
	if err != nil {
		f.Close()
		return n, fmt.Errorf("download s3://%s/%s: %w", bucket, key, err)
	}
	if err := f.Close(); err != nil {
		return n, fmt.Errorf("write %q: %w", path, err)
	}
	return n, nil
}

// maxKeyBytes is S3's limit on the length of an object key (1,024 bytes of UTF-8).
const maxKeyBytes = 1024

// stagedFilePath returns where the object key goes under dir. The key must have the staged
// layout parsed/date=YYYY-MM-DD/source=NAME/FILE.parquet, so a key from the bucket can neither
// leave dir (no "..", no absolute path) nor break DuckDB's Hive partitioning.
func stagedFilePath(dir, key string) (string, error) {
	if len(key) > maxKeyBytes {
		return "", fmt.Errorf("key of %d bytes: %w", len(key), errBadStagedKey)
	}
	rest, ok := strings.CutPrefix(key, objectkey.StagedPrefix)
	if !ok {
		return "", fmt.Errorf("key %q lacks the %s prefix: %w", key, objectkey.StagedPrefix, errBadStagedKey)
	}

	segments := strings.Split(rest, "/")
	if len(segments) != 3 {
		return "", fmt.Errorf("key %q: want date=YYYY-MM-DD/source=NAME/FILE.parquet after %s: %w", key, objectkey.StagedPrefix, errBadStagedKey)
	}
	date, okDate := strings.CutPrefix(segments[0], "date=")
	source, okSource := strings.CutPrefix(segments[1], "source=")
	file := segments[2]
	if !okDate || !okSource {
		return "", fmt.Errorf("key %q: want date= then source= partitions: %w", key, errBadStagedKey)
	}
	if _, err := time.Parse(objectkey.DateLayout, date); err != nil {
		return "", fmt.Errorf("key %q: invalid date partition %q: %w", key, date, errBadStagedKey)
	}
	if !isSafeName(source) || !isSafeName(file) || !strings.HasSuffix(file, ".parquet") || strings.HasPrefix(file, ".") {
		return "", fmt.Errorf("key %q: invalid source or file name: %w", key, errBadStagedKey)
	}
	return filepath.Join(dir, "parsed", "date="+date, "source="+source, file), nil
}

// isSafeName reports whether s can be one path element on any platform and in a DuckDB
// glob: letters, digits and . _ - only, and not "." or "..".
func isSafeName(s string) bool {
	if s == "" || s == "." || s == ".." {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
		default:
			return false
		}
	}
	return true
}
