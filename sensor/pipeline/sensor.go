package pipeline

import (
	"errors"
	"log/slog"
	"net/netip"
	"slices"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/otlake/cloud-telemetry-lake/sensor/capture"
	"github.com/otlake/cloud-telemetry-lake/sensor/decode"
	"github.com/otlake/cloud-telemetry-lake/sensor/flow"
	"github.com/otlake/cloud-telemetry-lake/sensor/modbus"
	"github.com/otlake/cloud-telemetry-lake/sensor/output"
	"github.com/otlake/cloud-telemetry-lake/sensor/policy"
	"github.com/otlake/cloud-telemetry-lake/sensor/rules"
	"github.com/otlake/cloud-telemetry-lake/sensor/stats"
)

// DefaultMaxFlows bounds the flow table. A Modbus flow keeps about 1 KiB of state (two
// partial ADUs and the pending requests), so the table stays near 64 MiB at worst.
const DefaultMaxFlows = 65536

// AlertSink receives emitted alerts.
type AlertSink interface {
	WriteAlert(a *output.Alert) error
}

// Config sets up a Sensor.
type Config struct {
	// Name is the sensor's name in alerts and the host in drop lines.
	Name   string
	Policy *policy.Policy
	// Alerts receives alerts; Drops, when set, receives netfilter LOG lines for flows the
	// policy forbids, with DropPrefix (output.DefaultDropPrefix when empty).
	Alerts     AlertSink
	Drops      output.LineWriter
	DropPrefix string
	// FilterPorts, when set, keeps only TCP and UDP packets with one of these ports.
	FilterPorts []uint16
	// MaxFlows bounds the flow table, DefaultMaxFlows when 0.
	MaxFlows int
	// Counters receives the counts; a fresh set is made when nil.
	Counters *stats.Counters
}

// Sensor processes frames. It is not safe for concurrent use.
type Sensor struct {
	cfg      Config
	policy   *policy.Policy
	counters *stats.Counters
	engine   *rules.Engine
	table    *flow.Table[flowState]

	link    layers.LinkType
	decoder *decode.Decoder
	pkt     decode.Packet
	values  []uint16
	req     modbus.Request
	reasm   flow.ReassemblyStats
	// spare holds the Modbus state of expired flows for reuse by new ones.
	spare   []*modbusState
	dropBuf []byte
	timeout int64

	// The flow and direction of the segment being reassembled, for the Sink and Handler
	// callbacks.
	cur         *flowState
	curDir      *direction
	curToServer bool

	// OnADU, when set, is called for each decoded ADU; req is nil for responses and for
	// requests whose PDU failed to parse. Tests and tools use it to watch the decoder.
	OnADU func(f *rules.Flow, toServer bool, adu *modbus.ADU, req *modbus.Request)
}

type flowState struct {
	info      rules.Flow
	clientIsA bool
	modbus    *modbusState // nil unless the server port is a Modbus port over TCP
}

type modbusState struct {
	toServer, toClient direction
	transactions       modbus.Transactions
}

type direction struct {
	reassembler flow.Reassembler
	stream      modbus.Stream
}

// New returns a sensor for cfg.
func New(cfg Config) *Sensor {
	if cfg.Policy == nil {
		cfg.Policy = policy.Default()
	}
	if cfg.Counters == nil {
		cfg.Counters = stats.New()
	}
	if cfg.MaxFlows <= 0 {
		cfg.MaxFlows = DefaultMaxFlows
	}

	s := &Sensor{
		cfg:      cfg,
		policy:   cfg.Policy,
		counters: cfg.Counters,
		values:   make([]uint16, modbus.MaxValues),
		timeout:  int64(cfg.Policy.Detection.TransactionTimeout),
	}
	s.engine = rules.New(cfg.Policy, cfg.Name, s.emitAlert)
	s.table = flow.NewTable(int64(cfg.Policy.Detection.FlowTimeout), cfg.MaxFlows, s.expireFlow)
	return s
}

// Counters returns the sensor's counters.
func (s *Sensor) Counters() *stats.Counters { return s.counters }

// HandleFrame runs one captured frame through the pipeline.
func (s *Sensor) HandleFrame(frame capture.Frame) {
	s.counters.Packets.Add(1)
	s.counters.Bytes.Add(uint64(frame.Info.Length))

	// Decode: a frame without TCP or UDP is counted and skipped.
	if frame.Link != s.link || s.decoder == nil {
		if !s.setLink(frame.Link) {
			return
		}
	}
	p := &s.pkt
	p.Timestamp = frame.Info.Timestamp.UnixNano()
	p.Length = frame.Info.Length
	if err := s.decoder.Decode(frame.Data, p); err != nil {
		if errors.Is(err, decode.ErrNotTransport) {
			s.counters.NotTransport.Add(1)
		} else {
			s.counters.DecodeErrors[stats.ErrFrame].Add(1)
		}
		return
	}
	now := p.Timestamp
	s.engine.Advance(now)

	if len(s.cfg.FilterPorts) > 0 && !slices.Contains(s.cfg.FilterPorts, p.SrcPort) && !slices.Contains(s.cfg.FilterPorts, p.DstPort) {
		return
	}

	// Flow: new flows are classified and checked against the zone policy once.
	key, srcIsA := flow.NewKey(p.Src, p.Dst, p.SrcPort, p.DstPort, p.Proto)
	entry, created := s.table.Lookup(key, now)
	if entry == nil {
		s.counters.FlowsUntracked.Add(1)
		return
	}
	st := &entry.State
	if created {
		s.startFlow(st, srcIsA, frame.Interface)
	}
	if st.modbus == nil {
		return
	}

	// Reassembly: the segment's bytes reach the Modbus stream of its direction in order.
	s.cur = st
	s.curToServer = srcIsA == st.clientIsA
	s.curDir = &st.modbus.toClient
	if s.curToServer {
		s.curDir = &st.modbus.toServer
	}
	syn := p.Flags&decode.FlagSYN != 0
	if syn && s.curDir.reassembler.IsNewConnection(p.Seq) {
		s.curDir.reassembler.Reset()
		s.curDir.stream.Reset()
	}
	s.curDir.reassembler.Add(p.Seq, syn, p.Flags&decode.FlagFIN != 0, p.Payload, s, &s.reasm)

	// An acknowledgement past the other direction's stream position means the capture
	// lost those bytes for good: that stream skips the gap instead of waiting.
	if p.Flags&decode.FlagACK != 0 {
		s.curToServer = !s.curToServer
		s.curDir = &st.modbus.toClient
		if s.curToServer {
			s.curDir = &st.modbus.toServer
		}
		s.curDir.reassembler.Acked(p.Ack, s, &s.reasm)
	}
	s.syncReassemblyStats()
}

func (s *Sensor) setLink(link layers.LinkType) bool {
	decoder, err := decode.NewDecoder(link)
	if err != nil {
		s.counters.DecodeErrors[stats.ErrFrame].Add(1)
		slog.Warn("skip frame", "link_type", link.String(), "error", err)
		return false
	}
	s.link, s.decoder = link, decoder
	return true
}

func (s *Sensor) syncReassemblyStats() {
	if s.reasm == (flow.ReassemblyStats{}) {
		return
	}
	s.counters.Retransmitted.Add(s.reasm.Retransmitted)
	s.counters.OutOfOrder.Add(s.reasm.OutOfOrder)
	s.reasm = flow.ReassemblyStats{}
}

// startFlow decides which end is the client, looks up the zones, and applies the
// cross-zone rule to the flow's first packet.
func (s *Sensor) startFlow(st *flowState, srcIsA bool, iface string) {
	p := &s.pkt
	s.counters.Flows.Add(1)
	s.counters.FlowsActive.Add(1)

	srcIsClient := s.sourceIsClient()
	st.clientIsA = srcIsClient == srcIsA
	src, dst := p.SrcAddr(), p.DstAddr()
	info := &st.info
	if srcIsClient {
		info.Client, info.Server, info.ClientPort, info.ServerPort = src, dst, p.SrcPort, p.DstPort
	} else {
		info.Client, info.Server, info.ClientPort, info.ServerPort = dst, src, p.DstPort, p.SrcPort
	}
	info.ClientZone = s.policy.ZoneOf(info.Client)
	info.ServerZone = s.policy.ZoneOf(info.Server)
	info.Proto = policy.ProtocolUDP
	if p.Proto == decode.ProtoTCP {
		info.Proto = policy.ProtocolTCP
	}

	if p.Proto == decode.ProtoTCP && s.policy.IsModbusPort(info.ServerPort) {
		st.modbus = s.newModbusState()
	}

	if s.engine.CheckFlow(info, p.Timestamp) {
		s.writeDropLine(iface)
	}
}

// sourceIsClient reports whether the current packet comes from the flow's client: the end
// talking to a Modbus port, else the sender of a SYN, else the end with the higher port.
// The Modbus port comes first because a forged or fuzzed SYN must not turn a Modbus flow
// into an unwatched one.
func (s *Sensor) sourceIsClient() bool {
	p := &s.pkt
	dstModbus, srcModbus := s.policy.IsModbusPort(p.DstPort), s.policy.IsModbusPort(p.SrcPort)
	if dstModbus != srcModbus {
		return dstModbus
	}

	if p.Proto == decode.ProtoTCP && p.Flags&decode.FlagSYN != 0 {
		return p.Flags&decode.FlagACK == 0
	}
	return p.SrcPort >= p.DstPort
}

func (s *Sensor) writeDropLine(iface string) {
	if s.cfg.Drops == nil {
		return
	}

	s.dropBuf = output.AppendDropLine(s.dropBuf[:0], output.Drop{
		Time:   time.Unix(0, s.pkt.Timestamp),
		Host:   s.cfg.Name,
		Prefix: s.cfg.DropPrefix,
		In:     iface,
		Packet: &s.pkt,
	})
	if err := s.cfg.Drops.WriteLine(s.dropBuf); err != nil {
		s.counters.OutputErrors.Add(1)
		slog.Error("write drop line", "error", err)
		return
	}
	s.counters.DropLines.Add(1)
}

func (s *Sensor) emitAlert(a *output.Alert) {
	s.counters.CountAlert(a.Rule)
	if s.cfg.Alerts == nil {
		return
	}
	if err := s.cfg.Alerts.WriteAlert(a); err != nil {
		s.counters.OutputErrors.Add(1)
		slog.Error("write alert", "rule", a.Rule, "src_ip", a.SrcIP, "dst_ip", a.DstIP, "error", err)
	}
}

func (s *Sensor) expireFlow(_ flow.Key, entry *flow.Entry[flowState]) {
	s.counters.FlowsExpired.Add(1)
	s.counters.FlowsActive.Add(-1)

	if m := entry.State.modbus; m != nil && len(s.spare) < maxSpareStates {
		s.spare = append(s.spare, m)
	}
}

// maxSpareStates bounds the Modbus states kept for reuse after their flows expired.
const maxSpareStates = 1024

// newModbusState returns a zeroed Modbus state, reusing one of an expired flow if it can.
func (s *Sensor) newModbusState() *modbusState {
	n := len(s.spare)
	if n == 0 {
		return new(modbusState)
	}

	m := s.spare[n-1]
	s.spare = s.spare[:n-1]
	*m = modbusState{}
	return m
}

// Flush emits the updates of open alerts, as at the end of a replay or before exit.
func (s *Sensor) Flush() {
	s.engine.Flush()
}

// ZoneName returns the name of addr's zone, or "" outside every zone; for tools.
func (s *Sensor) ZoneName(addr netip.Addr) string {
	if z := s.policy.ZoneOf(addr); z != nil {
		return z.Name
	}
	return ""
}
