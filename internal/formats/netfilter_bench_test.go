package formats

import (
	"testing"
	"time"

	"github.com/otlake/cloud-telemetry-lake/internal/synth"
)

// benchPrefixes are --log-prefix values as firewall rule sets write them, one without an action.
var benchPrefixes = []string{"OT-DROP:", "ACCEPT-L3:", "FW DROP-IN:", "iptables-log:"}

func BenchmarkActionFromPrefix(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if actionFromPrefix(benchPrefixes[i%len(benchPrefixes)]) == "" {
			b.Fatal("empty action")
		}
	}
}

// BenchmarkParseNetfilterSynth parses the netfilter lines of the ingest benchmark: the gateway's
// LOG lines behind RFC 3164 headers with kernel uptime stamps, ISO headers and RFC 5424 headers.
func BenchmarkParseNetfilterSynth(b *testing.B) {
	start := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	gen := synth.New(1, start)
	lines := make([]string, 300)
	for i := range lines {
		lines[i] = gen.Netfilter()
	}
	benchmarkLines(b, lines, Context{ObjectDate: start.Truncate(24 * time.Hour)})
}

// BenchmarkParseStringNetfilterSynth parses the same generated netfilter lines as
// BenchmarkParseNetfilterSynth on the lake parser's path: ParseString with one Blocks.
func BenchmarkParseStringNetfilterSynth(b *testing.B) {
	start := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	gen := synth.New(1, start)
	lines := make([]string, 300)
	for i := range lines {
		lines[i] = gen.Netfilter()
	}
	benchmarkBlocks(b, lines, Context{ObjectDate: start.Truncate(24 * time.Hour)})
}
