package pipeline

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
	"github.com/otlake/cloud-telemetry-lake/internal/rawobject"
	"github.com/otlake/cloud-telemetry-lake/internal/synth"
)

// benchObjectLines is sized so the generated mix is above 50 MB uncompressed.
const benchObjectLines = 150_000

var benchObject struct {
	once  sync.Once
	gz    []byte
	plain int
	lines int
}

// loadBenchObject generates the benchmark object once: 60% netfilter lines, 25% EVE alerts
// and 15% sensor alerts, gzip-compressed as a shipper would upload it.
func loadBenchObject(b testing.TB) ([]byte, int, int) {
	benchObject.once.Do(func() {
		lines := synth.New(42, time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)).Mix(benchObjectLines)
		plain := strings.Join(lines, "\n") + "\n"
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
		zw.Write([]byte(plain))
		zw.Close()
		benchObject.gz, benchObject.plain, benchObject.lines = buf.Bytes(), len(plain), len(lines)
	})
	if benchObject.plain < 50<<20 {
		b.Fatalf("benchmark object is %d bytes, want at least 50 MB", benchObject.plain)
	}
	return benchObject.gz, benchObject.plain, benchObject.lines
}

type bytesRaw []byte

func (r bytesRaw) Open(context.Context, string, string) (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(r)), nil
}

type discardWriter struct{ bytes int }

func (d *discardWriter) Put(_ context.Context, _ string, body []byte, _ string) error {
	d.bytes += len(body)
	return nil
}

type countingDetections struct{ n int }

func (c *countingDetections) Put(_ context.Context, dets []detection.Detection) ([]detection.Detection, error) {
	c.n += len(dets)
	return nil, nil
}

// BenchmarkStageObject measures read -> parse -> records -> Parquet for one object: the
// staged Parquet alone, as DuckDB's read_json_auto to Parquet does for the same mix.
func BenchmarkStageObject(b *testing.B) {
	benchmarkProcess(b, nil)
}

// BenchmarkParseObject measures the parser Lambda's whole work on one object without the
// network: the staged Parquet and the detections.
func BenchmarkParseObject(b *testing.B) {
	benchmarkProcess(b, &countingDetections{})
}

func benchmarkProcess(b *testing.B, dets DetectionStore) {
	gz, plain, lines := loadBenchObject(b)
	b.SetBytes(int64(plain))
	b.ReportAllocs()

	p := &Parser{Raw: bytesRaw(gz), Staged: &discardWriter{}, Detections: dets, Log: slog.New(slog.DiscardHandler)}
	b.ResetTimer()
	cpu := startCPUClock(b)
	for b.Loop() {
		res, err := p.Process(context.Background(), "bench", "source=mixed/date=2026-05-20/bench.json.gz")
		if err != nil {
			b.Fatal(err)
		}
		if res.Records != lines {
			b.Fatalf("parsed %d records of %d lines (%d bad: %v)", res.Records, lines, res.BadLines, res.FirstBad)
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	cpu.report(lines)
}

// BenchmarkReadObject is the floor: gunzip and line splitting alone.
func BenchmarkReadObject(b *testing.B) {
	gz, plain, _ := loadBenchObject(b)
	b.SetBytes(int64(plain))
	b.ReportAllocs()

	cpu := startCPUClock(b)
	for b.Loop() {
		rd, err := rawobject.NewReader(bytes.NewReader(gz), rawobject.Limits{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, _, err := rd.Next()
			if err != nil {
				break
			}
		}
	}
	b.ReportMetric(float64(benchObject.lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	cpu.report(benchObject.lines)
}

// cpuClock measures the process's CPU time across a benchmark loop. On a shared machine the
// wall clock also counts the time other processes held the core; with GOMAXPROCS=1 and the
// process pinned to one CPU, user plus system time is the work of that one core, garbage
// collection included.
type cpuClock struct {
	b     *testing.B
	start time.Duration
}

func startCPUClock(b *testing.B) cpuClock {
	return cpuClock{b: b, start: processCPUTime(b)}
}

// report adds the CPU time per line and the lines per CPU second to the benchmark's output.
func (c cpuClock) report(linesPerOp int) {
	used := processCPUTime(c.b) - c.start
	lines := float64(linesPerOp) * float64(c.b.N)
	c.b.ReportMetric(float64(used.Nanoseconds())/lines, "cpu-ns/line")
	c.b.ReportMetric(lines/used.Seconds(), "lines/cpu-s")
}

func processCPUTime(b *testing.B) time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		b.Fatalf("read process CPU time: %v", err)
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}
