package flow

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// recorder writes delivered bytes into a string, with "|" for each gap.
type recorder struct{ strings.Builder }

func (r *recorder) Data(p []byte) { r.Write(p) }
func (r *recorder) Gap()          { r.WriteString("|") }

type segment struct {
	seq  uint32
	syn  bool
	data string
}

func TestReassemblerOrder(t *testing.T) {
	tests := []struct {
		name     string
		segments []segment
		want     string
		stats    ReassemblyStats
	}{
		{
			name:     "in order after syn",
			segments: []segment{{seq: 99, syn: true}, {seq: 100, data: "abc"}, {seq: 103, data: "def"}},
			want:     "abcdef",
		},
		{
			name:     "mid-stream start",
			segments: []segment{{seq: 5000, data: "abc"}, {seq: 5003, data: "d"}},
			want:     "abcd",
		},
		{
			name:     "retransmission dropped",
			segments: []segment{{seq: 100, data: "abc"}, {seq: 100, data: "abc"}, {seq: 103, data: "d"}},
			want:     "abcd",
			stats:    ReassemblyStats{Retransmitted: 1},
		},
		{
			name:     "overlap trimmed",
			segments: []segment{{seq: 100, data: "abc"}, {seq: 101, data: "bcde"}},
			want:     "abcde",
		},
		{
			name:     "out of order filled",
			segments: []segment{{seq: 100, data: "ab"}, {seq: 104, data: "ef"}, {seq: 102, data: "cd"}},
			want:     "abcdef",
			stats:    ReassemblyStats{OutOfOrder: 1},
		},
		{
			name: "reversed segments",
			segments: []segment{
				{seq: 100, data: "a"}, {seq: 104, data: "e"}, {seq: 103, data: "d"}, {seq: 102, data: "c"}, {seq: 101, data: "b"},
			},
			want:  "abcde",
			stats: ReassemblyStats{OutOfOrder: 3},
		},
		{
			name: "sequence wraps",
			segments: []segment{
				{seq: 0xfffffffe, data: "ab"}, {seq: 1, data: "d"}, {seq: 0, data: "c"},
			},
			want:  "abcd",
			stats: ReassemblyStats{OutOfOrder: 1},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Reassembler
			var got recorder
			var stats ReassemblyStats
			for _, s := range tt.segments {
				r.Add(s.seq, s.syn, false, []byte(s.data), &got, &stats)
			}

			assert.Equal(t, tt.want, got.String())
			assert.Equal(t, tt.stats, stats)
		})
	}
}

func TestReassemblerGapSkipped(t *testing.T) {
	var r Reassembler
	var got recorder
	var stats ReassemblyStats

	// Byte 101 never arrives; the early buffer fills and the reassembler moves on.
	r.Add(100, false, false, []byte("a"), &got, &stats)
	for i := range uint32(maxEarlySegments + 1) {
		r.Add(102+i, false, false, []byte{'c' + byte(i)}, &got, &stats)
	}

	assert.Equal(t, "a|cdefghijk", got.String())
	assert.Equal(t, uint64(1), stats.Gaps)
	assert.Empty(t, r.early)
	assert.Zero(t, r.earlyBytes)
}

func TestReassemblerEarlyBytesBounded(t *testing.T) {
	var r Reassembler
	var got recorder
	var stats ReassemblyStats
	big := strings.Repeat("x", maxEarlyBytes/2)

	r.Add(0, false, false, []byte("a"), &got, &stats)
	r.Add(10, false, false, []byte(big), &got, &stats)
	r.Add(5000, false, false, []byte(big), &got, &stats)
	r.Add(9000, false, false, []byte(big), &got, &stats)

	assert.LessOrEqual(t, r.earlyBytes, maxEarlyBytes)
	assert.Equal(t, uint64(1), stats.Gaps)
}

func TestNewKeyBothDirections(t *testing.T) {
	a := [16]byte{15: 1}
	b := [16]byte{15: 2}

	forward, aFirst := NewKey(a, b, 40000, 502, 6)
	reverse, bFirst := NewKey(b, a, 502, 40000, 6)

	assert.Equal(t, forward, reverse)
	assert.True(t, aFirst)
	assert.False(t, bFirst)
}

func TestTableExpiry(t *testing.T) {
	const second = int64(1_000_000_000)
	var expired []Key
	table := NewTable[int](10*second, 2, func(key Key, _ *Entry[int]) { expired = append(expired, key) })
	k1, _ := NewKey([16]byte{15: 1}, [16]byte{15: 2}, 1, 502, 6)
	k2, _ := NewKey([16]byte{15: 3}, [16]byte{15: 2}, 1, 502, 6)
	k3, _ := NewKey([16]byte{15: 4}, [16]byte{15: 2}, 1, 502, 6)

	e1, created := table.Lookup(k1, 0)
	assert.True(t, created)
	e1.State = 7
	_, created = table.Lookup(k2, 5*second)
	assert.True(t, created)

	full, _ := table.Lookup(k3, 6*second)
	assert.Nil(t, full, "table at its limit")

	e1again, created := table.Lookup(k1, 8*second)
	assert.False(t, created)
	assert.Equal(t, 7, e1again.State)

	// At 16 s the second flow (last seen at 5 s) is idle for 11 s and expires.
	assert.Equal(t, 1, table.Sweep(16*second))
	assert.Equal(t, []Key{k2}, expired)
	assert.Equal(t, 1, table.Len())

	reused, created := table.Lookup(k3, 17*second)
	assert.True(t, created)
	assert.Zero(t, reused.State, "reused entry starts from zero state")
}

func TestReassemblerAcked(t *testing.T) {
	tests := []struct {
		name     string
		segments []segment
		fin      bool
		ack      uint32
		next     uint32 // where the stream continues afterwards
		want     string
		gaps     uint64
	}{
		{"ack of delivered bytes", []segment{{seq: 100, data: "abc"}}, false, 103, 103, "abc", 0},
		{"ack of fin", []segment{{seq: 100, data: "abc"}}, true, 104, 103, "abc", 0},
		{"old ack", []segment{{seq: 100, data: "abc"}}, false, 90, 103, "abc", 0},
		{"lost bytes skipped", []segment{{seq: 100, data: "ab"}, {seq: 105, data: "fg"}}, false, 107, 107, "ab|fg", 1},
		{"ack past everything", []segment{{seq: 100, data: "ab"}}, false, 110, 110, "ab|", 1},
		{"forged ack far ahead", []segment{{seq: 100, data: "ab"}}, false, 100 + 1<<31 - 1, 102, "ab", 0},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Reassembler
			var got recorder
			var stats ReassemblyStats
			for i, s := range tt.segments {
				r.Add(s.seq, s.syn, tt.fin && i == len(tt.segments)-1, []byte(s.data), &got, &stats)
			}

			r.Acked(tt.ack, &got, &stats)
			r.Add(tt.next, false, false, []byte("z"), &got, &stats)

			assert.Equal(t, tt.want+"z", got.String())
			assert.Equal(t, tt.gaps, stats.Gaps)
		})
	}
}
