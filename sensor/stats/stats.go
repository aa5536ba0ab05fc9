package stats

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"sync/atomic"
	"time"
)

// DecodeError kinds, the keys of Snapshot.DecodeErrors.
const (
	ErrFrame      = iota // frame with a truncated or malformed Ethernet, IP or TCP header
	ErrProtocolID        // MBAP protocol ID other than 0
	ErrLength            // MBAP length outside 2-254
	ErrPDU               // PDU too short or inconsistent for its function
	ErrStreamGap         // bytes lost in a Modbus stream, so it resynchronised
	numDecodeErrors
)

var decodeErrorNames = [numDecodeErrors]string{"frame", "protocol_id", "length", "pdu", "stream_gap"}

// Alert rules, the keys of Snapshot.Alerts.
var ruleNames = []string{"CROSS_ZONE_VIOLATION", "UNAUTHORIZED_MODBUS_WRITE", "OT_BRUTE_FORCE_SCAN", "PROCESS_SAFETY_VIOLATION"}

// Counters are the sensor's running totals.
type Counters struct {
	Packets        atomic.Uint64
	Bytes          atomic.Uint64
	NotTransport   atomic.Uint64 // frames without TCP or UDP (ARP, ICMP, ...)
	KernelDrops    atomic.Uint64 // packets the capture socket dropped
	Flows          atomic.Uint64 // flows created
	FlowsExpired   atomic.Uint64
	FlowsActive    atomic.Int64
	FlowsUntracked atomic.Uint64 // packets of new flows refused because the flow table was full

	Retransmitted atomic.Uint64
	OutOfOrder    atomic.Uint64

	ADUs         [256]atomic.Uint64 // by function code without the exception bit
	Exceptions   atomic.Uint64
	Paired       atomic.Uint64 // responses matched to their request
	Unmatched    atomic.Uint64 // responses with no pending request
	TimedOut     atomic.Uint64 // requests without a response in time
	DecodeErrors [numDecodeErrors]atomic.Uint64
	Alerts       [4]atomic.Uint64 // by rule, in ruleNames order
	DropLines    atomic.Uint64
	OutputErrors atomic.Uint64
	started      time.Time
}

// New returns zeroed counters that measure elapsed time from now.
func New() *Counters { return &Counters{started: time.Now()} }

// CountAlert adds one emitted alert of the named rule.
func (c *Counters) CountAlert(rule string) {
	for i, name := range ruleNames {
		if name == rule {
			c.Alerts[i].Add(1)
		}
	}
}

// Snapshot is a copy of the counters, in the form --stats-json prints.
type Snapshot struct {
	ElapsedSeconds float64           `json:"elapsed_seconds"`
	Packets        uint64            `json:"packets"`
	Bytes          uint64            `json:"bytes"`
	NotTransport   uint64            `json:"not_tcp_udp"`
	KernelDrops    uint64            `json:"kernel_drops"`
	Flows          FlowSnapshot      `json:"flows"`
	TCP            TCPSnapshot       `json:"tcp"`
	ADUs           uint64            `json:"adus"`
	ADUsByFunction map[string]uint64 `json:"adus_by_function"`
	Modbus         ModbusSnapshot    `json:"modbus"`
	DecodeErrors   map[string]uint64 `json:"decode_errors"`
	Alerts         map[string]uint64 `json:"alerts"`
	DropLines      uint64            `json:"drop_lines"`
	OutputErrors   uint64            `json:"output_errors"`
}

// FlowSnapshot counts flows.
type FlowSnapshot struct {
	Created  uint64 `json:"created"`
	Expired  uint64 `json:"expired"`
	Active   int64  `json:"active"`
	Untraced uint64 `json:"untraced_packets"`
}

// TCPSnapshot counts reassembly events.
type TCPSnapshot struct {
	Retransmitted uint64 `json:"retransmitted"`
	OutOfOrder    uint64 `json:"out_of_order"`
}

// ModbusSnapshot counts request and response pairing.
type ModbusSnapshot struct {
	Exceptions uint64 `json:"exceptions"`
	Paired     uint64 `json:"paired"`
	Unmatched  uint64 `json:"unmatched_responses"`
	TimedOut   uint64 `json:"timed_out_requests"`
}

// Snapshot copies the counters. Each counter is read atomically, the set as a whole not.
func (c *Counters) Snapshot() Snapshot {
	s := Snapshot{
		ElapsedSeconds: time.Since(c.started).Seconds(),
		Packets:        c.Packets.Load(),
		Bytes:          c.Bytes.Load(),
		NotTransport:   c.NotTransport.Load(),
		KernelDrops:    c.KernelDrops.Load(),
		Flows: FlowSnapshot{
			Created:  c.Flows.Load(),
			Expired:  c.FlowsExpired.Load(),
			Active:   c.FlowsActive.Load(),
			Untraced: c.FlowsUntracked.Load(),
		},
		TCP: TCPSnapshot{Retransmitted: c.Retransmitted.Load(), OutOfOrder: c.OutOfOrder.Load()},
		Modbus: ModbusSnapshot{
			Exceptions: c.Exceptions.Load(),
			Paired:     c.Paired.Load(),
			Unmatched:  c.Unmatched.Load(),
			TimedOut:   c.TimedOut.Load(),
		},
		ADUsByFunction: map[string]uint64{},
		DecodeErrors:   map[string]uint64{},
		Alerts:         map[string]uint64{},
		DropLines:      c.DropLines.Load(),
		OutputErrors:   c.OutputErrors.Load(),
	}

	for fn := range c.ADUs {
		if n := c.ADUs[fn].Load(); n > 0 {
			s.ADUsByFunction[strconv.Itoa(fn)] = n
			s.ADUs += n
		}
	}
	for kind, name := range decodeErrorNames {
		s.DecodeErrors[name] = c.DecodeErrors[kind].Load()
	}
	for i, name := range ruleNames {
		s.Alerts[name] = c.Alerts[i].Load()
	}
	return s
}

// WriteJSON writes the snapshot as one JSON object and a newline.
func (s Snapshot) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// WriteText writes the snapshot as a short human-readable report.
func (s Snapshot) WriteText(w io.Writer) error {
	rate := 0.0
	if s.ElapsedSeconds > 0 {
		rate = float64(s.Packets) / s.ElapsedSeconds
	}

	lines := []string{
		fmt.Sprintf("packets %d (%d bytes, %.0f packets/s), not TCP/UDP %d, kernel drops %d",
			s.Packets, s.Bytes, rate, s.NotTransport, s.KernelDrops),
		fmt.Sprintf("flows created %d, expired %d, active %d, untracked packets %d",
			s.Flows.Created, s.Flows.Expired, s.Flows.Active, s.Flows.Untraced),
		fmt.Sprintf("tcp retransmitted %d, out of order %d", s.TCP.Retransmitted, s.TCP.OutOfOrder),
		fmt.Sprintf("modbus adus %d by function %s", s.ADUs, formatMap(s.ADUsByFunction)),
		fmt.Sprintf("modbus exceptions %d, paired %d, unmatched responses %d, timed-out requests %d",
			s.Modbus.Exceptions, s.Modbus.Paired, s.Modbus.Unmatched, s.Modbus.TimedOut),
		fmt.Sprintf("decode errors %s", formatMap(s.DecodeErrors)),
		fmt.Sprintf("alerts %s, drop lines %d, output errors %d", formatMap(s.Alerts), s.DropLines, s.OutputErrors),
	}
	for _, line := range lines {
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}

// formatMap writes key=value pairs in key order, numeric keys by number.
func formatMap(m map[string]uint64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, errA := strconv.Atoi(keys[i])
		b, errB := strconv.Atoi(keys[j])
		if errA == nil && errB == nil {
			return a < b
		}
		return keys[i] < keys[j]
	})

	out := "{"
	for i, k := range keys {
		if i > 0 {
			out += " "
		}
		out += fmt.Sprintf("%s=%d", k, m[k])
	}
	return out + "}"
}
