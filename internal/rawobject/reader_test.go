package rawobject

import (
	"bytes"
	"compress/gzip"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/corpustest"
)

func gzipBytes(t testing.TB, members ...string) []byte {
	t.Helper()

	var buf bytes.Buffer
	for _, m := range members {
		zw := gzip.NewWriter(&buf)
		_, err := zw.Write([]byte(m))
		require.NoError(t, err)
		require.NoError(t, zw.Close())
	}
	return buf.Bytes()
}

// readAll collects lines and per-line errors until the object ends.
func readAll(t testing.TB, body []byte, limits Limits) (lines []string, lineErrs []int, objErr error) {
	t.Helper()

	r, err := NewReader(bytes.NewReader(body), limits)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	for {
		line, n, err := r.Next()
		if errors.Is(err, io.EOF) {
			return lines, lineErrs, nil
		}
		var le *LineError
		if errors.As(err, &le) {
			lineErrs = append(lineErrs, n)
			continue
		}
		if err != nil {
			return lines, lineErrs, err
		}
		lines = append(lines, string(line))
	}
}

func TestReaderLines(t *testing.T) {
	tests := []struct {
		name     string
		body     []byte
		limits   Limits
		want     []string
		wantSkip []int
		wantErr  error
	}{
		{name: "plain lf", body: []byte("a\nb\n"), want: []string{"a", "b"}},
		{name: "crlf endings", body: []byte("a\r\nb\r\n"), want: []string{"a", "b"}},
		{name: "last line without newline", body: []byte("a\nb"), want: []string{"a", "b"}},
		{name: "blank lines kept", body: []byte("a\n\nb\n"), want: []string{"a", "", "b"}},
		{name: "lone cr inside line kept", body: []byte("a\rb\n"), want: []string{"a\rb"}},
		{name: "empty object", body: nil, want: nil},
		{name: "one byte object", body: []byte{0x1f}, want: []string{"\x1f"}},
		{name: "gzip single member", body: gzipBytes(t, "x\ny\n"), want: []string{"x", "y"}},
		{name: "gzip members concatenated", body: gzipBytes(t, "x\n", "y\n", "z"), want: []string{"x", "y", "z"}},
		{name: "gzip member splits a line", body: gzipBytes(t, "par", "tial\n"), want: []string{"partial"}},
		{name: "gzip empty member", body: gzipBytes(t, ""), want: nil},
		{
			name:     "long line skipped then resumes",
			body:     []byte("ok\n" + strings.Repeat("x", 100) + "\nafter\n"),
			limits:   Limits{MaxLine: 10},
			want:     []string{"ok", "after"},
			wantSkip: []int{2},
		},
		{
			name:     "long line beyond buffer skipped",
			body:     []byte(strings.Repeat("y", 3*readBufferSize) + "\nafter"),
			limits:   Limits{MaxLine: readBufferSize},
			want:     []string{"after"},
			wantSkip: []int{1},
		},
		{
			name: "long line beyond buffer within limit",
			body: []byte(strings.Repeat("z", 2*readBufferSize+5) + "\r\nnext\n"),
			want: []string{strings.Repeat("z", 2*readBufferSize+5), "next"},
		},
		{
			name:     "long final line without newline",
			body:     []byte("a\n" + strings.Repeat("q", 2*readBufferSize)),
			limits:   Limits{MaxLine: 100},
			want:     []string{"a"},
			wantSkip: []int{2},
		},
		{
			name:    "decompressed cap exceeded",
			body:    gzipBytes(t, strings.Repeat("a\n", 1000)),
			limits:  Limits{MaxDecompressed: 100},
			wantErr: ErrTooLarge,
		},
		{
			name:   "decompressed exactly at cap",
			body:   gzipBytes(t, strings.Repeat("a\n", 50)),
			limits: Limits{MaxDecompressed: 100},
			want:   strings.Split(strings.TrimSuffix(strings.Repeat("a\n", 50), "\n"), "\n"),
		},
		{
			name:    "plain object over cap",
			body:    []byte(strings.Repeat("b\n", 100)),
			limits:  Limits{MaxDecompressed: 10},
			wantErr: ErrTooLarge,
		},
		{
			name:    "truncated gzip",
			body:    gzipBytes(t, strings.Repeat("line\n", 100))[:30],
			wantErr: ErrCorruptGzip,
		},
		{
			name:    "gzip magic then garbage",
			body:    []byte{0x1f, 0x8b, 0x00, 0x00, 0x01},
			wantErr: ErrCorruptGzip,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, skipped, err := readAll(t, tt.body, tt.limits)
			if tt.wantErr != nil {
				require.Error(t, err)
				assert.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, lines)
			assert.Equal(t, tt.wantSkip, skipped)
		})
	}
}

func TestReaderGzipBomb(t *testing.T) {
	// 64 MiB of zeros compresses to about 64 KiB; with a 1 MiB cap the reader must stop early
	// instead of inflating all of it.
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	require.NoError(t, err)
	zeros := make([]byte, 1<<20)
	for range 64 {
		_, err := zw.Write(zeros)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	require.Less(t, buf.Len(), 200<<10, "bomb should be small compressed")

	r, err := NewReader(&buf, Limits{MaxDecompressed: 1 << 20, MaxLine: 1 << 30})
	require.NoError(t, err)
	for {
		_, _, err = r.Next()
		if err != nil {
			break
		}
	}
	assert.ErrorIs(t, err, ErrTooLarge)
	assert.LessOrEqual(t, r.BytesRead(), int64(1<<20)+readBufferSize)
}

func TestReaderCorpusObjects(t *testing.T) {
	for _, c := range corpustest.Cases(t, "objects") {
		if c.Key == "" {
			continue // envelope cases belong to the formats package
		}
		t.Run(c.ID, func(t *testing.T) {
			var body []byte
			switch {
			case c.InputHex != nil:
				b, err := hex.DecodeString(*c.InputHex)
				require.NoError(t, err)
				body = b
			case strings.HasPrefix(c.InputHexOf, "gzip of one sensor alert line"):
				body = gzipBytes(t, `{"timestamp":"2026-05-20T10:00:00Z","sensor":"gw-01","rule":"UNAUTHORIZED_MODBUS_WRITE"}`+"\n")
			default:
				t.Fatalf("case %s: no input this test understands", c.ID)
			}

			r, err := NewReader(bytes.NewReader(body), Limits{})
			require.NoError(t, err)
			var lines [][]byte
			for {
				line, _, err := r.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				require.NoError(t, err)
				lines = append(lines, append([]byte(nil), line...))
			}

			var want struct {
				Decompressed *bool `json:"decompressed"`
				Records      *int  `json:"records"`
			}
			require.NoError(t, json.Unmarshal(c.Want, &want))
			if want.Decompressed != nil {
				assert.Equal(t, *want.Decompressed, r.Compressed(), "key %s", c.Key)
				assert.Len(t, lines, 1)
				assert.True(t, bytes.HasPrefix(lines[0], []byte(`{"timestamp"`)))
			}
			if want.Records != nil {
				assert.Len(t, lines, *want.Records)
			}
		})
	}
}

func FuzzReader(f *testing.F) {
	f.Add([]byte("a\nb\r\n"))
	f.Add(gzipBytes(f, "x\n", "y"))
	f.Add([]byte{0x1f, 0x8b})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := NewReader(bytes.NewReader(body), Limits{MaxDecompressed: 1 << 20, MaxLine: 64})
		if err != nil {
			return
		}
		total := 0
		for {
			line, _, err := r.Next()
			var le *LineError
			if errors.As(err, &le) {
				continue
			}
			if err != nil {
				break
			}
			if len(line) > 64 {
				t.Fatalf("line of %d bytes passed a 64-byte limit", len(line))
			}
			total += len(line)
		}
		if !r.Compressed() && total > len(body) {
			t.Fatalf("plain object yielded %d bytes from %d", total, len(body))
		}
	})
}
