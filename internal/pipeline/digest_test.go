package pipeline

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zeebo/xxh3"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
	"github.com/otlake/cloud-telemetry-lake/internal/formats"
)

// TestLineDigest checks the digest against XXH3 of the whole text, for lines that fill the
// buffer several times and for lines too long for it between them.
func TestLineDigest(t *testing.T) {
	long := strings.Repeat("y", digestBufferBytes)
	tests := []struct {
		name  string
		lines []string
	}{
		{"no lines", nil},
		{"one empty line", []string{""}},
		{"short lines over several buffers", strings.Split(strings.Repeat("a line of telemetry\n", 20_000), "\n")},
		{"long lines between short ones", []string{"short", long, "", long, long, "tail"}},
		{"a line that just fits", []string{"a", long[:digestBufferBytes-1], "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newLineDigest()
			var whole strings.Builder
			for _, line := range tt.lines {
				buf := []byte(line)
				d.Add(buf)
				copy(buf, strings.Repeat("z", len(buf))) // the digest must not keep the caller's bytes
				whole.WriteString(line + "\n")
			}

			assert.Equal(t, xxh3.HashString128(whole.String()).Bytes(), d.Sum())
		})
	}
}

// TestDetectionsOwnStrings checks that no string of a detection points into its record's
// line, whose memory the parser reuses for the next lines.
func TestDetectionsOwnStrings(t *testing.T) {
	sensor, err := os.ReadFile("../../samples/ot_sensor/alerts.ndjson")
	require.NoError(t, err)
	eve, err := os.ReadFile("../../samples/malcolm/eve.json.gz")
	require.NoError(t, err)
	eveLines := gunzipLines(t, eve)

	tests := []struct {
		name, source, line string
	}{
		{"sensor alert", "ot_sensor", strings.SplitN(string(sensor), "\n", 2)[0]},
		{"EVE alert", "malcolm", firstDetectionLine(t, eveLines, "malcolm")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := formats.ParseString(string([]byte(tt.line)), formats.Context{})
			require.NoError(t, err)
			det, ok := detection.FromRecord(rec, tt.source, detection.RawRef{Line: 1})
			require.True(t, ok)

			lineStart := uintptr(unsafe.Pointer(unsafe.StringData(rec.Raw)))
			inLine := func(s string) bool {
				p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
				return s != "" && p >= lineStart && p < lineStart+uintptr(len(rec.Raw))
			}
			fields := reflect.ValueOf(det)
			for i := range fields.NumField() {
				if f := fields.Field(i); f.Kind() == reflect.String {
					assert.False(t, inLine(f.String()), "%s points into the line", fields.Type().Field(i).Name)
				}
			}
			require.NotEmpty(t, det.Techniques)
			for _, id := range det.Techniques {
				assert.False(t, inLine(id), "technique %s points into the line", id)
			}
			assert.True(t, inLine(rec.Host), "the record's own strings do point into the line")
		})
	}
}

func gunzipLines(t *testing.T, data []byte) []string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	plain, err := io.ReadAll(zr)
	require.NoError(t, err)
	return strings.Split(strings.TrimSpace(string(plain)), "\n")
}

// firstDetectionLine returns the first line that becomes a detection.
func firstDetectionLine(t *testing.T, lines []string, source string) string {
	t.Helper()
	for _, line := range lines {
		rec, err := formats.Parse([]byte(line), formats.Context{})
		if err != nil {
			continue
		}
		if _, ok := detection.FromRecord(rec, source, detection.RawRef{}); ok {
			return line
		}
	}
	t.Fatalf("no line becomes a detection")
	return ""
}
