package lambdafn

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/otlake/cloud-telemetry-lake/internal/awsstore"
	"github.com/otlake/cloud-telemetry-lake/internal/detection"
)

// BenchmarkParseNotification measures reading one SNS-wrapped S3 event, the per-message
// cost of the parser function before any object is read.
func BenchmarkParseNotification(b *testing.B) {
	body := string(readTestdataB(b, "sns-wrapped-s3-event.json"))
	b.ReportAllocs()

	for b.Loop() {
		if _, err := ParseNotification(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDetectionFromImage measures decoding one stream image into a detection, the
// per-record cost of the aggregator function before the report is built.
func BenchmarkDetectionFromImage(b *testing.B) {
	var dets []detection.Detection
	if err := json.Unmarshal(readTestdataB(b, "detections.json"), &dets); err != nil {
		b.Fatal(err)
	}
	d := dets[1]
	item, err := awsstore.DetectionItem(d, 90*24*time.Hour, d.DetectedAt)
	if err != nil {
		b.Fatal(err)
	}
	img, err := ImageFromItem(item)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()

	for b.Loop() {
		if _, err := DetectionFromImage(img); err != nil {
			b.Fatal(err)
		}
	}
}
