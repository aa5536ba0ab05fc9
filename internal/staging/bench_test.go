package staging

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// benchRows builds n rows shaped like a mixed object, in time order: a netfilter-like row,
// then an alert-like row with the optional columns set.
func benchRows(n int) []Row {
	base := time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)
	port := int32(502)
	fn := int32(6)
	sid := int64(4000101)
	rows := make([]Row, 0, n)
	for i := range n {
		row := Row{
			EventTime: base.Add(time.Duration(i) * time.Millisecond), Format: "netfilter",
			HostIdentifier: "ot-gateway", EventType: "firewall", SrcIP: fmt.Sprintf("172.24.0.%d", i%250),
			DstIP: "172.21.0.10", SrcPort: &port, DstPort: &port, Protocol: "TCP", Action: "DROP",
			LogPrefix: "OT-DROP:", InInterface: "eth0", OutInterface: "eth1", RawKey: "source=x/date=2026-05-20/k.json.gz",
			RawLine: int32(i + 1),
			Raw:     fmt.Sprintf("2026-05-20T19:20:00.835Z ot-gateway kernel: OT-DROP: IN=eth0 OUT=eth1 MAC=02:42:ac:15:00:02:02:42:ac:18:00:0a:08:00 SRC=172.24.0.%d DST=172.21.0.12 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=%d DF PROTO=TCP SPT=53704 DPT=20000 WINDOW=64240 RES=0x00 SYN URGP=0", i%250, i),
		}
		if i%2 == 1 {
			row.Format, row.Rule, row.Severity, row.SignatureID, row.Signature = "eve", "", "HIGH", &sid, "ET SCADA Modbus Write"
			row.Category, row.Techniques, row.ModbusFunction = "SCADA/ICS Attack", []string{"T0855"}, &fn
		}
		rows = append(rows, row)
	}
	return rows
}

// BenchmarkEncodeBuffer measures adding rows to a RowBuffer and encoding them: in order, which
// streams them into the encoder, and reversed, which stores and sorts them.
func BenchmarkEncodeBuffer(b *testing.B) {
	const n = 100_000
	inOrder := benchRows(n)
	reversed := slices.Clone(inOrder)
	slices.Reverse(reversed)

	for _, bench := range []struct {
		name string
		rows []Row
	}{
		{"in order", inOrder},
		{"reversed", reversed},
	} {
		b.Run(bench.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var buf RowBuffer
				for _, row := range bench.rows {
					buf.Add(row)
				}
				if _, err := EncodeBuffer(&buf); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
