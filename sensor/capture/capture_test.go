package capture

import (
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/bpf"

	"github.com/otlake/cloud-telemetry-lake/sensor/internal/corpustest"
)

func readAll(t *testing.T, path string) []Frame {
	t.Helper()

	src, err := OpenFile(path)
	require.NoError(t, err)
	defer src.Close()

	var frames []Frame
	for {
		frame, err := src.Next()
		if errors.Is(err, io.EOF) {
			return frames
		}
		require.NoError(t, err)
		frame.Data = append([]byte(nil), frame.Data...)
		frames = append(frames, frame)
	}
}

// writeVariants stores the frames as gzip pcap, pcapng and gzip pcapng files.
func writeVariants(t *testing.T, frames []Frame) map[string]string {
	t.Helper()

	dir := t.TempDir()
	paths := map[string]string{}
	for _, variant := range []string{"pcap.gz", "pcapng", "pcapng.gz"} {
		path := filepath.Join(dir, "capture."+variant)
		f, err := os.Create(path)
		require.NoError(t, err)

		var w io.Writer = f
		var gz *gzip.Writer
		if filepath.Ext(path) == ".gz" {
			gz = gzip.NewWriter(f)
			w = gz
		}

		if variant == "pcap.gz" {
			pw := pcapgo.NewWriter(w)
			require.NoError(t, pw.WriteFileHeader(65535, layers.LinkTypeEthernet))
			for _, frame := range frames {
				require.NoError(t, pw.WritePacket(frame.Info, frame.Data))
			}
		} else {
			nw, err := pcapgo.NewNgWriter(w, layers.LinkTypeEthernet)
			require.NoError(t, err)
			for _, frame := range frames {
				require.NoError(t, nw.WritePacket(frame.Info, frame.Data))
			}
			require.NoError(t, nw.Flush())
		}

		if gz != nil {
			require.NoError(t, gz.Close())
		}
		require.NoError(t, f.Close())
		paths[variant] = path
	}
	return paths
}

func TestOpenFileFormats(t *testing.T) {
	original := readAll(t, corpustest.Path(t, "pcap", "bro-modbusSmall.pcap"))
	require.Len(t, original, 166, "capinfos counts 166 frames")

	for variant, path := range writeVariants(t, original) {
		t.Run(variant, func(t *testing.T) {
			got := readAll(t, path)

			require.Len(t, got, len(original))
			for i := range got {
				assert.Equal(t, original[i].Data, got[i].Data, "frame %d data", i)
				assert.True(t, original[i].Info.Timestamp.Equal(got[i].Info.Timestamp), "frame %d time", i)
				assert.Equal(t, layers.LinkTypeEthernet, got[i].Link)
			}
		})
	}
}

func TestOpenFileRejectsText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.pcap")
	require.NoError(t, os.WriteFile(path, []byte("not a capture file\n"), 0o600))

	_, err := OpenFile(path)

	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
}

func TestOpenFileMissing(t *testing.T) {
	_, err := OpenFile(filepath.Join(t.TempDir(), "missing.pcap"))

	assert.ErrorIs(t, err, os.ErrNotExist)
}

func buildFrame(t *testing.T, ipv6 bool, srcPort, dstPort uint16, udp bool) []byte {
	t.Helper()

	eth := &layers.Ethernet{SrcMAC: make([]byte, 6), DstMAC: make([]byte, 6), EthernetType: layers.EthernetTypeIPv4}
	var network gopacket.NetworkLayer
	proto := layers.IPProtocolTCP
	if udp {
		proto = layers.IPProtocolUDP
	}
	if ipv6 {
		eth.EthernetType = layers.EthernetTypeIPv6
		network = &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: proto, SrcIP: make([]byte, 16), DstIP: make([]byte, 16)}
	} else {
		network = &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: proto, SrcIP: []byte{192, 0, 2, 1}, DstIP: []byte{192, 0, 2, 2}}
	}

	var transport gopacket.SerializableLayer
	if udp {
		u := &layers.UDP{SrcPort: layers.UDPPort(srcPort), DstPort: layers.UDPPort(dstPort)}
		require.NoError(t, u.SetNetworkLayerForChecksum(network))
		transport = u
	} else {
		tcp := &layers.TCP{SrcPort: layers.TCPPort(srcPort), DstPort: layers.TCPPort(dstPort), Window: 1024}
		require.NoError(t, tcp.SetNetworkLayerForChecksum(network))
		transport = tcp
	}

	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	require.NoError(t, gopacket.SerializeLayers(buf, opts, eth, network.(gopacket.SerializableLayer), transport))
	return buf.Bytes()
}

func TestPortFilter(t *testing.T) {
	filter, err := PortFilter([]uint16{502, 20000})
	require.NoError(t, err)
	vm, err := bpf.NewVM(disassemble(t, filter))
	require.NoError(t, err)

	tests := []struct {
		name     string
		ipv6     bool
		udp      bool
		src, dst uint16
		accept   bool
	}{
		{"ipv4 tcp to 502", false, false, 40000, 502, true},
		{"ipv4 tcp from 502", false, false, 502, 40000, true},
		{"ipv4 tcp second port", false, false, 40000, 20000, true},
		{"ipv4 tcp other port", false, false, 40000, 80, false},
		{"ipv4 udp to 502", false, true, 40000, 502, true},
		{"ipv6 tcp to 502", true, false, 40000, 502, true},
		{"ipv6 tcp other port", true, false, 40000, 443, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kept, err := vm.Run(buildFrame(t, tt.ipv6, tt.src, tt.dst, tt.udp))

			require.NoError(t, err)
			assert.Equal(t, tt.accept, kept > 0)
		})
	}
}

func TestPortFilterLimits(t *testing.T) {
	_, err := PortFilter(nil)
	assert.Error(t, err)

	_, err = PortFilter(make([]uint16, 65))
	assert.Error(t, err)
}

func disassemble(t *testing.T, raw []bpf.RawInstruction) []bpf.Instruction {
	t.Helper()

	program, ok := bpf.Disassemble(raw)
	require.True(t, ok, "filter disassembles")
	return program
}
