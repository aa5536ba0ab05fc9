package flow

import "encoding/binary"

// Key identifies a flow in both directions: the lower endpoint (address, then port) is
// always A, so both directions of a connection map to the same key.
type Key struct {
	AddrA, AddrB [16]byte
	PortA, PortB uint16
	Proto        uint8
}

// NewKey returns the key of a packet from src to dst, and whether src is endpoint A.
// IPv4 addresses are given in their IPv4-mapped IPv6 form.
func NewKey(src, dst [16]byte, srcPort, dstPort uint16, proto uint8) (Key, bool) {
	srcFirst := src != dst && less(src, dst) || src == dst && srcPort <= dstPort
	if srcFirst {
		return Key{AddrA: src, AddrB: dst, PortA: srcPort, PortB: dstPort, Proto: proto}, true
	}
	return Key{AddrA: dst, AddrB: src, PortA: dstPort, PortB: srcPort, Proto: proto}, false
}

// less orders addresses as big-endian 128-bit numbers.
func less(a, b [16]byte) bool {
	aHigh, bHigh := binary.BigEndian.Uint64(a[:8]), binary.BigEndian.Uint64(b[:8])
	if aHigh != bHigh {
		return aHigh < bHigh
	}
	return binary.BigEndian.Uint64(a[8:]) < binary.BigEndian.Uint64(b[8:])
}

// Entry is one tracked flow.
type Entry[S any] struct {
	// LastSeen is the capture time of the flow's latest packet, in Unix nanoseconds.
	LastSeen int64
	// State is the caller's per-flow state, zero when the flow is new.
	State S
}

// Table tracks flows by key and expires those idle for longer than its timeout. Time is
// the capture time of the packets, so a replay expires flows as the live capture did.
// A Table is not safe for concurrent use.
type Table[S any] struct {
	flows     map[Key]*Entry[S]
	free      []*Entry[S]
	idle      int64
	maxFlows  int
	nextSweep int64
	onExpire  func(Key, *Entry[S])
}

// NewTable returns a table that keeps at most maxFlows flows and expires a flow idle for
// idle nanoseconds, calling onExpire (which may be nil) before it removes the flow.
func NewTable[S any](idle int64, maxFlows int, onExpire func(Key, *Entry[S])) *Table[S] {
	return &Table[S]{
		flows:    make(map[Key]*Entry[S]),
		idle:     idle,
		maxFlows: maxFlows,
		onExpire: onExpire,
	}
}

// Lookup returns the flow of key, creating it when it is new, and marks it seen at now.
// It returns nil when the flow is new and the table is full.
func (t *Table[S]) Lookup(key Key, now int64) (entry *Entry[S], created bool) {
	if now >= t.nextSweep {
		t.Sweep(now)
	}

	if entry = t.flows[key]; entry != nil {
		entry.LastSeen = now
		return entry, false
	}
	if len(t.flows) >= t.maxFlows {
		return nil, false
	}

	// Reuse an expired entry to spare the allocator on busy links.
	if n := len(t.free); n > 0 {
		entry = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		entry = new(Entry[S])
	}
	entry.LastSeen = now
	t.flows[key] = entry
	return entry, true
}

// Len returns the number of tracked flows.
func (t *Table[S]) Len() int { return len(t.flows) }

// Sweep expires every flow idle for longer than the timeout at time now and returns how
// many it expired. Lookup calls it about ten times per timeout.
func (t *Table[S]) Sweep(now int64) int {
	t.nextSweep = now + t.idle/10

	expired := 0
	for key, entry := range t.flows {
		if now-entry.LastSeen <= t.idle {
			continue
		}
		t.remove(key, entry)
		expired++
	}
	return expired
}

// Delete removes a flow at once, calling onExpire like an expiry.
func (t *Table[S]) Delete(key Key) {
	if entry := t.flows[key]; entry != nil {
		t.remove(key, entry)
	}
}

// Each calls fn for every tracked flow, in no particular order.
func (t *Table[S]) Each(fn func(Key, *Entry[S])) {
	for key, entry := range t.flows {
		fn(key, entry)
	}
}

func (t *Table[S]) remove(key Key, entry *Entry[S]) {
	if t.onExpire != nil {
		t.onExpire(key, entry)
	}
	delete(t.flows, key)

	var zero S
	entry.State = zero
	t.free = append(t.free, entry)
}
