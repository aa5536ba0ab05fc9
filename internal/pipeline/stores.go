package pipeline

import (
	"context"
	"io"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
)

// RawStore opens raw objects.
type RawStore interface {
	Open(ctx context.Context, bucket, key string) (io.ReadCloser, error)
}

// ObjectWriter writes whole objects to a bucket; a put replaces any object under the key.
type ObjectWriter interface {
	Put(ctx context.Context, key string, body []byte, contentType string) error
}

// DetectionStore writes detection items. Writing an item that already exists with the same
// content changes nothing. Put returns the detections that did not exist before when the
// store can know it (the local lake). The DynamoDB store returns nil, and the table's stream
// carries the new items instead.
type DetectionStore interface {
	Put(ctx context.Context, dets []detection.Detection) (inserted []detection.Detection, err error)
}

// ReportStore writes incident reports. Implementations write each key at most once.
type ReportStore interface {
	// PutIfAbsent writes body under key unless the key exists, and reports in created whether
	// it wrote.
	PutIfAbsent(ctx context.Context, key string, body []byte) (created bool, err error)
	// Delete removes a report, used to undo a write whose alert could not be published.
	Delete(ctx context.Context, key string) error
	// URI returns where a reader finds the object, e.g. s3://bucket/key or a file path.
	URI(key string) string
}

// Notifier publishes one alert.
type Notifier interface {
	Publish(ctx context.Context, subject, body string) error
}
