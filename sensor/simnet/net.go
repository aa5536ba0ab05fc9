package simnet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/otlake/cloud-telemetry-lake/sensor/campaign"
	"github.com/otlake/cloud-telemetry-lake/sensor/plant"
)

// Simulated timing: one hop on a lab link, and the PLC's response time.
const (
	hopDelay    = 150 * time.Microsecond
	serverDelay = 2 * time.Millisecond
)

// synRetransmit is the Linux TCP initial retransmission timeout (RFC 6298 allows 1 s):
// an unanswered SYN is sent again after 1 s, then after 2 s more.
const synRetransmit = time.Second

// snapLen is the capture's snapshot length; every simulated frame is far shorter.
const snapLen = 65535

// firstEphemeralPort is the first client port, the start of Linux's default local range.
const firstEphemeralPort = 32768

// Net is the simulated lab network. It is not safe for concurrent use: clients on one
// Net run one after another, each on its own Clock.
type Net struct {
	plant    *plant.Plant
	now      time.Time // time of the exchange being served, the plant's clock
	packets  []packet
	nextPort uint16
	nextISN  uint32
	ipID     uint16
}

type packet struct {
	at   time.Time
	data []byte
}

// New returns an empty network whose plant starts at start.
func New(start time.Time) *Net {
	n := &Net{now: start, nextPort: firstEphemeralPort, nextISN: 0x1000_0000}
	n.plant = plant.New(func() time.Time { return n.now }, nil)
	return n
}

// Plant returns the simulated PLC's process.
func (n *Net) Plant() *plant.Plant { return n.plant }

// Host returns the network as seen from the lab host addr, timed by clock.
func (n *Net) Host(addr netip.Addr, clock *Clock) campaign.Network {
	return &host{net: n, addr: addr, clock: clock}
}

// PacketCount returns how many frames the network has recorded.
func (n *Net) PacketCount() int { return len(n.packets) }

// WritePcap writes every recorded frame, ordered by time, as an Ethernet pcap file.
func (n *Net) WritePcap(w io.Writer) error {
	slices.SortStableFunc(n.packets, func(a, b packet) int { return a.at.Compare(b.at) })

	pw := pcapgo.NewWriterNanos(w)
	if err := pw.WriteFileHeader(snapLen, layers.LinkTypeEthernet); err != nil {
		return fmt.Errorf("write pcap header: %w", err)
	}
	for i, p := range n.packets {
		ci := gopacket.CaptureInfo{Timestamp: p.at, CaptureLength: len(p.data), Length: len(p.data)}
		if err := pw.WritePacket(ci, p.data); err != nil {
			return fmt.Errorf("write pcap frame %d: %w", i+1, err)
		}
	}
	return nil
}

type host struct {
	net   *Net
	addr  netip.Addr
	clock *Clock
}

// Dial routes a connection through the lab as the gateway's firewall would: the
// attacker's workstation reaches the PLC only through the port forward, control-network
// hosts reach the PLC directly, and everything else from the enterprise side into the
// control network is dropped.
func (h *host) Dial(ctx context.Context, dst netip.AddrPort, timeout time.Duration) (campaign.Session, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := campaign.CheckTarget(dst.Addr()); err != nil {
		return nil, err
	}
	plc := netip.AddrPortFrom(campaign.PLCAddr, campaign.ModbusPort)
	forward := netip.AddrPortFrom(campaign.GatewayITAddr, campaign.ModbusPort)

	switch {
	case h.addr == campaign.AttackerAddr && dst == forward:
		outer := h.net.newLeg(netip.AddrPortFrom(h.addr, h.net.port()), dst)
		inner := h.net.newLeg(netip.AddrPortFrom(campaign.GatewayControlAddr, h.net.port()), plc)
		return h.open(outer, inner), nil

	case campaign.ControlNet.Contains(h.addr) && dst == plc:
		return h.open(h.net.newLeg(netip.AddrPortFrom(h.addr, h.net.port()), dst)), nil

	case campaign.EnterpriseNet.Contains(h.addr) && campaign.ControlNet.Contains(dst.Addr()):
		leg := h.net.newLeg(netip.AddrPortFrom(h.addr, h.net.port()), dst)
		start := h.clock.Now()
		for at, wait := start, synRetransmit; at.Sub(start) < timeout; at, wait = at.Add(wait), 2*wait {
			leg.send(at, true, flagSYN, nil)
		}
		h.clock.advance(timeout)
		return nil, fmt.Errorf("connect %s: %w", dst, campaign.ErrSimTimeout)
	}
	return nil, fmt.Errorf("connect %s from %s: no route in the simulated lab", dst, h.addr)
}

// open performs the handshake on each leg, outermost first, and returns the session.
func (h *host) open(legs ...*leg) *session {
	at := h.clock.Now()
	for _, l := range legs {
		l.send(at, true, flagSYN, nil)
		at = at.Add(hopDelay)
	}
	for i := len(legs) - 1; i >= 0; i-- {
		legs[i].send(at, false, flagSYN|flagACK, nil)
		at = at.Add(hopDelay)
	}
	for _, l := range legs {
		l.send(at, true, flagACK, nil)
	}
	h.clock.advance(at.Sub(h.clock.Now()))
	return &session{host: h, legs: legs}
}

type session struct {
	host   *host
	legs   []*leg
	codec  campaign.Codec
	closed bool
}

// Exchange sends the request along every leg, lets the plant respond to it, and carries the
// response back, acknowledging each segment.
func (s *session) Exchange(ctx context.Context, unit uint8, pdu []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.closed {
		return nil, fmt.Errorf("exchange with %s: session closed", s.legs[0].server)
	}
	request := s.codec.Request(unit, pdu)
	clock := s.host.clock
	at := clock.Now()

	for _, l := range s.legs {
		l.send(at, true, flagPSH|flagACK, request)
		at = at.Add(hopDelay)
	}

	// The PLC responds to the innermost leg's client: the HMI, or the gateway for the attacker.
	s.host.net.now = at
	inner := s.legs[len(s.legs)-1]
	answer := s.host.net.plant.Serve(inner.client.Addr().String(), unit, pdu)
	if answer == nil {
		clock.advance(at.Sub(clock.Now()))
		s.Close()
		return nil, fmt.Errorf("exchange with %s: %w", s.legs[0].server, errClosedByPLC)
	}
	response := campaign.Frame(binaryID(request), unit, answer)
	at = at.Add(serverDelay)

	for i := len(s.legs) - 1; i >= 0; i-- {
		s.legs[i].send(at, false, flagPSH|flagACK, response)
		at = at.Add(hopDelay)
	}
	for _, l := range s.legs {
		l.send(at, true, flagACK, nil)
	}
	clock.advance(at.Sub(clock.Now()))
	return response[7:], nil
}

// Close ends every leg with a FIN exchange.
func (s *session) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	clock := s.host.clock
	at := clock.Now()

	for _, l := range s.legs {
		l.send(at, true, flagFIN|flagACK, nil)
		l.send(at.Add(hopDelay), false, flagFIN|flagACK, nil)
		l.send(at.Add(2*hopDelay), true, flagACK, nil)
		at = at.Add(3 * hopDelay)
	}
	clock.advance(at.Sub(clock.Now()))
	return nil
}

// errClosedByPLC is the error for a malformed request, on which the PLC's server closes
// the connection without answering.
var errClosedByPLC = errors.New("connection closed by the PLC after a malformed request")

func binaryID(adu []byte) uint16 { return uint16(adu[0])<<8 | uint16(adu[1]) }

func (n *Net) port() uint16 {
	p := n.nextPort
	n.nextPort++
	if n.nextPort == 0 {
		n.nextPort = firstEphemeralPort
	}
	return p
}
