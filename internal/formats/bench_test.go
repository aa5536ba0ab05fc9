package formats

import (
	"testing"
	"time"
)

// Benchmark lines: typical shapes of each format, as the lake receives them.
var (
	benchNetfilterLines = []string{
		"May  1 10:02:38 fw-01 kernel: [263511.383092] OT-DROP: IN=eth1 OUT=eth0 MAC=00:00:5e:00:53:01:00:00:5e:00:53:02:08:00 SRC=198.51.100.7 DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=54321 DF PROTO=TCP SPT=40000 DPT=502 WINDOW=64240 RES=0x00 SYN URGP=0",
		"2024-05-01T18:40:09.984Z fw-01 kernel: ACCEPT-L3: IN=fwbr101i0 OUT=fwbr101i0 PHYSIN=fwln101i0 PHYSOUT=tap101i0 MAC=00:00:5e:00:53:01:00:00:5e:00:53:02:08:00 SRC=198.51.100.7 DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=56 ID=54553 PROTO=TCP SPT=36494 DPT=502 SEQ=271997875 ACK=0 WINDOW=29200 SYN",
		"<4>1 2024-05-01T17:26:51-04:00 fw-01 kernel - - - DROP-IN: IN=eth0 OUT= MAC=00:00:5e:00:53:01:00:00:5e:00:53:02:08:00 SRC=198.51.100.7 DST=192.0.2.10 LEN=56 TOS=0x00 PREC=0xC0 TTL=64 ID=1 PROTO=ICMP TYPE=3 CODE=3 [SRC=192.0.2.10 DST=198.51.100.7 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=2 PROTO=UDP SPT=502 DPT=40000 LEN=8 ]",
	}
	benchEVEAlertLines = []string{
		`{"timestamp":"2024-05-01T09:15:02.123456-0500","flow_id":376843537971534,"in_iface":"eth1","event_type":"alert","src_ip":"198.51.100.7","src_port":40000,"dest_ip":"192.0.2.10","dest_port":502,"proto":"TCP","app_proto":"modbus","alert":{"action":"allowed","gid":1,"signature_id":4000001,"rev":1,"signature":"OT Modbus write from unlisted client","category":"Attempted Administrator Privilege Gain","severity":1,"metadata":{"attack_target":["SCADA"],"mitre_technique_id":["T0855"]}},"flow":{"pkts_toserver":4,"pkts_toclient":3,"bytes_toserver":300,"bytes_toclient":250,"start":"2024-05-01T09:15:01.990000-0500"}}`,
		`{"timestamp":"2024-05-01T09:15:04.000000+0000","flow_id":2868860079149422351,"event_type":"alert","src_ip":"192.0.2.10","src_port":502,"dest_ip":"198.51.100.7","dest_port":40001,"proto":"TCP","app_proto":"modbus","alert":{"action":"allowed","gid":1,"signature_id":1,"rev":1,"signature":"Modbus exception","category":"Misc activity","severity":3},"modbus":{"id":1,"request":{"transaction_id":0,"protocol_id":0,"unit_id":1,"function_raw":1,"function_code":"RdCoils","access_type":"READ | COILS","category":"PUBLIC_ASSIGNED","error_flags":"NONE","read":{"address":0,"quantity":8}},"response":{"transaction_id":0,"protocol_id":0,"unit_id":1,"function_raw":129,"function_code":"RdCoils","access_type":"READ | COILS","category":"NONE","error_flags":"NONE","exception":{"raw":2,"code":"IllegalDataAddr"}}}}`,
	}
	benchSensorLines = []string{
		`{"timestamp":"2024-05-01T10:02:38.412Z","sensor":"otsensor-l3","rule":"UNAUTHORIZED_MODBUS_WRITE","severity":"HIGH","techniques":["T0855","T0836"],"src_ip":"198.51.100.7","src_port":40002,"dst_ip":"192.0.2.10","dst_port":502,"src_zone":"L4/5","dst_zone":"L1/2","modbus":{"transaction_id":17,"unit_id":1,"function":6,"address":40,"quantity":1,"values":[1500],"exception":null},"count":1,"first_seen":"2024-05-01T10:02:38.401Z","last_seen":"2024-05-01T10:02:38.401Z","message":"write single register 40 = 1500 on unit 1 from untrusted client 198.51.100.7"}`,
	}
	benchEnvelopeLines = []string{
		`{"date":1714557758.614367,"log":"May  1 10:02:38 fw-01 kernel: OT-DROP: IN=eth1 OUT=eth0 SRC=198.51.100.7 DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=9 DF PROTO=TCP SPT=40002 DPT=502 WINDOW=64240 RES=0x00 SYN URGP=0"}`,
	}
)

var benchContext = Context{ObjectDate: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)}

// benchmarkLines parses the lines round-robin, reporting bytes per line parsed.
func benchmarkLines(b *testing.B, lines []string, ctx Context) {
	b.Helper()

	buffers := make([][]byte, len(lines))
	total := 0
	for i, l := range lines {
		buffers[i] = []byte(l)
		total += len(l)
		if _, err := Parse(buffers[i], ctx); err != nil {
			b.Fatalf("benchmark line %d does not parse: %v", i, err)
		}
	}
	b.SetBytes(int64(total / len(lines)))
	b.ReportAllocs()
	b.ResetTimer()

	for i := 0; i < b.N; i++ {
		if _, err := Parse(buffers[i%len(buffers)], ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseNetfilter(b *testing.B) {
	benchmarkLines(b, benchNetfilterLines, benchContext)
}

func BenchmarkParseEVEAlert(b *testing.B) {
	benchmarkLines(b, benchEVEAlertLines, Context{SourceHint: "malcolm"})
}

func BenchmarkParseSensorAlert(b *testing.B) {
	benchmarkLines(b, benchSensorLines, Context{SourceHint: "ot_sensor"})
}

func BenchmarkParseEnvelope(b *testing.B) {
	benchmarkLines(b, benchEnvelopeLines, benchContext)
}

// BenchmarkParseMix parses the lake's expected mix: 60% netfilter, 25% EVE alerts and 15%
// sensor alerts, in a 20-line cycle.
func BenchmarkParseMix(b *testing.B) {
	var lines []string
	for i := 0; i < 12; i++ {
		lines = append(lines, benchNetfilterLines[i%len(benchNetfilterLines)])
	}
	for i := 0; i < 5; i++ {
		lines = append(lines, benchEVEAlertLines[i%len(benchEVEAlertLines)])
	}
	for i := 0; i < 3; i++ {
		lines = append(lines, benchSensorLines[i%len(benchSensorLines)])
	}
	benchmarkLines(b, lines, benchContext)
}
