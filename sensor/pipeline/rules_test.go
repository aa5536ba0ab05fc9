package pipeline

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/sensor/capture"
	"github.com/otlake/cloud-telemetry-lake/sensor/output"
)

// Lab addresses of the example policy.
const (
	attacker = "172.24.0.5"
	gateway  = "172.21.0.2"
	plc      = "172.21.0.10"
	hmi      = "172.21.0.20"
	rogue    = "172.21.0.30" // in the control zone, but not a trusted writer
)

var start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// Request PDUs.
func readHolding(address, quantity uint16) []byte {
	return []byte{3, byte(address >> 8), byte(address), byte(quantity >> 8), byte(quantity)}
}

func writeRegister(address, value uint16) []byte {
	return []byte{6, byte(address >> 8), byte(address), byte(value >> 8), byte(value)}
}

func writeRegisters(address uint16, values ...uint16) []byte {
	pdu := []byte{16, byte(address >> 8), byte(address), 0, byte(len(values)), byte(2 * len(values))}
	for _, v := range values {
		pdu = append(pdu, byte(v>>8), byte(v))
	}
	return pdu
}

func readWriteRegisters(address uint16, values ...uint16) []byte {
	pdu := []byte{23, 0, 0, 0, 1, byte(address >> 8), byte(address), 0, byte(len(values)), byte(2 * len(values))}
	for _, v := range values {
		pdu = append(pdu, byte(v>>8), byte(v))
	}
	return pdu
}

func readResponse(quantity int) []byte {
	return append([]byte{3, byte(2 * quantity)}, make([]byte, 2*quantity)...)
}

// session generates one connection from client to the PLC with the given exchanges.
func session(t *testing.T, client string, port uint16, at time.Time, exchanges func(c *conn)) []capture.Frame {
	c := newConn(t, client, port, plc, at)
	c.handshake()
	exchanges(c)
	return c.frames
}

func TestRuleCrossZone(t *testing.T) {
	tests := []struct {
		name   string
		client string
		alerts int
	}{
		{"enterprise host to plc", attacker, 1},
		{"gateway to plc", gateway, 0},
		{"hmi to plc", hmi, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Two connections with three requests each: one alert and one drop line per flow.
			var frames []capture.Frame
			for i, port := range []uint16{40001, 40002} {
				frames = append(frames, session(t, tt.client, port, start.Add(time.Duration(i)*time.Second), func(c *conn) {
					for tid := range uint16(3) {
						c.exchange(adu(tid, 1, readHolding(0, 2)...), adu(tid, 1, readResponse(2)...))
					}
				})...)
			}
			path := writePcap(t, "cross-zone.pcap", frames)

			_, alerts, drops := replay(t, labPolicy(t), path)

			requireValidAlerts(t, alerts)
			got := alerts.byRule(output.RuleCrossZone)
			assert.Len(t, drops.lines, 2*tt.alerts, "one drop line per forbidden flow")
			if tt.alerts == 0 {
				assert.Empty(t, got)
				return
			}

			// The second connection folds into the first alert; the flush emits the update.
			require.Len(t, got, 2)
			first, last := got[0], got[1]
			assert.Equal(t, 1, first.Count)
			assert.Equal(t, 2, last.Count)
			assert.Equal(t, output.SeverityHigh, last.Severity)
			assert.Equal(t, []string{"T0886", "T0822"}, last.Techniques)
			assert.Equal(t, "enterprise", *last.SrcZone)
			assert.Equal(t, "control", *last.DstZone)
			assert.Equal(t, time.Time(first.FirstSeen), time.Time(last.FirstSeen))
			assert.True(t, time.Time(last.LastSeen).After(time.Time(last.FirstSeen)))

			line := drops.lines[0]
			assert.True(t, strings.HasPrefix(line, "2026-03-01T12:00:00.000000Z test-sensor kernel: OT-DROP: IN= OUT= MAC="), line)
			assert.Contains(t, line, " SRC=172.24.0.5 DST=172.21.0.10 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=TCP SPT=40001 DPT=502 WINDOW=64240 RES=0x00 SYN URGP=0\n")
		})
	}
}

func TestRuleUnauthorizedWrite(t *testing.T) {
	tests := []struct {
		name   string
		client string
		pdu    []byte
		alerts int
		techs  []string
	}{
		{"rogue register write", rogue, writeRegister(5, 42), 1, []string{"T0855", "T0836"}},
		{"rogue coil write", rogue, []byte{5, 0, 3, 0xff, 0}, 1, []string{"T0855"}},
		{"rogue read", rogue, readHolding(5, 1), 0, nil},
		{"hmi register write", hmi, writeRegister(5, 42), 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			frames := session(t, tt.client, 40100, start, func(c *conn) {
				for tid := range uint16(5) {
					c.exchange(adu(tid, 1, tt.pdu...), adu(tid, 1, tt.pdu...))
				}
			})
			path := writePcap(t, "write.pcap", frames)

			_, alerts, _ := replay(t, labPolicy(t), path)

			requireValidAlerts(t, alerts)
			got := alerts.byRule(output.RuleWrite)
			if tt.alerts == 0 {
				assert.Empty(t, got)
				return
			}

			// Five writes on one flow: the first alert at once, the flush with count 5.
			require.Len(t, got, 2)
			assert.Equal(t, 1, got[0].Count)
			assert.Equal(t, 5, got[1].Count)
			assert.Equal(t, tt.techs, got[1].Techniques)
			assert.Equal(t, tt.client, got[1].SrcIP)
			assert.Equal(t, tt.pdu[0], got[1].Modbus.Function)
			assert.Equal(t, uint16(0), got[0].Modbus.TransactionID, "first request's transaction")
			require.NotNil(t, got[1].SrcZone)
			assert.Equal(t, "control", *got[1].SrcZone)
		})
	}
}

func TestRuleSafetyViolation(t *testing.T) {
	tests := []struct {
		name    string
		pdu     []byte
		alerts  int
		message string
	}{
		{"single write above max", writeRegister(0, 1600), 1, "write of 1600 to pump_speed_setpoint_rpm"},
		{"second value of multiple write", writeRegisters(0, 1000, 150), 1, "write of 150 to outlet_valve_percent"},
		{"last value of read write", readWriteRegisters(0, 1000, 100, 2001), 1, "write of 2001 to high_level_alarm_mm"},
		{"values in range", writeRegisters(0, 1500, 100, 2000), 0, ""},
		{"register without limit", writeRegister(9, 60000), 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The HMI is trusted, so only the safety rule can fire.
			frames := session(t, hmi, 40200, start, func(c *conn) {
				c.exchange(adu(7, 1, tt.pdu...), adu(7, 1, tt.pdu[:5]...))
			})
			path := writePcap(t, "safety.pcap", frames)

			_, alerts, _ := replay(t, labPolicy(t), path)

			requireValidAlerts(t, alerts)
			assert.Empty(t, alerts.byRule(output.RuleWrite))
			got := alerts.byRule(output.RuleSafety)
			require.Len(t, got, tt.alerts)
			if tt.alerts == 0 {
				return
			}
			assert.Equal(t, output.SeverityCrit, got[0].Severity)
			assert.Equal(t, []string{"T0880", "T0836"}, got[0].Techniques)
			assert.Contains(t, got[0].Message, tt.message)
			assert.Equal(t, uint16(7), got[0].Modbus.TransactionID)
		})
	}
}

func TestRuleScan(t *testing.T) {
	tests := []struct {
		name      string
		exchanges func(c *conn)
		count     int // count of the last emitted scan alert, 0 for none
		technique string
	}{
		{
			name: "unit id sweep",
			exchanges: func(c *conn) {
				for unit := range uint8(20) {
					c.exchange(adu(uint16(unit), unit, readHolding(0, 1)...), adu(uint16(unit), unit, 0x83, 0x0b))
				}
			},
			// The 8th unit trips the detector, the 12 requests after it fold in, and so do
			// the 13 exception responses (code 11) from the 8th on.
			count:     8 + 12 + 13,
			technique: "T0846",
		},
		{
			name: "register walk",
			exchanges: func(c *conn) {
				for address := range uint16(40) {
					c.exchange(adu(address, 1, readHolding(address*10, 1)...), adu(address, 1, readResponse(1)...))
				}
			},
			count:     32 + 8,
			technique: "T0861",
		},
		{
			name: "exception burst",
			exchanges: func(c *conn) {
				for tid := range uint16(15) {
					c.exchange(adu(tid, 1, readHolding(100, 1)...), adu(tid, 1, 0x83, 0x02))
				}
			},
			count:     10 + 2*5,
			technique: "T0846",
		},
		{
			name: "hmi polling",
			exchanges: func(c *conn) {
				for tid := range uint16(200) {
					c.exchange(adu(tid, 1, readHolding(uint16(tid%4)*10, 10)...), adu(tid, 1, readResponse(10)...))
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writePcap(t, "scan.pcap", session(t, rogue, 40300, start, tt.exchanges))

			_, alerts, _ := replay(t, labPolicy(t), path)

			requireValidAlerts(t, alerts)
			got := alerts.byRule(output.RuleScan)
			if tt.count == 0 {
				assert.Empty(t, got)
				return
			}
			require.Len(t, got, 2, "first emission and the flushed update")
			last := got[len(got)-1]
			assert.Equal(t, tt.count, last.Count)
			assert.Contains(t, last.Techniques, tt.technique)
			assert.Equal(t, output.SeverityMedium, last.Severity)
			assert.Equal(t, rogue, last.SrcIP)
			assert.Equal(t, time.Time(got[0].FirstSeen), time.Time(last.FirstSeen))
		})
	}
}

func TestScanAlertWindow(t *testing.T) {
	// A sweep of 3,000 requests over five minutes: with a one-minute window, one alert
	// opens and is re-emitted about once a minute, never once per request.
	c := newConn(t, rogue, 40400, plc, start)
	c.handshake()
	for i := range 3000 {
		unit := uint8(i % 250)
		c.exchange(adu(uint16(i), unit, readHolding(0, 1)...), adu(uint16(i), unit, readResponse(1)...))
		c.at = c.at.Add(100*time.Millisecond - 3*time.Millisecond)
	}
	path := writePcap(t, "long-scan.pcap", c.frames)

	_, alerts, _ := replay(t, labPolicy(t), path)

	got := alerts.byRule(output.RuleScan)
	require.NotEmpty(t, got)
	assert.LessOrEqual(t, len(got), 7, "five minutes of scanning, re-emitted at most once a minute")
	last := got[len(got)-1]
	assert.Equal(t, 3000, last.Count, "the 8 requests that tripped it plus every later one")
	for i := 1; i < len(got); i++ {
		assert.Equal(t, time.Time(got[0].FirstSeen), time.Time(got[i].FirstSeen), "one alert, re-emitted")
		assert.GreaterOrEqual(t, got[i].Count, got[i-1].Count)
	}
}

func TestRulesOverIPv6(t *testing.T) {
	pol := mustParsePolicy(t, `
zones:
  - {name: enterprise, level: L4/5, networks: ["2001:db8:4::/64"]}
  - {name: control, level: L1/2, networks: ["2001:db8:1::/64"]}
trusted_writers:
  - client: "2001:db8:1::20"
`)
	c := newConn(t, "2001:db8:4::5", 40500, "2001:db8:1::10", start)
	c.handshake()
	c.exchange(adu(1, 1, writeRegister(3, 7)...), adu(1, 1, writeRegister(3, 7)...))
	path := writePcap(t, "ipv6.pcap", c.frames)

	_, alerts, drops := replay(t, pol, path)

	requireValidAlerts(t, alerts)
	cross := alerts.byRule(output.RuleCrossZone)
	require.Len(t, cross, 1)
	assert.Equal(t, "2001:db8:4::5", cross[0].SrcIP)
	assert.Equal(t, "control", *cross[0].DstZone)
	writes := alerts.byRule(output.RuleWrite)
	require.Len(t, writes, 1)
	assert.Equal(t, "2001:db8:1::10", writes[0].DstIP)
	require.Len(t, drops.lines, 1)
	assert.Contains(t, drops.lines[0], " SRC=2001:db8:4::5 DST=2001:db8:1::10 LEN=60 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT=40500 DPT=502 ")
}
