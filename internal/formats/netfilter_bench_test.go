package formats

import "testing"

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
