package decode

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Errors of Decode besides the parser's own.
var (
	// ErrNotTransport is returned for frames without a TCP or UDP header, such as ARP or ICMP.
	ErrNotTransport = errors.New("no tcp or udp header")
	// ErrIPVersion is returned when the version field contradicts the EtherType.
	ErrIPVersion = errors.New("ip version field does not match the ethertype")
)

// IP protocol numbers of the transports the sensor follows.
const (
	ProtoTCP = 6
	ProtoUDP = 17
)

// TCP flag bits in Packet.Flags, in the order of the TCP header.
const (
	FlagFIN = 1 << iota
	FlagSYN
	FlagRST
	FlagPSH
	FlagACK
	FlagURG
	FlagECE
	FlagCWR
)

// Packet holds the fields of one decoded frame. Payload aliases the frame's bytes.
type Packet struct {
	// Timestamp is the capture time in Unix nanoseconds; Length is the length on the wire.
	Timestamp int64
	Length    int

	HasEthernet    bool
	SrcMAC, DstMAC [6]byte
	EtherType      uint16 // of the outermost header, as netfilter prints it
	VLAN           uint16 // innermost 802.1Q VLAN ID, 0 when untagged

	IPv6 bool
	// Src and Dst are IPv6 addresses, or IPv4 addresses in IPv4-mapped form.
	Src, Dst  [16]byte
	IPLength  uint16 // IPv4 total length, or IPv6 payload length plus its 40-byte header
	TTL       uint8  // IPv4 TTL or IPv6 hop limit
	TOS       uint8  // IPv4 TOS or IPv6 traffic class
	IPID      uint16
	DF        bool
	FlowLabel uint32

	Proto            uint8
	SrcPort, DstPort uint16
	Seq, Ack         uint32
	Flags            uint8
	Window, Urgent   uint16
	Payload          []byte
}

// SrcAddr returns the source address, unmapped for IPv4.
func (p *Packet) SrcAddr() netip.Addr { return netip.AddrFrom16(p.Src).Unmap() }

// DstAddr returns the destination address, unmapped for IPv4.
func (p *Packet) DstAddr() netip.Addr { return netip.AddrFrom16(p.Dst).Unmap() }

// Decoder decodes frames of one link type. It reuses its layers, so it is not safe for
// concurrent use.
type Decoder struct {
	parser  *gopacket.DecodingLayerParser
	decoded []gopacket.LayerType
	eth     layers.Ethernet
	dot1q   layers.Dot1Q
	ip4     layers.IPv4
	ip6     layers.IPv6
	tcp     lastTCP
	udp     lastUDP
}

// lastTCP and lastUDP end the parse at the transport header. The gopacket layers would
// look their ports up in a map to pick a next layer, which costs a map access per packet
// and decodes nothing the sensor uses: it reads Modbus from reassembled payloads.
type (
	lastTCP struct{ layers.TCP }
	lastUDP struct{ layers.UDP }
)

// NextLayerType returns LayerTypeZero, which ends the parse.
func (*lastTCP) NextLayerType() gopacket.LayerType { return gopacket.LayerTypeZero }

// NextLayerType returns LayerTypeZero, which ends the parse.
func (*lastUDP) NextLayerType() gopacket.LayerType { return gopacket.LayerTypeZero }

// NewDecoder returns a decoder for frames of the given link type: Ethernet, or raw IP.
func NewDecoder(link layers.LinkType) (*Decoder, error) {
	var first gopacket.LayerType
	switch link {
	case layers.LinkTypeEthernet:
		first = layers.LayerTypeEthernet
	case layers.LinkTypeRaw, layers.LinkTypeIPv4:
		first = layers.LayerTypeIPv4
	case layers.LinkTypeIPv6:
		first = layers.LayerTypeIPv6
	default:
		return nil, fmt.Errorf("create decoder for link type %q: unsupported, expected Ethernet or raw IP", link)
	}

	d := &Decoder{decoded: make([]gopacket.LayerType, 0, 8)}
	d.parser = gopacket.NewDecodingLayerParser(first, &d.eth, &d.dot1q, &d.ip4, &d.ip6, &d.tcp, &d.udp)
	d.parser.IgnoreUnsupported = true
	return d, nil
}

// Decode fills p from one frame. It returns ErrNotTransport for frames without TCP or
// UDP, and the parser's error for truncated or malformed headers.
func (d *Decoder) Decode(data []byte, p *Packet) error {
	if err := d.parser.DecodeLayers(data, &d.decoded); err != nil {
		return err
	}

	*p = Packet{Timestamp: p.Timestamp, Length: p.Length}
	for _, layer := range d.decoded {
		switch layer {
		case layers.LayerTypeEthernet:
			p.HasEthernet = true
			copy(p.SrcMAC[:], d.eth.SrcMAC)
			copy(p.DstMAC[:], d.eth.DstMAC)
			p.EtherType = uint16(d.eth.EthernetType)
		case layers.LayerTypeDot1Q:
			p.VLAN = d.dot1q.VLANIdentifier
		case layers.LayerTypeIPv4:
			if d.ip4.Version != 4 {
				return ErrIPVersion
			}
			d.fillIPv4(p)
		case layers.LayerTypeIPv6:
			if d.ip6.Version != 6 {
				return ErrIPVersion
			}
			d.fillIPv6(p)
		case layers.LayerTypeTCP:
			d.fillTCP(p)
			return nil
		case layers.LayerTypeUDP:
			p.Proto = ProtoUDP
			p.SrcPort = uint16(d.udp.SrcPort)
			p.DstPort = uint16(d.udp.DstPort)
			p.Payload = d.udp.Payload
			return nil
		}
	}
	return ErrNotTransport
}

func (d *Decoder) fillIPv4(p *Packet) {
	ip := &d.ip4
	p.Src = v4Mapped
	p.Dst = v4Mapped
	copy(p.Src[12:], ip.SrcIP.To4())
	copy(p.Dst[12:], ip.DstIP.To4())
	p.IPLength = ip.Length
	p.TTL = ip.TTL
	p.TOS = ip.TOS
	p.IPID = ip.Id
	p.DF = ip.Flags&layers.IPv4DontFragment != 0
}

func (d *Decoder) fillIPv6(p *Packet) {
	ip := &d.ip6
	p.IPv6 = true
	p.Src = [16]byte(ip.SrcIP.To16())
	p.Dst = [16]byte(ip.DstIP.To16())
	p.IPLength = ip.Length + ipv6HeaderLen
	p.TTL = ip.HopLimit
	p.TOS = ip.TrafficClass
	p.FlowLabel = ip.FlowLabel
}

// v4Mapped is the ::ffff:0:0/96 prefix that holds an IPv4 address in 16 bytes.
var v4Mapped = [16]byte{10: 0xff, 11: 0xff}

// ipv6HeaderLen is the fixed IPv6 header, which the payload length field leaves out.
const ipv6HeaderLen = 40

func (d *Decoder) fillTCP(p *Packet) {
	tcp := &d.tcp
	p.Proto = ProtoTCP
	p.SrcPort = uint16(tcp.SrcPort)
	p.DstPort = uint16(tcp.DstPort)
	p.Seq = tcp.Seq
	p.Ack = tcp.Ack
	p.Window = tcp.Window
	p.Urgent = tcp.Urgent
	p.Payload = tcp.Payload

	// Flags: byte 13 of the header holds CWR to FIN, the order of the Flag constants.
	p.Flags = tcp.Contents[tcpFlagsOffset]
}

// tcpFlagsOffset is the TCP header byte with the flags CWR, ECE, URG, ACK, PSH, RST, SYN, FIN.
const tcpFlagsOffset = 13
