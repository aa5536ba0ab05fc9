package pipeline

import (
	"encoding/binary"
	"encoding/hex"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/stretchr/testify/assert"

	"github.com/otlake/cloud-telemetry-lake/sensor/capture"
	"github.com/otlake/cloud-telemetry-lake/sensor/modbus"
	"github.com/otlake/cloud-telemetry-lake/sensor/rules"
)

// rawFrame lays out an Ethernet, IPv4 and TCP frame by hand (checksums left zero, which
// the sensor does not check), so the fuzz loop spends its time in the sensor.
func rawFrame(toServer bool, seq, ack uint32, flags uint8, payload []byte) []byte {
	frame := make([]byte, 14+20+20+len(payload))
	binary.BigEndian.PutUint16(frame[12:], 0x0800)

	ip := frame[14:]
	ip[0], ip[8], ip[9] = 0x45, 64, 6
	binary.BigEndian.PutUint16(ip[2:], uint16(40+len(payload)))
	client, server := []byte{192, 0, 2, 10}, []byte{192, 0, 2, 20}
	clientPort, serverPort := uint16(40000), uint16(502)
	if !toServer {
		client, server, clientPort, serverPort = server, client, serverPort, clientPort
	}
	copy(ip[12:], client)
	copy(ip[16:], server)

	tcp := ip[20:]
	binary.BigEndian.PutUint16(tcp[0:], clientPort)
	binary.BigEndian.PutUint16(tcp[2:], serverPort)
	binary.BigEndian.PutUint32(tcp[4:], seq)
	binary.BigEndian.PutUint32(tcp[8:], ack)
	tcp[12], tcp[13] = 0x50, flags
	binary.BigEndian.PutUint16(tcp[14:], 65535)
	copy(tcp[20:], payload)
	return frame
}

// FuzzSensorSegments sends fuzzed bytes through decode, reassembly, Modbus decoding and
// the rules. Each op of 4 bytes picks a direction, flags, a sequence offset and a length
// taken from data.
func FuzzSensorSegments(f *testing.F) {
	seeds := []string{
		"0001000000060103000000020002000000060103000a0001",
		"0003000000060106" + "0001002a",
		"000000000003018102",
		"0004000700060106000100ff",
		"00010000000b01100000000204000a0102" + "0002000000060105000aff00",
	}
	for _, seed := range seeds {
		data, _ := hex.DecodeString(seed)
		f.Add([]byte{0x18, 0, 0, 8, 0x18, 0, 8, 200, 0x10, 0, 0, 0, 0x98, 2, 0, 9}, data)
	}

	f.Fuzz(func(t *testing.T, ops, data []byte) {
		s := New(Config{Name: "fuzz", Policy: fuzzPolicy, Alerts: &memoryAlerts{}, Drops: &memoryLines{}})
		s.OnADU = func(_ *rules.Flow, _ bool, adu *modbus.ADU, _ *modbus.Request) {
			assert.NotEmpty(t, adu.PDU)
			assert.LessOrEqual(t, len(adu.PDU), modbus.MaxPDULen)
		}
		seq := [2]uint32{1000, 5000}
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

		for len(ops) >= 4 && len(data) > 0 {
			// op: direction and flags, sequence offset, then a 16-bit length.
			toServer := ops[0]&0x80 == 0
			dir := 0
			if !toServer {
				dir = 1
			}
			flags := ops[0] & 0x3f
			n := min(int(binary.BigEndian.Uint16(ops[2:4])), len(data))
			offset := uint32(int8(ops[1]))
			payload := data[:n]
			data, ops = data[n:], ops[4:]

			frame := rawFrame(toServer, seq[dir]+offset, seq[1-dir], flags, payload)
			s.HandleFrame(capture.Frame{
				Data: frame,
				Info: gopacket.CaptureInfo{Timestamp: at, CaptureLength: len(frame), Length: len(frame)},
				Link: layers.LinkTypeEthernet,
			})
			seq[dir] += offset + uint32(n)
			at = at.Add(time.Second)
		}
		s.Flush()
	})
}

// fuzzPolicy has zones, a trusted writer, a limit and low scan thresholds, so fuzzed
// traffic reaches every rule.
var fuzzPolicy = mustParsePolicyNoTest(`
zones:
  - {name: it, level: L4/5, networks: [192.0.2.0/28]}
  - {name: plant, level: L1/2, networks: [192.0.2.16/28]}
trusted_writers:
  - {client: 192.0.2.11, units: [1]}
safety_limits:
  - {unit: 1, register: 0, name: level, min: 0, max: 100}
detection:
  scan: {exceptions: 2, unit_ids: 2, registers: 2}
`)
