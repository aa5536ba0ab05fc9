package pcapgen

import (
	"errors"
	"io"
	"net"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/sensor/capture"
	"github.com/otlake/cloud-telemetry-lake/sensor/internal/corpustest"
)

func tcpFrame(t *testing.T, srcPort, dstPort uint16) []byte {
	t.Helper()

	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolTCP,
		SrcIP: net.IP{192, 0, 2, 1}, DstIP: net.IP{192, 0, 2, 2}}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(srcPort), DstPort: layers.TCPPort(dstPort), Seq: 1, ACK: true}
	require.NoError(t, tcp.SetNetworkLayerForChecksum(ip))
	buf := gopacket.NewSerializeBuffer()
	require.NoError(t, gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		&layers.Ethernet{SrcMAC: make(net.HardwareAddr, 6), DstMAC: make(net.HardwareAddr, 6), EthernetType: layers.EthernetTypeIPv4},
		ip, tcp, gopacket.Payload{1, 2, 3}))
	return buf.Bytes()
}

func TestMovePortKeepsChecksum(t *testing.T) {
	tests := []struct {
		name             string
		srcPort, dstPort uint16
		wantSrc, wantDst uint16
	}{
		{"request", 40000, 502, 40000 + 1000, 502},
		{"response", 502, 40000, 502, 40000 + 1000},
		{"wraps within range", 65000, 502, 1024 + (65000 - 1024 + 1000 - portSpan), 502},
		{"other traffic", 40000, 80, 40000, 80},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			frame := tcpFrame(t, tt.srcPort, tt.dstPort)

			movePort(frame, 502, 1000)

			// Re-serialising the decoded packet recomputes the checksum it should carry.
			packet := gopacket.NewPacket(frame, layers.LayerTypeEthernet, gopacket.Default)
			tcp := packet.Layer(layers.LayerTypeTCP).(*layers.TCP)
			assert.Equal(t, tt.wantSrc, uint16(tcp.SrcPort))
			assert.Equal(t, tt.wantDst, uint16(tcp.DstPort))
			assert.Equal(t, tcpFrame(t, tt.wantSrc, tt.wantDst), frame, "frame with a correct checksum")
		})
	}
}

func TestGenerateRepeatsCapture(t *testing.T) {
	source := corpustest.Path(t, "pcap", "bro-modbusSmall.pcap")
	out := filepath.Join(t.TempDir(), "big.pcap")

	written, err := Generate(out, []string{source}, 400, 502)

	require.NoError(t, err)
	assert.Equal(t, 3*166, written, "whole rounds of the 166-frame source")
	src, err := capture.OpenFile(out)
	require.NoError(t, err)
	defer src.Close()
	count := 0
	var last gopacket.CaptureInfo
	for {
		frame, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		if count > 0 && count%166 == 0 {
			assert.True(t, frame.Info.Timestamp.After(last.Timestamp), "round %d starts after the previous one", count/166)
		}
		last = frame.Info
		count++
	}
	assert.Equal(t, written, count)
}
