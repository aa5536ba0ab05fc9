package modbus

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// collector records what a Stream hands over, copying each PDU.
type collector struct {
	adus   []collected
	errors [NumErrorKinds]int
}

type collected struct {
	transactionID uint16
	unitID        uint8
	pdu           string
}

func (c *collector) HandleADU(adu *ADU) {
	c.adus = append(c.adus, collected{adu.TransactionID, adu.UnitID, hex.EncodeToString(adu.PDU)})
}

func (c *collector) HandleDecodeError(kind ErrorKind) { c.errors[kind]++ }

func TestStreamFeed(t *testing.T) {
	tests := []struct {
		name     string
		segments []string
		want     []collected
		errors   [NumErrorKinds]int
		pending  int
	}{
		{
			name:     "one adu",
			segments: []string{"000100000006010300000002"},
			want:     []collected{{1, 1, "0300000002"}},
		},
		{
			name:     "two adus one segment",
			segments: []string{"000100000006010300000002" + "0002000000060103000a0001"},
			want:     []collected{{1, 1, "0300000002"}, {2, 1, "03000a0001"}},
		},
		{
			name:     "split inside header",
			segments: []string{"00030000", "00060106", "0001002a"},
			want:     []collected{{3, 1, "060001002a"}},
		},
		{
			name:     "one byte at a time",
			segments: []string{"00", "03", "00", "00", "00", "06", "01", "06", "00", "01", "00", "2a"},
			want:     []collected{{3, 1, "060001002a"}},
		},
		{
			name:     "tail of one adu and head of next",
			segments: []string{"0001000000060103", "00000002" + "0002000000", "06010300" + "0a0001"},
			want:     []collected{{1, 1, "0300000002"}, {2, 1, "03000a0001"}},
		},
		{
			name:     "bad protocol id drops segment",
			segments: []string{"0004000700060106000100ff" + "000100000006010300000002"},
			errors:   [NumErrorKinds]int{ErrProtocolID: 1},
		},
		{
			name:     "resync at next segment",
			segments: []string{"0004000700060106000100ff", "000100000006010300000002"},
			want:     []collected{{1, 1, "0300000002"}},
			errors:   [NumErrorKinds]int{ErrProtocolID: 1},
		},
		{
			name:     "length below two",
			segments: []string{"00010000000101"},
			errors:   [NumErrorKinds]int{ErrLength: 1},
		},
		{
			name:     "length above 254",
			segments: []string{"000100000100010300000002"},
			errors:   [NumErrorKinds]int{ErrLength: 1},
		},
		{
			name:     "bad header completed across segments",
			segments: []string{"000100", "010006010300000002"},
			errors:   [NumErrorKinds]int{ErrProtocolID: 1},
		},
		{
			name:     "partial adu kept",
			segments: []string{"00010000000601030000"},
			pending:  10,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stream Stream
			var got collector
			for _, segment := range tt.segments {
				data, err := hex.DecodeString(segment)
				require.NoError(t, err)
				stream.Feed(data, &got)
			}

			assert.Equal(t, tt.want, got.adus)
			assert.Equal(t, tt.errors, got.errors)
			assert.Equal(t, tt.pending, stream.Pending())
		})
	}
}

func TestStreamLargestADU(t *testing.T) {
	// A Write Multiple Registers request of 123 registers fills the 260-byte ADU limit.
	adu := make([]byte, MaxADULen)
	copy(adu, []byte{0, 9, 0, 0, 0, maxLengthField, 1, FuncWriteMultipleRegisters, 0, 0, 0, 123, 246})
	require.Len(t, adu, 260)

	var stream Stream
	var got collector
	stream.Feed(adu[:100], &got)
	stream.Feed(adu[100:], &got)

	require.Len(t, got.adus, 1)
	assert.Len(t, got.adus[0].pdu, 2*MaxPDULen)
	assert.Zero(t, stream.Pending())
}

func FuzzStreamFeed(f *testing.F) {
	f.Add([]byte("\x00\x01\x00\x00\x00\x06\x01\x03\x00\x00\x00\x02\x00\x02\x00\x00\x00\x06\x01\x10"), 5)
	f.Add([]byte("\x00\x03\x00\x00\x00\x06\x01\x06\x00\x01\x00\x2a"), 8)
	f.Add([]byte("\x00\x00\x00\x00\x00\x03\x01\x81\x02"), 3)
	f.Add([]byte("\x00\x04\x00\x07\x00\x06\x01\x06\x00\x01\x00\xff"), 1)

	f.Fuzz(func(t *testing.T, data []byte, cut int) {
		var stream Stream
		var got collector
		if cut < 0 || cut > len(data) {
			cut = len(data) / 2
		}

		stream.Feed(data[:cut], &got)
		stream.Feed(data[cut:], &got)

		values := make([]uint16, MaxValues)
		for _, adu := range got.adus {
			pdu, err := hex.DecodeString(adu.pdu)
			require.NoError(t, err)
			require.NotEmpty(t, pdu, "an ADU always carries a function code")
			require.LessOrEqual(t, len(pdu), MaxPDULen)
			_, _ = ParseRequest(pdu, values)
			_ = ExceptionCode(pdu)
		}
		assert.LessOrEqual(t, stream.Pending(), MaxADULen)
	})
}
