package formats

import (
	"testing"
	"time"

	"github.com/otlake/cloud-telemetry-lake/internal/synth"
)

// benchmarkBlocks parses the lines round-robin as the lake's parser does: ParseString, which
// copies nothing, with one Blocks for every line.
func benchmarkBlocks(b *testing.B, lines []string, ctx Context) {
	b.Helper()
	ctx.Blocks = new(Blocks)
	total := 0
	for _, l := range lines {
		total += len(l)
		if _, err := ParseString(l, ctx); err != nil {
			b.Fatalf("benchmark line does not parse: %v", err)
		}
	}
	b.SetBytes(int64(total / len(lines)))
	b.ReportAllocs()

	i := 0
	for b.Loop() {
		if _, err := ParseString(lines[i%len(lines)], ctx); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkParseStringNetfilter(b *testing.B) {
	benchmarkBlocks(b, benchNetfilterLines, benchContext)
}

func BenchmarkParseStringEVEAlert(b *testing.B) {
	benchmarkBlocks(b, benchEVEAlertLines, Context{SourceHint: "malcolm"})
}

func BenchmarkParseStringSensorAlert(b *testing.B) {
	benchmarkBlocks(b, benchSensorLines, Context{})
}

// BenchmarkParseStringSynthMix parses 3,000 lines of the ingest benchmark's generated mix.
func BenchmarkParseStringSynthMix(b *testing.B) {
	start := time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)
	benchmarkBlocks(b, synth.New(42, start).Mix(3000), Context{ObjectDate: start})
}
