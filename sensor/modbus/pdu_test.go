package modbus

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRequest(t *testing.T) {
	tests := []struct {
		name    string
		pdu     string
		want    Request
		wantErr error
	}{
		{"read holding registers", "03000a0002", Request{Function: 3, Address: 10, Quantity: 2}, nil},
		{"read short", "03000a00", Request{Function: 3}, ErrShortPDU},
		{"write single coil on", "050002ff00", Request{Function: 5, Address: 2, Quantity: 1, Values: []uint16{1}}, nil},
		{"write single coil off", "0500020000", Request{Function: 5, Address: 2, Quantity: 1, Values: []uint16{0}}, nil},
		{"write single coil bad value", "0500020001", Request{Function: 5, Address: 2, Quantity: 1}, ErrCoilValue},
		{"write single register", "060001002a", Request{Function: 6, Address: 1, Quantity: 1, Values: []uint16{42}}, nil},
		{
			"write multiple coils", "0f0013000a02cd01",
			Request{Function: 15, Address: 19, Quantity: 10, Values: []uint16{1, 0, 1, 1, 0, 0, 1, 1, 1, 0}}, nil,
		},
		{"write multiple coils byte count", "0f0013000a03cd0100", Request{Function: 15, Address: 19, Quantity: 10}, ErrByteCount},
		{"write multiple coils zero quantity", "0f0013000000", Request{Function: 15, Address: 19}, ErrQuantity},
		{
			"write multiple registers", "100001000204000a0102",
			Request{Function: 16, Address: 1, Quantity: 2, Values: []uint16{10, 258}}, nil,
		},
		{"write multiple registers truncated", "100001000204000a01", Request{Function: 16, Address: 1, Quantity: 2}, ErrShortPDU},
		{"write multiple registers too many", "1000010080ff", Request{Function: 16, Address: 1, Quantity: 128}, ErrQuantity},
		{"mask write register", "1600040f2f0025", Request{Function: 22, Address: 4, Quantity: 1}, nil},
		{
			"read write registers", "170003000600000003060001ffff0002",
			Request{Function: 23, ReadAddress: 3, ReadQuantity: 6, Address: 0, Quantity: 3, Values: []uint16{1, 0xffff, 2}}, nil,
		},
		{"read device identification", "2b0e0100", Request{Function: 43, MEIType: 14}, nil},
		{"function without body", "11", Request{Function: 17}, nil},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pdu, err := hex.DecodeString(tt.pdu)
			require.NoError(t, err)

			got, err := ParseRequest(pdu, make([]uint16, MaxValues))

			assert.ErrorIs(t, err, tt.wantErr)
			if tt.wantErr == nil {
				assert.NoError(t, err)
			}
			assert.Equal(t, tt.want.Function, got.Function)
			assert.Equal(t, tt.want.Address, got.Address)
			assert.Equal(t, tt.want.Quantity, got.Quantity)
			assert.Equal(t, tt.want.ReadAddress, got.ReadAddress)
			assert.Equal(t, tt.want.ReadQuantity, got.ReadQuantity)
			assert.Equal(t, tt.want.MEIType, got.MEIType)
			if tt.wantErr == nil {
				assert.Equal(t, tt.want.Values, got.Values)
			}
		})
	}
}

func TestExceptionCode(t *testing.T) {
	assert.Equal(t, uint8(2), ExceptionCode([]byte{0x81, 0x02}))
	assert.Equal(t, uint8(0), ExceptionCode([]byte{0x81}), "exception without code byte")
	assert.Equal(t, uint8(0), ExceptionCode([]byte{0x03, 0x02, 0x00, 0x01}), "normal response")
}

func TestTransactionsPairing(t *testing.T) {
	const timeout = 5_000_000_000
	var table Transactions

	assert.Zero(t, table.Add(Pending{TransactionID: 1, UnitID: 1, Function: 3, Time: 0}, 0, timeout))
	assert.Zero(t, table.Add(Pending{TransactionID: 2, UnitID: 1, Function: 6, Address: 7, Time: 1}, 1, timeout))

	got, ok, dropped := table.Match(2, 1, 2, timeout)
	require.True(t, ok)
	assert.Zero(t, dropped)
	assert.Equal(t, uint8(6), got.Function)
	assert.Equal(t, uint16(7), got.Address)

	_, ok, _ = table.Match(2, 1, 3, timeout)
	assert.False(t, ok, "a response is paired once")

	_, ok, _ = table.Match(1, 2, 3, timeout)
	assert.False(t, ok, "unit ID is part of the pairing")

	_, ok, dropped = table.Match(1, 1, 10_000_000_000, timeout)
	assert.False(t, ok, "timed-out request is gone")
	assert.Equal(t, 1, dropped)
}

func TestTransactionsFullTable(t *testing.T) {
	const timeout = 5_000_000_000
	var table Transactions
	dropped := 0
	for id := range uint16(maxPending + 3) {
		dropped += table.Add(Pending{TransactionID: id, UnitID: 1, Time: int64(id)}, int64(id), timeout)
	}
	assert.Equal(t, 3, dropped)

	_, ok, _ := table.Match(0, 1, 100, timeout)
	assert.False(t, ok, "oldest request evicted")
	_, ok, _ = table.Match(maxPending+2, 1, 100, timeout)
	assert.True(t, ok, "newest request kept")
}
