package pipeline

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/sensor/capture"
	"github.com/otlake/cloud-telemetry-lake/sensor/output"
	"github.com/otlake/cloud-telemetry-lake/sensor/policy"
)

// memoryAlerts keeps alerts as the NDJSON lines the sensor would write.
type memoryAlerts struct {
	lines  [][]byte
	alerts []output.Alert
}

func (m *memoryAlerts) WriteAlert(a *output.Alert) error {
	line, err := json.Marshal(a)
	if err != nil {
		return err
	}
	m.lines = append(m.lines, line)
	m.alerts = append(m.alerts, *a)
	return nil
}

func (m *memoryAlerts) byRule(rule string) []output.Alert {
	var out []output.Alert
	for _, a := range m.alerts {
		if a.Rule == rule {
			out = append(out, a)
		}
	}
	return out
}

// memoryLines keeps drop lines.
type memoryLines struct{ lines []string }

func (m *memoryLines) WriteLine(line []byte) error {
	m.lines = append(m.lines, string(line))
	return nil
}

var (
	schemaOnce sync.Once
	schema     *jsonschema.Schema
	schemaErr  error
)

// alertSchema compiles the alert contract, schema/sensor-alert.schema.json beside the
// sensor module.
func alertSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()

	schemaOnce.Do(func() {
		path, err := filepath.Abs(filepath.Join("..", "..", "schema", "sensor-alert.schema.json"))
		if err != nil {
			schemaErr = err
			return
		}
		compiler := jsonschema.NewCompiler()
		compiler.AssertFormat()
		schema, schemaErr = compiler.Compile(path)
	})
	require.NoError(t, schemaErr, "compile the alert schema")
	return schema
}

// requireValidAlerts checks every alert line against the contract.
func requireValidAlerts(t *testing.T, m *memoryAlerts) {
	t.Helper()

	sch := alertSchema(t)
	for i, line := range m.lines {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(line))
		require.NoError(t, err)
		require.NoError(t, sch.Validate(doc), "alert %d: %s", i, line)
	}
}

// replay runs capture files through a new sensor with the given policy.
func replay(t *testing.T, pol *policy.Policy, paths ...string) (*Sensor, *memoryAlerts, *memoryLines) {
	t.Helper()

	alerts, drops := &memoryAlerts{}, &memoryLines{}
	s := New(Config{Name: "test-sensor", Policy: pol, Alerts: alerts, Drops: drops})
	for _, path := range paths {
		require.NoError(t, s.ReplayFile(context.Background(), path, nil))
	}
	s.Flush()
	return s, alerts, drops
}

func mustParsePolicy(t testing.TB, text string) *policy.Policy {
	t.Helper()

	p, err := policy.Parse("test.yaml", []byte(text))
	require.NoError(t, err)
	return p
}

func labPolicy(t testing.TB) *policy.Policy {
	t.Helper()

	p, err := policy.Load(filepath.Join("..", "examples", "lab-policy.yaml"))
	require.NoError(t, err)
	return p
}

// endpoint is one end of a generated TCP connection.
type endpoint struct {
	ip   string
	port uint16
	mac  net.HardwareAddr
}

// conn generates the frames of one TCP connection, tracking both sequence numbers.
type conn struct {
	t              *testing.T
	client, server endpoint
	clientSeq      uint32
	serverSeq      uint32
	at             time.Time
	frames         []capture.Frame
}

func newConn(t *testing.T, clientIP string, clientPort uint16, serverIP string, at time.Time) *conn {
	return &conn{
		t:         t,
		client:    endpoint{clientIP, clientPort, net.HardwareAddr{0, 0, 0x5e, 0, 0x53, 1}},
		server:    endpoint{serverIP, 502, net.HardwareAddr{0, 0, 0x5e, 0, 0x53, 2}},
		clientSeq: 1000,
		serverSeq: 5000,
		at:        at,
	}
}

// segment appends one frame; toServer picks the direction.
func (c *conn) segment(toServer bool, syn, ack bool, payload []byte) {
	c.t.Helper()

	src, dst := c.client, c.server
	seq, ackNum := &c.clientSeq, c.serverSeq
	if !toServer {
		src, dst = c.server, c.client
		seq, ackNum = &c.serverSeq, c.clientSeq
	}

	// IPv4 or IPv6, by the form of the addresses.
	eth := &layers.Ethernet{SrcMAC: src.mac, DstMAC: dst.mac, EthernetType: layers.EthernetTypeIPv4}
	var ip gopacket.NetworkLayer = &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolTCP,
		Flags: layers.IPv4DontFragment, SrcIP: net.ParseIP(src.ip).To4(), DstIP: net.ParseIP(dst.ip).To4()}
	if net.ParseIP(src.ip).To4() == nil {
		eth.EthernetType = layers.EthernetTypeIPv6
		ip = &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP,
			SrcIP: net.ParseIP(src.ip), DstIP: net.ParseIP(dst.ip)}
	}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(src.port), DstPort: layers.TCPPort(dst.port), Seq: *seq, SYN: syn,
		ACK: ack, PSH: len(payload) > 0, Window: 64240}
	if ack {
		tcp.Ack = ackNum
	}
	require.NoError(c.t, tcp.SetNetworkLayerForChecksum(ip))

	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	require.NoError(c.t, gopacket.SerializeLayers(buf, opts, eth, ip.(gopacket.SerializableLayer), tcp, gopacket.Payload(payload)))

	data := buf.Bytes()
	c.frames = append(c.frames, capture.Frame{
		Data: data,
		Info: gopacket.CaptureInfo{Timestamp: c.at, CaptureLength: len(data), Length: len(data)},
		Link: layers.LinkTypeEthernet,
	})
	c.at = c.at.Add(time.Millisecond)

	*seq += uint32(len(payload))
	if syn {
		*seq++
	}
}

// handshake appends SYN, SYN-ACK and ACK.
func (c *conn) handshake() {
	c.segment(true, true, false, nil)
	c.segment(false, true, true, nil)
	c.segment(true, false, true, nil)
}

// exchange appends a request, its response and the client's ACK.
func (c *conn) exchange(request, response []byte) {
	c.segment(true, false, true, request)
	if response != nil {
		c.segment(false, false, true, response)
	}
	c.segment(true, false, true, nil)
}

// writePcap stores frames in a pcap file under the test's temporary folder.
func writePcap(t *testing.T, name string, frames []capture.Frame) string {
	t.Helper()

	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()

	w := pcapgo.NewWriter(f)
	require.NoError(t, w.WriteFileHeader(65535, layers.LinkTypeEthernet))
	for _, frame := range frames {
		require.NoError(t, w.WritePacket(frame.Info, frame.Data))
	}
	return path
}

// adu builds a Modbus/TCP ADU from a transaction ID, unit ID and PDU.
func adu(transactionID uint16, unitID uint8, pdu ...byte) []byte {
	length := len(pdu) + 1
	header := []byte{byte(transactionID >> 8), byte(transactionID), 0, 0, byte(length >> 8), byte(length), unitID}
	return append(header, pdu...)
}

func writeGzip(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	gz := gzip.NewWriter(f)
	if _, err := gz.Write(data); err != nil {
		return err
	}
	if err := gz.Close(); err != nil {
		return err
	}
	return f.Close()
}

// mustParsePolicyNoTest parses a policy for package-level test values; it panics on a
// broken literal, which is a bug in the test itself.
func mustParsePolicyNoTest(text string) *policy.Policy {
	p, err := policy.Parse("test.yaml", []byte(text))
	if err != nil {
		panic(err)
	}
	return p
}
