package decode

import (
	"net"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func serialize(t *testing.T, layerList ...gopacket.SerializableLayer) []byte {
	t.Helper()

	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	require.NoError(t, gopacket.SerializeLayers(buf, opts, layerList...))
	return buf.Bytes()
}

func TestDecodeFrames(t *testing.T) {
	mac1, mac2 := net.HardwareAddr{0, 0, 0x5e, 0, 0x53, 1}, net.HardwareAddr{0, 0, 0x5e, 0, 0x53, 2}
	ip4 := &layers.IPv4{Version: 4, IHL: 5, TTL: 63, TOS: 0x10, Id: 77, Flags: layers.IPv4DontFragment,
		Protocol: layers.IPProtocolTCP, SrcIP: net.IP{192, 0, 2, 1}, DstIP: net.IP{192, 0, 2, 2}}
	tcp := &layers.TCP{SrcPort: 40000, DstPort: 502, Seq: 7, Ack: 9, SYN: true, ACK: true, Window: 1000}
	require.NoError(t, tcp.SetNetworkLayerForChecksum(ip4))
	payload := gopacket.Payload{0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 1}

	ip6 := &layers.IPv6{Version: 6, HopLimit: 9, NextHeader: layers.IPProtocolTCP,
		SrcIP: net.ParseIP("2001:db8::1"), DstIP: net.ParseIP("2001:db8::2")}
	tcp6 := &layers.TCP{SrcPort: 502, DstPort: 40001, PSH: true, ACK: true}
	require.NoError(t, tcp6.SetNetworkLayerForChecksum(ip6))

	tests := []struct {
		name    string
		link    layers.LinkType
		frame   []byte
		check   func(t *testing.T, p *Packet)
		wantErr error
	}{
		{
			name: "ethernet ipv4 tcp",
			link: layers.LinkTypeEthernet,
			frame: serialize(t, &layers.Ethernet{SrcMAC: mac1, DstMAC: mac2, EthernetType: layers.EthernetTypeIPv4},
				ip4, tcp, payload),
			check: func(t *testing.T, p *Packet) {
				assert.Equal(t, "192.0.2.1", p.SrcAddr().String())
				assert.Equal(t, "192.0.2.2", p.DstAddr().String())
				assert.Equal(t, [6]byte(mac1), p.SrcMAC)
				assert.Equal(t, uint16(0x0800), p.EtherType)
				assert.Equal(t, uint16(52), p.IPLength)
				assert.Equal(t, uint8(63), p.TTL)
				assert.Equal(t, uint16(77), p.IPID)
				assert.True(t, p.DF)
				assert.Equal(t, uint8(ProtoTCP), p.Proto)
				assert.Equal(t, uint16(40000), p.SrcPort)
				assert.Equal(t, uint32(7), p.Seq)
				assert.Equal(t, uint8(FlagSYN|FlagACK), p.Flags)
				assert.Equal(t, []byte(payload), p.Payload)
			},
		},
		{
			name: "vlan tagged",
			link: layers.LinkTypeEthernet,
			frame: serialize(t, &layers.Ethernet{SrcMAC: mac1, DstMAC: mac2, EthernetType: layers.EthernetTypeDot1Q},
				&layers.Dot1Q{VLANIdentifier: 42, Type: layers.EthernetTypeIPv4}, ip4, tcp, payload),
			check: func(t *testing.T, p *Packet) {
				assert.Equal(t, uint16(42), p.VLAN)
				assert.Equal(t, uint16(502), p.DstPort)
				assert.Equal(t, []byte(payload), p.Payload)
			},
		},
		{
			name:  "raw ipv6",
			link:  layers.LinkTypeIPv6,
			frame: serialize(t, ip6, tcp6, payload),
			check: func(t *testing.T, p *Packet) {
				assert.True(t, p.IPv6)
				assert.False(t, p.HasEthernet)
				assert.Equal(t, "2001:db8::1", p.SrcAddr().String())
				assert.Equal(t, uint16(40+20+len(payload)), p.IPLength)
				assert.Equal(t, uint8(9), p.TTL)
				assert.Equal(t, uint8(FlagPSH|FlagACK), p.Flags)
			},
		},
		{
			name: "arp",
			link: layers.LinkTypeEthernet,
			frame: serialize(t, &layers.Ethernet{SrcMAC: mac1, DstMAC: mac2, EthernetType: layers.EthernetTypeARP},
				&layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6,
					ProtAddressSize: 4, SourceHwAddress: mac1, SourceProtAddress: []byte{192, 0, 2, 1},
					DstHwAddress: mac2, DstProtAddress: []byte{192, 0, 2, 2}}),
			wantErr: ErrNotTransport,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := NewDecoder(tt.link)
			require.NoError(t, err)
			var p Packet

			err = d.Decode(tt.frame, &p)

			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			tt.check(t, &p)
		})
	}
}

func TestDecodeRejectsBadInput(t *testing.T) {
	d, err := NewDecoder(layers.LinkTypeEthernet)
	require.NoError(t, err)
	var p Packet

	// An IPv4 EtherType whose header says version 2, as in a fuzzed capture.
	ip := &layers.IPv4{Version: 4, IHL: 5, Protocol: layers.IPProtocolTCP, SrcIP: net.IP{192, 0, 2, 1}, DstIP: net.IP{192, 0, 2, 2}}
	tcp := &layers.TCP{SrcPort: 1, DstPort: 2}
	require.NoError(t, tcp.SetNetworkLayerForChecksum(ip))
	frame := serialize(t, &layers.Ethernet{SrcMAC: make(net.HardwareAddr, 6), DstMAC: make(net.HardwareAddr, 6),
		EthernetType: layers.EthernetTypeIPv4}, ip, tcp)
	frame[14] = 0x25
	assert.ErrorIs(t, d.Decode(frame, &p), ErrIPVersion)

	assert.Error(t, d.Decode(frame[:20], &p), "truncated IPv4 header")

	_, err = NewDecoder(layers.LinkTypeLinuxSLL)
	assert.Error(t, err, "unsupported link type")
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 8, 0, 0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2,
		0x9c, 0x40, 1, 0xf6, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 2, 0xff, 0xff, 0, 0, 0, 0})
	d, err := NewDecoder(layers.LinkTypeEthernet)
	require.NoError(f, err)

	f.Fuzz(func(t *testing.T, frame []byte) {
		var p Packet
		if err := d.Decode(frame, &p); err != nil {
			return
		}
		assert.LessOrEqual(t, len(p.Payload), len(frame))
	})
}
