package pipeline

import (
	"context"
	"errors"
	"io"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/sensor/capture"
	"github.com/otlake/cloud-telemetry-lake/sensor/decode"
	"github.com/otlake/cloud-telemetry-lake/sensor/internal/corpustest"
)

// loadFrames reads a capture into memory.
func loadFrames(b *testing.B, path string) []capture.Frame {
	b.Helper()

	src, err := capture.OpenFile(path)
	require.NoError(b, err)
	defer src.Close()

	var frames []capture.Frame
	for {
		frame, err := src.Next()
		if errors.Is(err, io.EOF) {
			return frames
		}
		require.NoError(b, err)
		frame.Data = append([]byte(nil), frame.Data...)
		frames = append(frames, frame)
	}
}

// BenchmarkHandleFrame measures the pipeline per frame, without file reading, on a
// polling capture replayed over and over with every rule on. Timestamps move forward
// each round so that flows and alerts age as they would live.
func BenchmarkHandleFrame(b *testing.B) {
	frames := loadFrames(b, corpustest.Path(b, "pcap", "lemay-send_a_fake_command_modbus_6RTU_with_operate.pcap"))
	span := frames[len(frames)-1].Info.Timestamp.Sub(frames[0].Info.Timestamp) + time.Second
	pol := mustParsePolicy(b, "trusted_writers:\n  - client: 192.168.1.100\n")
	s := New(Config{Name: "bench", Policy: pol, Alerts: &memoryAlerts{}})

	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		frame := frames[i%len(frames)]
		frame.Info.Timestamp = frame.Info.Timestamp.Add(time.Duration(i/len(frames)) * span)
		s.HandleFrame(frame)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "packets/s")
}

// EnvBenchCapture names a large capture for BenchmarkReplayFile, such as one written by
// otpcapgen; the benchmark skips without it.
const EnvBenchCapture = "OTSENSOR_BENCH_PCAP"

// BenchmarkReplayFile measures a whole replay, file reading included, with the lab
// policy. Run it on one core: GOMAXPROCS=1 taskset -c 0 go test -bench ReplayFile.
func BenchmarkReplayFile(b *testing.B) {
	path := os.Getenv(EnvBenchCapture)
	if path == "" {
		b.Skipf("set %s to a large capture, for example one written by otpcapgen", EnvBenchCapture)
	}

	b.ReportAllocs()
	var packets uint64
	for i := 0; i < b.N; i++ {
		s := New(Config{Name: "bench", Policy: labPolicy(b), Alerts: &memoryAlerts{}, Drops: &memoryLines{}})
		require.NoError(b, s.ReplayFile(context.Background(), path, nil))
		s.Flush()
		packets += s.Counters().Packets.Load()
	}
	b.ReportMetric(float64(packets)/b.Elapsed().Seconds(), "packets/s")
}

// BenchmarkDecodeFile is the baseline for BenchmarkReplayFile: the same file read and
// decoded (Ethernet, IPv4, TCP) with no flow tracking, reassembly or rules.
func BenchmarkDecodeFile(b *testing.B) {
	path := os.Getenv(EnvBenchCapture)
	if path == "" {
		b.Skipf("set %s to a large capture, for example one written by otpcapgen", EnvBenchCapture)
	}

	b.ReportAllocs()
	var packets uint64
	for i := 0; i < b.N; i++ {
		src, err := capture.OpenFile(path)
		require.NoError(b, err)
		decoder, err := decode.NewDecoder(src.LinkType())
		require.NoError(b, err)

		var p decode.Packet
		for {
			frame, err := src.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(b, err)
			_ = decoder.Decode(frame.Data, &p)
			packets++
		}
		src.Close()
	}
	b.ReportMetric(float64(packets)/b.Elapsed().Seconds(), "packets/s")
}
