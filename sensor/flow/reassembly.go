package flow

// Bounds of the out-of-order buffer of one direction. A Modbus ADU is at most 260 bytes,
// so a few KiB covers several ADUs arriving early; beyond that the gap is skipped.
const (
	maxEarlySegments = 8
	maxEarlyBytes    = 4096
)

// Sink consumes a reassembled byte stream.
type Sink interface {
	// Data receives the next in-order bytes. The slice is valid only during the call.
	Data(p []byte)
	// Gap reports that bytes were lost, so the next Data does not follow the last one.
	Gap()
}

// ReassemblyStats counts what a Reassembler did with the segments it was given.
type ReassemblyStats struct {
	Retransmitted uint64 // segments with no new bytes
	OutOfOrder    uint64 // segments buffered because they arrived early
	Gaps          uint64 // gaps skipped because the buffer filled up
}

type earlySegment struct {
	seq  uint32
	data []byte
}

// Reassembler orders the segments of one direction of a TCP flow. The zero value waits
// for the first segment, whose sequence number becomes the start of the stream.
type Reassembler struct {
	next       uint32
	started    bool
	early      []earlySegment
	earlyBytes int
	// finEnd is the sequence number of the FIN seen in this direction, which an
	// acknowledgement covers with one more.
	finSeen bool
	finEnd  uint32
}

// Add hands one segment to the reassembler: seq is its sequence number, syn and fin its
// flags and payload its data. In-order bytes go to sink, at once or when a gap fills.
func (r *Reassembler) Add(seq uint32, syn, fin bool, payload []byte, sink Sink, stats *ReassemblyStats) {
	// The SYN takes one sequence number before the first data byte.
	if syn {
		seq++
		if !r.started {
			r.next = seq
			r.started = true
		}
	}
	if fin {
		r.finSeen = true
		r.finEnd = seq + uint32(len(payload))
	}
	if len(payload) == 0 {
		return
	}

	// A capture that starts mid-stream begins at the first data segment seen.
	if !r.started {
		r.next = seq
		r.started = true
	}

	offset := int32(seq - r.next)
	switch {
	case offset > 0:
		r.keepEarly(seq, payload, sink, stats)
		return

	case offset < 0:
		// Part or all of the segment was delivered already.
		seen := int(-offset)
		if seen >= len(payload) {
			stats.Retransmitted++
			return
		}
		payload = payload[seen:]
	}

	r.next += uint32(len(payload))
	sink.Data(payload)
	r.drainEarly(sink, stats)
}

// keepEarly buffers a segment that arrived before the bytes it follows. When the buffer
// is full, the gap is given up and the stream continues at the earliest buffered byte.
func (r *Reassembler) keepEarly(seq uint32, payload []byte, sink Sink, stats *ReassemblyStats) {
	stats.OutOfOrder++

	if len(r.early) >= maxEarlySegments || r.earlyBytes+len(payload) > maxEarlyBytes {
		stats.Gaps++
		sink.Gap()
		r.next = r.earliest(seq)
		r.insert(seq, payload)
		r.drainEarly(sink, stats)
		return
	}

	r.insert(seq, payload)
}

func (r *Reassembler) earliest(seq uint32) uint32 {
	for _, s := range r.early {
		if int32(s.seq-seq) < 0 {
			seq = s.seq
		}
	}
	return seq
}

func (r *Reassembler) insert(seq uint32, payload []byte) {
	r.early = append(r.early, earlySegment{seq: seq, data: append([]byte(nil), payload...)})
	r.earlyBytes += len(payload)
}

// drainEarly delivers buffered segments that now follow the stream without a gap.
func (r *Reassembler) drainEarly(sink Sink, stats *ReassemblyStats) {
	for progress := true; progress && len(r.early) > 0; {
		progress = false
		for i := 0; i < len(r.early); i++ {
			s := r.early[i]
			offset := int32(s.seq - r.next)
			if offset > 0 {
				continue
			}

			r.early = append(r.early[:i], r.early[i+1:]...)
			r.earlyBytes -= len(s.data)
			i--
			progress = true

			seen := int(-offset)
			if seen >= len(s.data) {
				stats.Retransmitted++
				continue
			}
			r.next += uint32(len(s.data) - seen)
			sink.Data(s.data[seen:])
		}
	}
	if len(r.early) == 0 {
		r.early = r.early[:0]
	}
}

// Acked records that the receiver acknowledged every byte before ack. When ack is past
// the stream position, the capture lost the bytes in between: the receiver has them, so
// the sender does not send them again. The stream then skips to the earliest buffered segment or to
// ack, and reports a gap.
func (r *Reassembler) Acked(ack uint32, sink Sink, stats *ReassemblyStats) {
	// The FIN takes one sequence number after the last data byte.
	if r.finSeen && ack == r.finEnd+1 {
		ack = r.finEnd
	}

	// Acknowledgements more than maxAckLead ahead are forged or corrupt, not capture loss.
	lead := int32(ack - r.next)
	if !r.started || lead <= 0 || lead > maxAckLead {
		return
	}

	stats.Gaps++
	sink.Gap()
	r.next = r.earliestBefore(ack)
	r.drainEarly(sink, stats)
	if int32(ack-r.next) > 0 {
		r.next = ack
		r.drainEarly(sink, stats)
	}
}

// maxAckLead is the largest acknowledgement lead taken as capture loss: a TCP window
// with the largest window scale (2^30 bytes) is the most a receiver can have accepted.
const maxAckLead = 1 << 30

// earliestBefore returns the sequence number of the earliest buffered segment when it
// starts before limit, or limit.
func (r *Reassembler) earliestBefore(limit uint32) uint32 {
	return r.earliest(limit)
}

// IsNewConnection reports whether a SYN with sequence number seq starts a new connection
// rather than repeating the one this direction follows.
func (r *Reassembler) IsNewConnection(seq uint32) bool {
	return r.started && seq+1 != r.next
}

// Reset drops the stream position and any buffered segments, for example when a new
// connection reuses the flow's addresses and ports.
func (r *Reassembler) Reset() {
	r.started = false
	r.finSeen = false
	r.early = r.early[:0]
	r.earlyBytes = 0
}
