package awsstore

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
	"github.com/otlake/cloud-telemetry-lake/internal/names"
)

func loadDetections(t testing.TB) []detection.Detection {
	t.Helper()

	data, err := os.ReadFile(filepath.Join("..", "lambdafn", "testdata", "detections.json"))
	require.NoError(t, err)
	var dets []detection.Detection
	require.NoError(t, json.Unmarshal(data, &dets))
	return dets
}

func TestDetectionItemRoundTrip(t *testing.T) {
	for _, d := range loadDetections(t) {
		t.Run(d.Rule, func(t *testing.T) {
			item, err := DetectionItem(d, 24*time.Hour, d.DetectedAt)
			require.NoError(t, err)

			got, err := DetectionFromItem(item)
			require.NoError(t, err)
			assert.Equal(t, d, got)
		})
	}
}

func TestDetectionItemAttributes(t *testing.T) {
	d := loadDetections(t)[1]
	d.DetectedAt = time.Date(2026, 5, 20, 19, 20, 0, 0, time.UTC)

	item, err := DetectionItem(d, 24*time.Hour, d.DetectedAt.Add(time.Hour))
	require.NoError(t, err)

	assert.Equal(t, &types.AttributeValueMemberS{Value: "2026-05-20T19:20:00.000Z"}, item["detected_at"])
	assert.Equal(t, &types.AttributeValueMemberN{Value: "2868860079149422351"}, item["signature_id"])
	assert.Equal(t, &types.AttributeValueMemberN{Value: "1779391200"}, item[names.TTLAttribute])
	assert.Equal(t, &types.AttributeValueMemberS{Value: "HIGH"}, item["severity"])

	t.Run("empty host left out", func(t *testing.T) {
		d.Host = ""
		item, err := DetectionItem(d, 0, d.DetectedAt)
		require.NoError(t, err)

		assert.NotContains(t, item, "host")
		assert.NotContains(t, item, names.TTLAttribute)
	})

	t.Run("expired detection without ttl", func(t *testing.T) {
		item, err := DetectionItem(d, 24*time.Hour, d.DetectedAt.Add(25*time.Hour))
		require.NoError(t, err)

		assert.NotContains(t, item, names.TTLAttribute)
		assert.Contains(t, item, "detection_id")
	})
}

func TestIsNumber(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"0", true}, {"-0", true}, {"502", true}, {"0.75", true}, {"1E+2", true}, {"-1.5e-3", true},
		{"2868860079149422351", true},
		{"", false}, {"-", false}, {"01", false}, {"1.", false}, {".5", false}, {"1e", false},
		{"+1", false}, {"NaN", false}, {"1 ", false}, {"0x10", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, IsNumber(tt.in))
		})
	}
}

func FuzzIsNumber(f *testing.F) {
	for _, s := range []string{"0", "-1.5e-3", "2868860079149422351", "01", "1."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// A JSON number literal is what json.Valid accepts as a bare number that starts with
		// a minus or digit and ends with a digit, since json.Valid allows surrounding spaces.
		isJSONNumber := json.Valid([]byte(s)) && len(s) > 0 &&
			(s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) && s[len(s)-1] >= '0' && s[len(s)-1] <= '9'
		if got := IsNumber(s); got != isJSONNumber {
			t.Fatalf("IsNumber(%q) = %v, json.Valid says %v", s, got, isJSONNumber)
		}
	})
}
