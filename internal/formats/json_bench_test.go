package formats

import "testing"

// BenchmarkScanJSON measures the scanner alone on the benchmark's EVE and sensor lines, with
// the members the formats read stored as in Parse.
func BenchmarkScanJSON(b *testing.B) {
	lines := append(append([]string(nil), benchEVEAlertLines...), benchSensorLines...)
	total := 0
	for _, l := range lines {
		total += len(l)
	}
	b.SetBytes(int64(total / len(lines)))
	b.ReportAllocs()
	b.ResetTimer()

	for i := 0; i < b.N; i++ {
		var fields jsonFields
		if _, err := scanJSON(lines[i%len(lines)], 0, &fields); err != nil {
			b.Fatal(err)
		}
	}
}
