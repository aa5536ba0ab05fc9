package simnet

import (
	"net"
	"net/netip"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/otlake/cloud-telemetry-lake/sensor/campaign"
)

// TCP flags of simulated segments.
const (
	flagFIN = 1 << iota
	flagSYN
	flagRST
	flagPSH
	flagACK
)

// tcpWindow is the advertised receive window, Linux's initial value for a 1500-byte MTU.
const tcpWindow = 64240

// leg is one TCP connection between two lab hosts with its sequence numbers.
type leg struct {
	net            *Net
	client, server netip.AddrPort
	clientSeq      uint32 // next sequence number the client sends
	serverSeq      uint32
	clientSYNSent  bool // the client sent its SYN, so a retransmission keeps its number
}

func (n *Net) newLeg(client, server netip.AddrPort) *leg {
	n.nextISN += 0x01000193
	return &leg{net: n, client: client, server: server, clientSeq: n.nextISN, serverSeq: ^n.nextISN}
}

// send records one segment at time at, from the client when fromClient, and advances the
// sender's sequence number by the payload (SYN and FIN count one).
func (l *leg) send(at time.Time, fromClient bool, flags int, payload []byte) {
	src, dst := l.client, l.server
	seq, ack := &l.clientSeq, l.serverSeq
	if !fromClient {
		src, dst = l.server, l.client
		seq, ack = &l.serverSeq, l.clientSeq
	}
	if flags&flagACK == 0 {
		ack = 0
	}

	tcp := &layers.TCP{
		SrcPort: layers.TCPPort(src.Port()),
		DstPort: layers.TCPPort(dst.Port()),
		Seq:     *seq,
		Ack:     ack,
		FIN:     flags&flagFIN != 0,
		SYN:     flags&flagSYN != 0,
		RST:     flags&flagRST != 0,
		PSH:     flags&flagPSH != 0,
		ACK:     flags&flagACK != 0,
		Window:  tcpWindow,
	}
	l.net.record(at, src.Addr(), dst.Addr(), tcp, payload)

	// A retransmitted SYN reuses its sequence number: advance only on the first one.
	switch {
	case flags&flagSYN != 0 && fromClient && flags&flagACK == 0:
		if !l.clientSYNSent {
			l.clientSYNSent = true
			*seq++
		}
	case flags&(flagSYN|flagFIN) != 0:
		*seq++
	}
	*seq += uint32(len(payload))
}

// record serializes one IPv4 TCP frame between two lab addresses.
func (n *Net) record(at time.Time, src, dst netip.Addr, tcp *layers.TCP, payload []byte) {
	n.ipID++
	eth := &layers.Ethernet{SrcMAC: macOf(nextHop(dst, src)), DstMAC: macOf(nextHop(src, dst)), EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{
		Version:  4,
		TTL:      64,
		Id:       n.ipID,
		Flags:    layers.IPv4DontFragment,
		Protocol: layers.IPProtocolTCP,
		SrcIP:    src.AsSlice(),
		DstIP:    dst.AsSlice(),
	}
	if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
		panic(err) // ip is an IPv4 layer, the only kind this package builds
	}

	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, eth, ip, tcp, gopacket.Payload(payload)); err != nil {
		panic(err) // the layers above are always valid; a failure is a bug in this package
	}
	n.packets = append(n.packets, packet{at: at, data: append([]byte(nil), buf.Bytes()...)})
}

// nextHop returns the address whose MAC a frame from src to dst carries on src's link:
// dst itself on the same network, otherwise the gateway's address on src's network.
func nextHop(src, dst netip.Addr) netip.Addr {
	switch {
	case campaign.EnterpriseNet.Contains(src) && !campaign.EnterpriseNet.Contains(dst):
		return campaign.GatewayITAddr
	case campaign.ControlNet.Contains(src) && !campaign.ControlNet.Contains(dst):
		return campaign.GatewayControlAddr
	}
	return dst
}

// macOf returns a locally administered MAC address derived from a lab IPv4 address.
func macOf(addr netip.Addr) net.HardwareAddr {
	a := addr.As4()
	return net.HardwareAddr{0x02, 0x42, a[0], a[1], a[2], a[3]}
}
